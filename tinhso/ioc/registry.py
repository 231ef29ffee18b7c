"""The operations centre's KPI registry: figures other apps put on the leaders' live screen.

Unlike the home page's tiles (:mod:`tinhso.core.registry`, public figures of the whole
province), a KPI is computed for the person looking: ``value(user)`` reads only what that user
may see (through ``tinhso.accounts.permissions.scope_queryset``), in a bounded number of
queries. An app registers from its ``AppConfig.ready()``::

    register_kpi(Kpi("services.overdue", _("Hồ sơ quá hạn"), overdue_count, "services:inbox"))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

TONES = frozenset({"", "ok", "warn", "bad"})
"""How a figure reads: neutral, good, worth a look, bad (the screen colours it)."""


@dataclass(frozen=True)
class KpiValue:
    """A computed figure: the value, an optional line under it and how it reads.

    ``colour`` (``#rrggbb``) overrides the tone's colour, e.g. an AQI level's official colour.
    """

    value: object
    detail: str | Promise = ""
    tone: str = ""
    colour: str = ""

    def __post_init__(self) -> None:
        if self.tone not in TONES:
            raise ValueError(f"tone must be one of {sorted(TONES)}, not {self.tone!r}")


@dataclass(frozen=True)
class Kpi:
    """A figure on the operations centre's screen; ``value`` returns a plain value or a
    :class:`KpiValue`."""

    key: str
    title: str | Promise
    value: Callable[[Any], object]
    url_name: str = ""
    order: int = 100


_kpis: dict[str, Kpi] = {}


def register_kpi(kpi: Kpi) -> None:
    """Add or replace a KPI (by key)."""
    _kpis[kpi.key] = kpi


def unregister_kpi(key: str) -> None:
    """Remove a KPI if it is registered (tests, or an app switching one off)."""
    _kpis.pop(key, None)


def kpis() -> list[Kpi]:
    """Return the registered KPIs in display order."""
    return sorted(_kpis.values(), key=lambda k: (k.order, k.key))


def measure(kpi: Kpi, user: Any) -> KpiValue:
    """The KPI's figure for ``user``, always as a :class:`KpiValue`."""
    found = kpi.value(user)
    return found if isinstance(found, KpiValue) else KpiValue(found)
