"""Rules evaluated by other apps on a schedule (``tinhso tick``).

An app registers an :class:`Evaluator` from its ``AppConfig.ready()``; the ticker runs each
enabled rule of kind ``registered`` whose params name it (``{"evaluator": code}``) and feeds
the observations to :func:`tinhso.alerts.engine.observe`. ``actions.ensure_registered_rules``
creates the rule of each evaluator from ``default_rule`` once; an operator's later edits are
never overwritten.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.functional import Promise

from tinhso.alerts.engine import Observation
from tinhso.alerts.models import Rule


@dataclass(frozen=True)
class Evaluator:
    """A rule another app evaluates: given its rule and the time, say what it observes.

    ``default_rule`` holds the fields of the rule row created for it: ``name``, ``severity``,
    ``params``, ``for_seconds``, ``escalate_after_minutes`` (and optionally ``description``).
    """

    code: str
    name: str | Promise
    source: str
    evaluate: Callable[[Rule, datetime], Iterable[Observation]]
    default_rule: dict[str, Any] = field(default_factory=dict)


_evaluators: dict[str, Evaluator] = {}


def register_evaluator(evaluator: Evaluator) -> None:
    """Add or replace an evaluator (by code)."""
    _evaluators[evaluator.code] = evaluator


def evaluators() -> list[Evaluator]:
    """Return the registered evaluators, by code."""
    return sorted(_evaluators.values(), key=lambda e: e.code)


def evaluator_for(rule: Rule) -> Evaluator | None:
    """The evaluator a registered rule names, if it is registered."""
    return _evaluators.get(str((rule.params or {}).get("evaluator", "")))
