"""Reads of the reporting app shared by pages and the API: the scorecard of the resolution.

Every number here comes from :class:`~tinhso.indicators.aggregation.Aggregator`, in two views:
*as reported* (the units as they were when the period ended) and *restated* onto today's
boundaries. Query counts are bounded by the number of tree levels and succession generations,
never by the number of targets, units or periods:

* :func:`target_rows` — every target with its series, status, projection and milestones
  (targets, one inventory query, one aggregator; with ``restated=True`` also the succession
  walk, a second inventory and a restated aggregator);
* :func:`target_row` — one target, restated too;
* :func:`drill_down` — one indicator for a unit and its child units in one period.

A target's series is yearly, since the resolution's targets are: every year with data is a
point, months and quarters counting towards their year; the status projects that series to
the deadline (:mod:`tinhso.indicators.status`).

Each number carries its :class:`Provenance`: when its values were last updated ("data as of")
and whether any of them is illustrative (generated for the demo) or a published figure (with
its confidence and source).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.db.models import Case, CharField, Count, F, IntegerField, Max, Q, Value, When
from django.utils import timezone

from tinhso.directory import queries as directory
from tinhso.directory.models import AdministrativeUnit, UnitSuccession
from tinhso.indicators import status
from tinhso.indicators.aggregation import Aggregator, View
from tinhso.indicators.choices import Comparison, ValueSource
from tinhso.indicators.expressions import parse
from tinhso.indicators.models import DataValue, Indicator, Target
from tinhso.indicators.periods import Period, PeriodType

__all__ = [
    "DrillDown",
    "Point",
    "Provenance",
    "TargetRow",
    "UnitValue",
    "drill_down",
    "drill_start",
    "indicator_codes",
    "target_row",
    "target_rows",
]

_COMPARISONS: dict[str, tuple[status.Comparison, bool]] = {
    Comparison.AT_LEAST: (status.Comparison.AT_LEAST, False),
    Comparison.MORE_THAN: (status.Comparison.AT_LEAST, True),
    Comparison.AT_MOST: (status.Comparison.AT_MOST, False),
    Comparison.LESS_THAN: (status.Comparison.AT_MOST, True),
    Comparison.ABOUT: (status.Comparison.ABOUT, False),
}

# A value's parent chain is at most province > district > commune.
_ANCESTRY = ("unit_id", "unit__parent_id", "unit__parent__parent_id")


# -- provenance ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Citation:
    """A published figure's confidence ([V] official, [S] press, [U] unsure) and source."""

    confidence: str
    source: str


@dataclass(frozen=True)
class Provenance:
    """Where the values behind a number came from and when they last changed."""

    updated_at: datetime.datetime | None = None
    sources: frozenset[str] = frozenset()
    citations: tuple[Citation, ...] = ()

    @property
    def illustrative(self) -> bool:
        """Whether any value used is illustrative (generated, not reported)."""
        return ValueSource.ILLUSTRATIVE in self.sources

    @property
    def published(self) -> bool:
        """Whether any value used is a published figure."""
        return ValueSource.PUBLISHED in self.sources

    def merge(self, other: Provenance) -> Provenance:
        """The provenance of a number using the values of both."""
        stamps = [s for s in (self.updated_at, other.updated_at) if s is not None]
        citations = self.citations + tuple(c for c in other.citations if c not in self.citations)
        return Provenance(
            updated_at=max(stamps) if stamps else None,
            sources=self.sources | other.sources,
            citations=citations,
        )

    @classmethod
    def of(cls, items: Iterable[Provenance]) -> Provenance:
        """The provenance of a number using the values of all ``items``."""
        result = cls()
        for item in items:
            result = result.merge(item)
        return result


# (root unit id or None, element code, period code) → provenance of the values stored there.
Inventory = Mapping[tuple[int | None, str, str], Provenance]


def _inventory(
    codes: set[str], *, roots: set[int] | None = None, unit_ids: set[int] | None = None
) -> dict[tuple[int | None, str, str], Provenance]:
    """Periods with data and their provenance, in one grouped query.

    With ``roots``: values of the roots and of every unit below them (by parent links, so
    former units too), keyed by root. With ``unit_ids``: values of exactly those units, keyed
    by ``None``.
    """
    values = DataValue.objects.filter(data_element__code__in=codes)
    if roots is not None:
        values = values.filter(
            Q(unit_id__in=roots)
            | Q(unit__parent_id__in=roots)
            | Q(unit__parent__parent_id__in=roots)
        ).annotate(
            root=Case(
                *(When(**{f"{path}__in": roots}, then=F(path)) for path in _ANCESTRY[:2]),
                default=F(_ANCESTRY[2]),
                output_field=IntegerField(),
            )
        )
    else:
        values = values.filter(unit_id__in=unit_ids or ()).annotate(
            root=Value(None, output_field=IntegerField())
        )
    rows = (
        values.annotate(
            cite=Case(
                When(source=ValueSource.PUBLISHED, then=F("note")),
                default=Value(""),
                output_field=CharField(),
            )
        )
        .values("root", "data_element__code", "period", "source", "confidence", "cite")
        .annotate(latest=Max("updated_at"), n=Count("id"))
        .order_by()
    )
    found: dict[tuple[int | None, str, str], Provenance] = defaultdict(Provenance)
    for row in rows:
        key = (row["root"], row["data_element__code"], row["period"])
        citations: tuple[Citation, ...] = ()
        if row["source"] == ValueSource.PUBLISHED:
            citations = (Citation(row["confidence"], row["cite"]),)
        found[key] = found[key].merge(
            Provenance(row["latest"], frozenset({row["source"]}), citations)
        )
    return found


def _predecessors(unit_ids: set[int], as_of: datetime.date) -> set[int]:
    """``unit_ids`` and every unit that passed (part of) itself on to them, transitively."""
    related = set(unit_ids)
    frontier = set(unit_ids)
    for _generation in range(directory.MAX_GENERATIONS):
        if not frontier:
            break
        older = set(
            UnitSuccession.objects.filter(
                successor_id__in=frontier, effective_date__lte=as_of
            ).values_list("predecessor_id", flat=True)
        )
        frontier = older - related
        related |= frontier
    return related


def _restated_inventory(
    root: AdministrativeUnit, codes: set[str], as_of: datetime.date
) -> dict[tuple[int | None, str, str], Provenance]:
    """The inventory of every unit whose values restate onto ``root``'s subtree on ``as_of``."""
    current = {root.pk} | {u.pk for u in directory.descendants(root, as_of)}
    return _inventory(codes, unit_ids=_predecessors(current, as_of))


# -- series -------------------------------------------------------------------------------------


def indicator_codes(indicator: Indicator) -> set[str]:
    """The data-element codes an indicator's numerator and denominator refer to."""
    return {
        ref.code
        for text in (indicator.numerator, indicator.denominator)
        for ref in parse(text).references()
    }


@dataclass(frozen=True)
class Point:
    """One value of an indicator's series: its period, the day it speaks for, its provenance.

    ``day`` is the period's end, or the end of the last sub-period with data when the period
    is not over (a year so far), so that the status never reads a value dated in the future.
    """

    period: Period
    day: datetime.date
    value: float
    provenance: Provenance


def _series_periods(
    inventory: Inventory, root: int | None, codes: set[str]
) -> dict[Period, tuple[datetime.date, Provenance]]:
    """The years of a series and, per year, its day and the provenance of its values.

    The resolution's targets are annual, so the scorecard's series is yearly: months,
    quarters and halves count towards their year (which also smooths seasonality), and each
    year with data is one point. A year not over yet speaks for the end of its latest
    period with data (its "day").
    """
    found: dict[Period, tuple[datetime.date, Provenance]] = {}
    for (unit, code, code_period), provenance in inventory.items():
        if unit != root or code not in codes:
            continue
        period = Period.parse(code_period)
        year = Period(PeriodType.YEARLY, period.year)
        day, known = found.get(year, (period.end, Provenance()))
        found[year] = (max(day, period.end), known.merge(provenance))
    return found


def _series(
    aggregator: Aggregator,
    indicator: Indicator,
    unit: AdministrativeUnit,
    periods: Mapping[Period, tuple[datetime.date, Provenance]],
) -> tuple[Point, ...]:
    points = []
    for period in sorted(periods, key=lambda p: p.start):
        value = aggregator.indicator_value(indicator, unit, period)
        if value is not None:
            day, provenance = periods[period]
            points.append(Point(period, min(day, period.end), value, provenance))
    return tuple(points)


# -- targets ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetRow:
    """A target with its measured state, as the scorecard and the API show it.

    ``series`` is as reported on the target's unit; ``restated_series`` (when asked for) is
    the same indicator restated onto ``restated_unit``, the unit that carries the target's
    unit today. ``milestones`` is the expected path (31/12 of each year to the deadline),
    from the target's baseline or, lacking one, from the first value (``milestones_derived``).
    """

    target: Target
    current_value: float | None
    current_period: str | None
    status: status.TargetStatus
    projected_value: float | None
    series: tuple[Point, ...] = ()
    expected_now: float | None = None
    gap: float | None = None
    milestones: tuple[tuple[datetime.date, float], ...] = ()
    milestones_derived: bool = False
    restated_series: tuple[Point, ...] = ()
    restated_unit: AdministrativeUnit | None = None

    @property
    def current_point(self) -> Point | None:
        """The series point the current value comes from."""
        return next((p for p in self.series if p.period.code == self.current_period), None)

    @property
    def restated_value(self) -> float | None:
        """The restated value of the current period."""
        return next(
            (p.value for p in self.restated_series if p.period.code == self.current_period),
            None,
        )

    @property
    def provenance(self) -> Provenance:
        """The provenance of every value behind the as-reported series."""
        return Provenance.of(p.provenance for p in self.series)

    @property
    def restated_provenance(self) -> Provenance:
        """The provenance of every value behind the restated series."""
        return Provenance.of(p.provenance for p in self.restated_series)

    @property
    def data_as_of(self) -> datetime.datetime | None:
        """When the latest value behind the series was stored or changed."""
        return self.provenance.updated_at


def _spec(target: Target, baseline: tuple[datetime.date, float] | None = None) -> status.TargetSpec:
    comparison, strict = _COMPARISONS[target.comparison]
    day = target.baseline_date
    value = float(target.baseline_value) if target.baseline_value is not None else None
    if baseline is not None:
        day, value = baseline
    if day is None or value is None:
        day = value = None
    return status.TargetSpec(
        baseline_value=value,
        baseline_day=day,
        target_value=float(target.target_value),
        comparison=comparison,
        deadline=target.deadline,
        strict=strict,
    )


def _milestones(
    target: Target, series: Sequence[Point]
) -> tuple[tuple[tuple[datetime.date, float], ...], bool]:
    derived = target.baseline_value is None or target.baseline_date is None
    baseline = None
    if derived:
        if not series or series[0].day >= target.deadline:
            return (), True
        baseline = (series[0].day, series[0].value)
    spec = _spec(target, baseline)
    assert spec.baseline_day is not None and spec.baseline_value is not None
    if derived and status.meets(spec, spec.baseline_value):
        # The first value already meets the target: there is no way left to go.
        return (), True
    days = [spec.baseline_day] + [
        datetime.date(year, 12, 31)
        for year in range(spec.baseline_day.year, target.deadline.year + 1)
        if spec.baseline_day < datetime.date(year, 12, 31) <= target.deadline
    ]
    if days[-1] != target.deadline:
        days.append(target.deadline)
    return tuple(status.milestones(spec, days)), derived


def _row(
    target: Target,
    series: tuple[Point, ...],
    today: datetime.date,
    restated: tuple[tuple[Point, ...], AdministrativeUnit | None] = ((), None),
) -> TargetRow:
    observations = [status.Observation(day=p.day, value=p.value) for p in series]
    assessment = status.assess(_spec(target), observations, today)
    current = next((p for p in reversed(series) if p.day == assessment.current_day), None)
    milestones, derived = _milestones(target, series)
    return TargetRow(
        target=target,
        current_value=assessment.current_value,
        current_period=current.period.code if current else None,
        status=assessment.status,
        projected_value=assessment.projected_value,
        series=series,
        expected_now=assessment.expected_now,
        gap=assessment.gap,
        milestones=milestones,
        milestones_derived=derived,
        restated_series=restated[0],
        restated_unit=restated[1],
    )


def _current_units(
    units: Iterable[AdministrativeUnit], as_of: datetime.date
) -> dict[int, AdministrativeUnit | None]:
    """For each unit, the unit carrying it on ``as_of``: itself, or its heaviest successor."""
    successors = directory.current_successors_of({u.pk for u in units}, as_of)
    return {
        origin: max(found, key=lambda s: (s.weight, -s.unit.pk)).unit if found else None
        for origin, found in successors.items()
    }


def _measure(targets: Sequence[Target], today: datetime.date, *, restated: bool) -> list[TargetRow]:
    codes = {code for target in targets for code in indicator_codes(target.indicator)}
    roots = {t.scope_unit_id for t in targets if t.scope_unit_id is not None}
    inventory = _inventory(codes, roots=roots) if roots and codes else {}
    periods = {
        target.pk: _series_periods(
            inventory, target.scope_unit_id, indicator_codes(target.indicator)
        )
        for target in targets
    }
    units = {t.scope_unit_id: t.scope_unit for t in targets if t.scope_unit is not None}
    indicators = {t.indicator_id: t.indicator for t in targets}
    wanted = {period for found in periods.values() for period in found}
    # Targets for 2025 and 2030 often share an indicator and a unit: compute each once.
    memo: dict[tuple[str, int, int], tuple[Point, ...]] = {}
    series: dict[int, tuple[Point, ...]] = {}
    if wanted:
        aggregator = Aggregator(
            [u for u in units.values() if u is not None], wanted, indicators=indicators.values()
        )
        for target in targets:
            if target.scope_unit is not None:
                key = ("reported", target.indicator_id, target.scope_unit.pk)
                if key not in memo:
                    memo[key] = _series(
                        aggregator, target.indicator, target.scope_unit, periods[target.pk]
                    )
                series[target.pk] = memo[key]
    restated_series: dict[int, tuple[tuple[Point, ...], AdministrativeUnit | None]] = {}
    if restated and units:
        current = _current_units(units.values(), today)
        for root in {u.pk: u for u in current.values() if u is not None}.values():
            mine = [t for t in targets if current.get(t.scope_unit_id or 0) == root]
            moved = _restated_inventory(root, codes, today)
            chosen = {
                t.pk: _series_periods(moved, None, indicator_codes(t.indicator)) for t in mine
            }
            asked = {period for found in chosen.values() for period in found}
            if not asked:
                restated_series.update({t.pk: ((), root) for t in mine})
                continue
            aggregator = Aggregator(
                [root],
                asked,
                indicators={t.indicator_id: t.indicator for t in mine}.values(),
                view="restated",
                as_of=today,
            )
            for target in mine:
                key = ("restated", target.indicator_id, root.pk)
                if key not in memo:
                    memo[key] = _series(aggregator, target.indicator, root, chosen[target.pk])
                restated_series[target.pk] = (memo[key], root)
    return [
        _row(target, series.get(target.pk, ()), today, restated_series.get(target.pk, ((), None)))
        for target in targets
    ]


def target_rows(today: datetime.date | None = None, *, restated: bool = False) -> list[TargetRow]:
    """Every target with its series, current value, status, projection and milestones.

    Ordered by deadline, then code. ``restated=True`` adds the series restated onto today's
    boundaries. Queries: one for the targets, one inventory, the aggregator's (at most four);
    restated adds the succession walks and a restated aggregator per current province.
    """
    today = today or timezone.localdate()
    targets = list(Target.objects.select_related("indicator", "scope_unit", "responsible_agency"))
    return _measure(targets, today, restated=restated)


def target_row(
    code: str, today: datetime.date | None = None, *, restated: bool = True
) -> TargetRow:
    """One target, as :func:`target_rows` measures it (restated too, unless told not to).

    Raises:
        Target.DoesNotExist: no target has that code.
    """
    today = today or timezone.localdate()
    target = Target.objects.select_related("indicator", "scope_unit", "responsible_agency").get(
        code=code
    )
    return _measure([target], today, restated=restated)[0]


# -- drill-down ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitValue:
    """An indicator's value for one unit; ``has_children`` says whether one can go down."""

    unit: AdministrativeUnit
    value: float | None
    has_children: bool


@dataclass(frozen=True)
class DrillDown:
    """An indicator for a unit and each unit directly under it, in one period and view.

    ``day`` is the date of the tree: the last day of the period on which ``unit`` existed
    (as reported) or the restatement date (restated).
    """

    indicator: Indicator
    unit: AdministrativeUnit
    period: Period
    view: View
    day: datetime.date
    value: float | None
    children: list[UnitValue] = field(default_factory=list)
    ancestors: list[AdministrativeUnit] = field(default_factory=list)
    provenance: Provenance = field(default_factory=Provenance)


def _reporting_day(unit: AdministrativeUnit, period: Period) -> datetime.date:
    """The last day of ``period`` on which ``unit`` existed."""
    if unit.valid_to is not None and period.start <= unit.valid_to < period.end:
        return unit.valid_to
    return period.end


def covers(unit: AdministrativeUnit, period: Period) -> bool:
    """Whether ``unit`` existed on some day of ``period``."""
    return unit.valid_from <= period.end and (
        unit.valid_to is None or unit.valid_to >= period.start
    )


def drill_start(
    unit: AdministrativeUnit | None, period: Period, view: View, as_of: datetime.date | None = None
) -> AdministrativeUnit | None:
    """Where a drill-down of a target measured on ``unit`` starts, for a period and view.

    As reported: the unit itself if it existed during the period, else the unit carrying its
    code at the period's end (Bắc Giang until 30/06/2025, Bắc Ninh after). Restated: the unit
    carrying it on ``as_of`` (default today).
    """
    if unit is None:
        return None
    if view == "restated":
        day = as_of or directory.today()
        if unit.is_valid_on(day):
            return unit
        return _current_units([unit], day).get(unit.pk)
    if covers(unit, period):
        return unit
    return (
        directory.units_on(min(period.end, directory.today()))
        .filter(code=unit.code, level=unit.level)
        .first()
    )


def drill_down(
    indicator: Indicator,
    unit: AdministrativeUnit,
    period: Period,
    *,
    view: View = "reported",
    as_of: datetime.date | None = None,
) -> DrillDown:
    """The indicator for ``unit`` and each unit directly under it (same numbers as aggregates).

    As reported, the children are those of the period's tree (province → districts →
    communes before 01/07/2025, province → communes after); restated, today's children, each
    with the values of the former units that passed into it. Bounded queries: the children,
    the ancestors (one per level), the aggregator's and one inventory (restated: plus the
    succession walk).

    Raises:
        ValueError: restated onto a unit not valid on ``as_of``.
    """
    as_of = as_of or directory.today()
    day = as_of if view == "restated" else _reporting_day(unit, period)
    children = list(
        directory.with_child_count(directory.units_on(day).filter(parent=unit), day).order_by(
            "code"
        )
    )
    aggregator = Aggregator([unit], [period], indicators=[indicator], view=view, as_of=as_of)
    codes = indicator_codes(indicator)
    if view == "restated":
        inventory = _restated_inventory(unit, codes, as_of)
        root: int | None = None
    else:
        inventory = _inventory(codes, roots={unit.pk})
        root = unit.pk
    inside = {
        p.code
        for kind in PeriodType
        if kind.months <= period.type.months
        for p in period.children(kind)
    }
    provenance = Provenance.of(
        known
        for (where, _code, code_period), known in inventory.items()
        if where == root and code_period in inside
    )
    return DrillDown(
        indicator=indicator,
        unit=unit,
        period=period,
        view=view,
        day=day,
        value=aggregator.indicator_value(indicator, unit, period),
        children=[
            UnitValue(
                unit=child,
                value=aggregator.indicator_value(indicator, child, period),
                has_children=bool(getattr(child, "child_count", 0)),
            )
            for child in children
        ],
        ancestors=directory.ancestors(unit),
        provenance=provenance,
    )
