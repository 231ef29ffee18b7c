"""The actions the CKAN Action API knows, registered by the modules that implement them.

``tinhso.opendata.ckan`` registers the catalogue's actions (``package_show`` …) and
``tinhso.opendata.datastore`` the datastore's (``datastore_search``); the dispatcher looks
actions up here by name. ``side_effect_free`` actions answer GET as well as POST (CKAN's rule).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Context:
    """Who calls an action and from where: ``user`` is None for an anonymous caller."""

    request: HttpRequest
    user: Any
    site_url: str


ActionFunction = Callable[[Context, dict[str, Any]], Any]


@dataclass(frozen=True)
class Action:
    """One CKAN action: its name, what it does and whether GET may call it."""

    name: str
    function: ActionFunction
    side_effect_free: bool


_ACTIONS: dict[str, Action] = {}


def register(
    name: str, *, side_effect_free: bool = False
) -> Callable[[ActionFunction], ActionFunction]:
    """Register the decorated function as the CKAN action ``name``."""

    def decorate(function: ActionFunction) -> ActionFunction:
        _ACTIONS[name] = Action(name=name, function=function, side_effect_free=side_effect_free)
        return function

    return decorate


def find(name: str) -> Action | None:
    """The action called ``name``, or None if no module registered it."""
    return _ACTIONS.get(name)


def names() -> list[str]:
    """Names of every registered action, sorted."""
    return sorted(_ACTIONS)
