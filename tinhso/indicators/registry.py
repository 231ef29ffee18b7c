"""Computed data elements: other apps register functions that compute values from their data.

The one-stop module registers, say, the dossiers processed online by level; the reporting app
registers its own completeness counts. :func:`tinhso.indicators.actions.refresh_computed` stores
what they return as values with source ``computed``, beside reported ones, so indicators,
aggregation and the scorecard treat both alike. Register from ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from tinhso.indicators.periods import Period, PeriodType

__all__ = ["ComputedElement", "ComputedValue", "register", "registered"]


@dataclass(frozen=True)
class ComputedValue:
    """One computed value: the unit (primary key), its disaggregation and the number."""

    unit_id: int
    dimensions: dict[str, str]
    value: Decimal


@dataclass(frozen=True)
class ComputedElement:
    """A data element whose values a function computes for a period.

    ``compute(period)`` returns every value of the element for that period; values it no
    longer returns are removed on refresh. ``period_types`` are the periods it is computed for.
    """

    code: str
    compute: Callable[[Period], Iterable[ComputedValue]]
    period_types: frozenset[PeriodType] = frozenset(PeriodType)


_REGISTRY: dict[str, ComputedElement] = {}


def register(element: ComputedElement) -> None:
    """Add (or replace, when an app reloads) the computation of a data element."""
    _REGISTRY[element.code] = element


def registered(period: Period | None = None) -> list[ComputedElement]:
    """Registered computations, those for ``period``'s type when given, by code."""
    return [
        element
        for code, element in sorted(_REGISTRY.items())
        if period is None or period.type in element.period_types
    ]
