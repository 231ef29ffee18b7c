"""Values of data elements and indicators aggregated over time and space, as reported or restated.

A data element says how its values combine over time (months into a quarter or a year) and over
space (communes into a district or a province): ``sum``, ``average``, ``last``, ``min``, ``max``
or ``none`` (see :class:`~tinhso.indicators.choices.Aggregation`). This module applies them:

* :func:`aggregate_time` and :func:`aggregate_space` are the pure rules;
* :class:`Aggregator` preloads the units, elements and values needed for a set of units and
  periods with a bounded number of queries (independent of the number of units and periods;
  the database sums values over their dimensions unless a filter needs them apart), then
  answers :meth:`Aggregator.value` and :meth:`Aggregator.indicator_value` in memory;
* :func:`element_value` and :func:`indicator_value` are one-off shortcuts over it.

Rules, as implemented:

* **Dimensions.** Filters match a subset of a value's dimensions; values that match are summed
  per period (over the dimensions not filtered on) before any aggregation.
* **Time.** A value stored for exactly the target period wins. Otherwise the values of the
  finer periods inside the target are combined; if several period types are present (say,
  months and quarters inside a year), only the type covering the most months is used (ties go
  to the finer type), so nothing is counted twice. Missing sub-periods are simply absent: a
  sum over the months present is a partial sum.
* **Space, as reported** (``view="reported"``). The tree is the one on ``day`` (default: the
  last day of the period on which the unit existed). A unit that has its own value (after
  time aggregation) for the period is taken as is and its descendants are *not* added, which
  avoids double counting when a district reports both its total and its communes. Otherwise
  the values of the highest descendants that have one are combined, flat, with the element's
  space aggregation (an average is the average over those units, not an average of averages).
* **Space, restated** (``view="restated"``). The unit must be valid on ``as_of`` (default
  today). Values of every unit, old or current, whose successors on ``as_of`` (see
  :func:`tinhso.directory.queries.current_successors_of`) include the unit or one of its
  current descendants are taken at the finest level available: a unit's own value is used
  only if none of its descendants has one. Each value is then mapped onto the current units
  exactly as :func:`tinhso.directory.queries.restate` does (times the succession weight:
  merges add up, splits divide) and the shares that land on the unit's current subtree are
  added up. The successor chains are read once for the whole preload rather than through one
  ``restate`` call (and its queries) per value; the arithmetic is the same, and the tests
  check it against ``restate``. Restatement is additive, so it is exact for elements whose
  space aggregation is ``sum``; for the others the values of the old units mapping (wholly or
  partly) into the subtree are combined unweighted with the element's space aggregation.
  Values of units with no successor on ``as_of`` (an abolished district) cannot be mapped and
  are left out; record them on communes.
  Over time, sums restate unit by unit; other time aggregations (``last``, ``average``,
  ``min``, ``max``) restate each finer period first and then combine the restated series, so
  a stock reported by old units until 30/06 and by new units after is one series, not two.
* **Indicators** are evaluated after aggregating each referenced element, so a ratio is a
  ratio of sums, never an average of ratios; restated ratios restate numerator and
  denominator separately. A reference ``#{CODE}[n]`` reads ``period.offset(n)``.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Literal, NamedTuple

from django.db.models import Q, QuerySet, Sum

from tinhso.directory.choices import UnitLevel
from tinhso.directory.models import AdministrativeUnit, UnitSuccession
from tinhso.directory.queries import MAX_GENERATIONS, CurrentSuccessor, current_successors_of
from tinhso.directory.queries import today as directory_today
from tinhso.indicators.choices import Aggregation
from tinhso.indicators.expressions import Expression, Reference, parse
from tinhso.indicators.models import DataElement, DataValue, Indicator
from tinhso.indicators.periods import Period, PeriodType

__all__ = [
    "Aggregator",
    "View",
    "aggregate_space",
    "aggregate_time",
    "element_value",
    "indicator_value",
]

View = Literal["reported", "restated"]
FilterSpec = Mapping[str, str] | Iterable[tuple[str, str]]
Filters = tuple[tuple[str, str], ...]

_VIEWS = ("reported", "restated")
# Integers a float holds exactly (2**53).
_EXACT_INTEGERS = 9_007_199_254_740_992


def _how(how: str) -> Aggregation:
    try:
        return Aggregation(how)
    except ValueError:
        raise ValueError(
            f"Kiểu cộng dồn không hợp lệ: {how!r} (invalid aggregation: {how!r})"
        ) from None


def _combine(values: Sequence[float], how: Aggregation) -> float | None:
    if not values:
        return None
    if how is Aggregation.SUM:
        return math.fsum(values)
    if how is Aggregation.AVERAGE:
        return math.fsum(values) / len(values)
    if how is Aggregation.MIN:
        return min(values)
    if how is Aggregation.MAX:
        return max(values)
    if how is Aggregation.LAST:
        return values[-1]
    return values[0] if len(values) == 1 else None


def aggregate_time(
    values: Sequence[tuple[Period, float]], target: Period, how: str
) -> float | None:
    """Combine the values of periods inside ``target`` (e.g. months into a quarter).

    A value for exactly ``target`` wins. Otherwise the values of the period type covering the
    most of ``target`` (ties: the finer type) are combined with ``how``: ``sum``, ``average``,
    ``min``, ``max``, or ``last`` (the latest period's value); ``none`` accepts only a value
    for exactly ``target``. Values outside ``target`` are ignored; one value per period is
    expected. Returns ``None`` when nothing applies. Raises :class:`ValueError` for an
    unknown ``how``.
    """
    aggregation = _how(how)
    exact = [float(value) for period, value in values if period == target]
    if exact:
        return exact[-1] if aggregation is not Aggregation.SUM else math.fsum(exact)
    if aggregation is Aggregation.NONE:
        return None
    by_type: dict[PeriodType, list[tuple[Period, float]]] = defaultdict(list)
    for period, value in values:
        if target.start <= period.start and period.end <= target.end:
            by_type[period.type].append((period, float(value)))
    if not by_type:
        return None
    chosen = max(
        by_type,
        key=lambda t: (len({p for p, _ in by_type[t]}) * t.months, -t.months),
    )
    ordered = sorted(by_type[chosen], key=lambda item: item[0].start)
    return _combine([value for _, value in ordered], aggregation)


def aggregate_space(values: Sequence[float], how: str) -> float | None:
    """Combine the values of several units: ``sum``, ``average``, ``min`` or ``max``.

    ``last`` and ``none`` have no meaning across units: they give the value only when there is
    exactly one. Returns ``None`` for no values. Raises :class:`ValueError` for an unknown
    ``how``.
    """
    aggregation = _how(how)
    items = [float(value) for value in values]
    if aggregation is Aggregation.LAST:
        aggregation = Aggregation.NONE
    return _combine(items, aggregation)


def _filters(filters: FilterSpec | None) -> tuple[tuple[str, str], ...]:
    if not filters:
        return ()
    items = filters.items() if isinstance(filters, Mapping) else filters
    return tuple(sorted((str(name), str(value)) for name, value in items))


def _matches(dimensions: Mapping[str, object], filters: tuple[tuple[str, str], ...]) -> bool:
    return all(name in dimensions and str(dimensions[name]) == v for name, v in filters)


def _load_subtrees(
    root_ids: Iterable[int], first: datetime.date, last: datetime.date
) -> dict[int, list[AdministrativeUnit]]:
    """Children by parent id, for every unit below the roots valid some day in first-last.

    One query per level below the roots (at most two: provinces have districts and communes).
    """
    children: dict[int, list[AdministrativeUnit]] = defaultdict(list)
    frontier = set(root_ids)
    seen = set(frontier)
    for _level in range(len(UnitLevel) - 1):
        if not frontier:
            break
        rows = AdministrativeUnit.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=first),
            parent_id__in=frontier,
            valid_from__lte=last,
        ).order_by("code", "valid_from")
        frontier = set()
        for unit in rows:
            assert unit.parent_id is not None
            children[unit.parent_id].append(unit)
            if unit.pk not in seen:
                seen.add(unit.pk)
                frontier.add(unit.pk)
    return children


def _reporting_day(unit: AdministrativeUnit, period: Period) -> datetime.date:
    """The last day of ``period`` on which ``unit`` existed (the period's end otherwise)."""
    if unit.valid_to is not None and period.start <= unit.valid_to < period.end:
        return unit.valid_to
    return period.end


class _Origin(NamedTuple):
    """A unit whose values restate (partly) onto a current unit's subtree."""

    id: int
    share: Decimal
    whole: bool  # the share is 1
    ancestors: tuple[int, ...]


def _restated_total(
    origins: Sequence[_Origin], values: Sequence[float], element: DataElement, *, nested: bool
) -> float | None:
    """Combine the ``values`` of ``origins`` (in the same order) at the finest level.

    ``nested``: some of the origins lie below others (otherwise all are at the finest level).
    """
    if not values:
        return None
    if nested:
        # A unit's own value counts only if none of its descendants has one.
        covered: set[int] = set()
        for origin in origins:
            covered.update(origin.ancestors)
        kept = [i for i, origin in enumerate(origins) if origin.id not in covered]
        origins = [origins[i] for i in kept]
        values = [values[i] for i in kept]
    if element.aggregation_space != Aggregation.SUM:
        return aggregate_space(values, element.aggregation_space)
    # Decimal(str(value)) * share, summed; whole values with a whole share are added as
    # integers first, which is exact and gives the same sum.
    whole = 0
    total = Decimal(0)
    for origin, value in zip(origins, values, strict=True):
        if origin.whole and value.is_integer() and abs(value) < _EXACT_INTEGERS:
            whole += int(value)
        else:
            total += Decimal(str(value)) * origin.share
    return float(total + whole)


class Aggregator:
    """Aggregated values of data elements and indicators for some units and periods.

    Everything is read when the aggregator is built, with a bounded number of queries: one for
    the data elements, one per tree level below the units, one for the values (summed over
    their dimensions by the database, per unit, element and period) and one more for the
    values with their dimensions when an indicator reference filters on dimensions; the
    restated view adds one per generation of succession links (backwards, then forwards) and
    up to three for the ancestors of the old units. :meth:`value` and :meth:`indicator_value`
    then run without queries, except that the first :meth:`value` with ``filters`` on an
    element no indicator reference filters reads that element's values (one query). Results
    per unit (restatement shares) and per period are kept, so asking for many units and
    periods costs little more than the values involved. See the module documentation for the
    rules.

    ``periods`` are the periods that will be asked for; the offsets of the ``indicators``'
    references are added. ``element_codes`` are the elements to read besides those the
    indicators reference. ``day`` fixes the date of the as-reported tree for every value
    (default: the end of each period); ``as_of`` is the date of the restated tree (default
    today).
    """

    def __init__(
        self,
        units: Iterable[AdministrativeUnit],
        periods: Iterable[Period],
        element_codes: Iterable[str] = (),
        *,
        indicators: Iterable[Indicator] = (),
        view: View = "reported",
        day: datetime.date | None = None,
        as_of: datetime.date | None = None,
    ) -> None:
        if view not in _VIEWS:
            raise ValueError(f"Chế độ xem không hợp lệ: {view!r} (invalid view: {view!r})")
        self.view: View = view
        self.day = day
        self.as_of = as_of or directory_today()
        self._roots = {unit.pk: unit for unit in units}
        self._expressions: dict[int, tuple[Expression, Expression]] = {}
        self._references: dict[int, tuple[Reference, ...]] = {}
        codes = set(element_codes)
        offsets = {0}
        for indicator in indicators:
            pair = (parse(indicator.numerator), parse(indicator.denominator))
            self._expressions[indicator.pk] = pair
            self._references[indicator.pk] = tuple(pair[0].references() | pair[1].references())
            for reference in self._references[indicator.pk]:
                codes.add(reference.code)
                offsets.add(reference.offset)
        self.periods = frozenset(period.offset(offset) for period in periods for offset in offsets)
        self._elements = {e.code: e for e in DataElement.objects.filter(code__in=codes)}
        self._children: dict[int, list[AdministrativeUnit]] = {}
        reported = self.view == "reported"
        unit_ids = self._load_reported() if reported else self._load_restated()
        self._known = set(self._roots) | {
            child.pk for kids in self._children.values() for child in kids
        }
        self._unit_ids = unit_ids
        self._period_codes: set[str] = set()
        if unit_ids and self._elements and self.periods:
            self._period_codes = {
                child.code
                for period in self.periods
                for kind in PeriodType
                if kind.months <= period.type.months
                for child in period.children(kind)
            }
        # Stored values per (unit, element), summed over their dimensions by the database; and,
        # for elements read with dimension filters, the values themselves (see _series).
        self._sums: dict[tuple[int, str], dict[str, Decimal]] = defaultdict(dict)
        self._rows: dict[tuple[int, str], list[tuple[str, dict[str, object], Decimal]]] = (
            defaultdict(list)
        )
        self._detailed: set[str] = set()
        self._series_cache: dict[tuple[int, str, Filters], dict[str, Decimal]] = {}
        self._shares: dict[int, list[_Origin]] = {}
        self._restated_cache: dict[tuple[int, str, Filters], dict[str, float | None]] = {}
        self._wanted: dict[str, Period] | None = None
        self._exact_cache: dict[tuple[int, str, Filters], dict[str, float]] = {}
        self._nested: dict[int, bool] = {}
        self._coarse: list[Period] = []
        self._inside_cache: dict[Period, dict[str, Period]] = {}
        self._inherited: dict[int, list[tuple[int, int, Decimal]]] | None = None
        if self._period_codes:
            sums = (
                self._values(self._elements)
                .values_list("data_element_id", "unit_id", "period")
                .annotate(total=Sum("value"))
                .order_by()
            )
            code_of = {element.pk: code for code, element in self._elements.items()}
            # Streamed (a server-side cursor on PostgreSQL): on 10M values this ran faster and
            # kept the garbage collector from promoting 20,000 rows at a time.
            for element_id, unit_id, period_code, total in sums.iterator(chunk_size=5000):
                self._sums[(unit_id, code_of[element_id])][period_code] = total
            filtered = {
                reference.code
                for references in self._references.values()
                for reference in references
                if reference.filters
            }
            self._load_rows(filtered)

    def _values(self, codes: Iterable[str]) -> QuerySet[DataValue]:
        # By element id, so the database can use the cell index without a join; the units as
        # a subquery, which PostgreSQL joins by hash, where with a list of ids it may combine
        # the elements' index with that of the units, which covers most of the table (on 10M
        # values: 90 ms instead of 265 ms for a province and 60 months).
        units = AdministrativeUnit.objects.filter(pk__in=self._unit_ids).values("pk")
        return DataValue.objects.filter(
            unit_id__in=units,
            data_element_id__in=[self._elements[code].pk for code in codes],
            period__in=self._period_codes,
        )

    def _load_rows(self, codes: set[str]) -> None:
        """Read the values of ``codes`` with their dimensions, for filtered reads (one query)."""
        codes = (codes & set(self._elements)) - self._detailed
        if not codes or not self._period_codes:
            return
        self._detailed |= codes
        rows = self._values(codes).values_list(
            "unit_id", "data_element_id", "period", "dimensions", "value"
        )
        by_id = {self._elements[code].pk: code for code in codes}
        for unit_id, element_id, period_code, dimensions, value in rows:
            self._rows[(unit_id, by_id[element_id])].append((period_code, dimensions or {}, value))

    # -- loading --------------------------------------------------------------------------

    def _load_reported(self) -> set[int]:
        if not self.periods or not self._roots:
            return set(self._roots)
        days = [p.start for p in self.periods] + [p.end for p in self.periods]
        if self.day is not None:
            days.append(self.day)
        self._children = _load_subtrees(self._roots, min(days), max(days))
        return set(self._roots) | {u.pk for kids in self._children.values() for u in kids}

    def _load_restated(self) -> set[int]:
        for unit in self._roots.values():
            if not unit.is_valid_on(self.as_of):
                raise ValueError(
                    f"Đơn vị {unit} không còn hiệu lực ngày {self.as_of:%d/%m/%Y} nên không "
                    f"thể quy đổi (unit {unit} is not valid on {self.as_of.isoformat()}, so "
                    "values cannot be restated onto it)"
                )
        self._children = _load_subtrees(self._roots, self.as_of, self.as_of)
        current = set(self._roots) | {u.pk for kids in self._children.values() for u in kids}
        # Every unit that may pass (part of) itself on to the current subtrees.
        related = set(current)
        frontier = set(current)
        for _generation in range(MAX_GENERATIONS):
            if not frontier:
                break
            older = set(
                UnitSuccession.objects.filter(
                    successor_id__in=frontier, effective_date__lte=self.as_of
                ).values_list("predecessor_id", flat=True)
            )
            frontier = older - related
            related |= frontier
        self._successors: dict[int, list[CurrentSuccessor]] = current_successors_of(
            related, self.as_of
        )
        # Parents of those units, up to the province, to find the finest level with values.
        self._parent: dict[int, int | None] = {}
        pending = set(related)
        for _level in range(len(UnitLevel)):
            if not pending:
                break
            found = dict(
                AdministrativeUnit.objects.filter(pk__in=pending).values_list("pk", "parent_id")
            )
            self._parent.update(found)
            pending = {p for p in found.values() if p is not None} - set(self._parent)
        return related

    # -- values ---------------------------------------------------------------------------

    def _element(self, code: str) -> DataElement:
        try:
            return self._elements[code]
        except KeyError:
            raise ValueError(
                f"Phần tử dữ liệu {code!r} chưa được nạp hoặc không tồn tại "
                f"(data element {code!r} was not loaded or does not exist)"
            ) from None

    def _series(self, unit_id: int, code: str, filters: Filters) -> dict[str, Decimal]:
        """The unit's stored values of ``code`` matching ``filters``, summed by period code."""
        if not filters:
            return self._sums.get((unit_id, code), {})
        key = (unit_id, code, filters)
        found = self._series_cache.get(key)
        if found is None:
            if code not in self._detailed:
                self._load_rows({code})
            totals: dict[str, Decimal] = defaultdict(Decimal)
            for period_code, dimensions, value in self._rows.get((unit_id, code), ()):
                if _matches(dimensions, filters):
                    totals[period_code] += value
            found = self._series_cache[key] = dict(totals)
        return found

    def _inside(self, period: Period) -> dict[str, Period]:
        """The periods strictly inside ``period`` (months of a quarter...), by code."""
        found = self._inside_cache.get(period)
        if found is None:
            found = self._inside_cache[period] = {
                child.code: child
                for kind in PeriodType
                if kind.months < period.type.months
                for child in period.children(kind)
            }
        return found

    def _own(
        self,
        unit_id: int,
        element: DataElement,
        period: Period,
        filters: Filters,
    ) -> float | None:
        """The unit's own stored values for ``period``, aggregated over time."""
        return self._over_time(
            self._series(unit_id, element.code, filters), element, period, period.code
        )

    def _over_time(
        self, totals: Mapping[str, Decimal], element: DataElement, period: Period, code: str
    ) -> float | None:
        """:func:`aggregate_time` of one unit's ``totals`` by period code, for ``period``."""
        if not totals:
            return None
        exact = totals.get(code)
        if exact is not None:
            return float(exact)  # a value for exactly the period wins
        inside = self._inside(period)
        if not inside:
            return None
        series = [(inside[c], float(total)) for c, total in totals.items() if c in inside]
        return aggregate_time(series, period, element.aggregation_time) if series else None

    def _descendants_on(self, unit_id: int, day: datetime.date) -> list[AdministrativeUnit]:
        found: list[AdministrativeUnit] = []
        frontier = [unit_id]
        while frontier:
            level = [
                child
                for parent_id in frontier
                for child in self._children.get(parent_id, ())
                if child.is_valid_on(day)
            ]
            found.extend(level)
            frontier = [child.pk for child in level]
        return found

    def _reported(
        self,
        unit: AdministrativeUnit,
        element: DataElement,
        period: Period,
        filters: tuple[tuple[str, str], ...],
    ) -> float | None:
        own = self._own(unit.pk, element, period, filters)
        if own is not None:
            return own
        day = self.day or _reporting_day(unit, period)
        found: list[float] = []
        frontier = [unit.pk]
        while frontier:
            deeper: list[int] = []
            for parent_id in frontier:
                for child in self._children.get(parent_id, ()):
                    if not child.is_valid_on(day):
                        continue
                    value = self._own(child.pk, element, period, filters)
                    if value is None:
                        deeper.append(child.pk)
                    else:
                        found.append(value)
            frontier = deeper
        return aggregate_space(found, element.aggregation_space)

    def _origins(self, unit: AdministrativeUnit) -> list[_Origin]:
        """Units whose values (partly) restate onto ``unit``'s current subtree, with their
        shares and ancestors, computed once per unit."""
        found = self._shares.get(unit.pk)
        if found is not None:
            return found
        if self._inherited is None:
            # Which older units each current unit took over, and how much of each.
            self._inherited = defaultdict(list)
            for position, (origin, successors) in enumerate(self._successors.items()):
                for successor in successors:
                    self._inherited[successor.unit.pk].append((position, origin, successor.weight))
        shares: dict[int, tuple[int, Decimal]] = {}
        for member in (unit.pk, *(u.pk for u in self._descendants_on(unit.pk, self.as_of))):
            for position, origin, weight in self._inherited.get(member, ()):
                share = shares.get(origin, (position, Decimal(0)))[1] + weight
                shares[origin] = (position, share)
        found = []
        for origin, (_position, share) in sorted(shares.items(), key=lambda item: item[1][0]):
            if share:
                chain = []
                parent = self._parent.get(origin)
                while parent is not None:
                    chain.append(parent)
                    parent = self._parent.get(parent)
                found.append(_Origin(origin, share, share == 1, tuple(chain)))
        self._shares[unit.pk] = found
        ids = {origin.id for origin in found}
        self._nested[unit.pk] = any(a in ids for origin in found for a in origin.ancestors)
        return found

    def _restated(
        self,
        unit: AdministrativeUnit,
        element: DataElement,
        period: Period,
        filters: Filters,
    ) -> float | None:
        key = (unit.pk, element.code, filters)
        by_period = self._restated_cache.get(key)
        if by_period is None:
            by_period = self._restated_cache[key] = self._restate_all(unit, element, filters)
        return by_period.get(period.code)

    def _restate_all(
        self, unit: AdministrativeUnit, element: DataElement, filters: Filters
    ) -> dict[str, float | None]:
        """The restated value for every preloaded period, by code; each unit's values are read
        once rather than once per period."""
        if self._wanted is None:
            self._wanted = {period.code: period for period in self.periods}
            self._coarse = [period for period in self.periods if self._inside(period)]
        # Per period code, the origins with a value and their values, in two lists: this runs
        # for every unit and element, and a pair per value would feed the garbage collector.
        found: dict[str, tuple[list[_Origin], list[float]]] = {}
        # Sums over time commute with restatement: each origin's total over the coarse period
        # is restated. Other time aggregations (last, average, min, max) must see the restated
        # series: old units' last half-year and new units' next one are one series, whose last
        # value is the new units' (restate each finer period, then aggregate over time).
        additive = element.aggregation_time == Aggregation.SUM
        finer: dict[str, tuple[list[_Origin], list[float]]] = {}
        origins = self._origins(unit)
        for origin in origins:
            # As _over_time: a value for exactly the period wins, else the finer periods'.
            for code, value in self._exact(origin.id, element.code, filters).items():
                pair = found.get(code)
                if pair is None:
                    pair = found[code] = ([], [])
                pair[0].append(origin)
                pair[1].append(value)
            if not self._coarse:
                continue
            totals = self._series(origin.id, element.code, filters)
            for period in self._coarse:
                if not totals or period.code in totals:
                    continue
                if additive:
                    over = self._over_time(totals, element, period, period.code)
                    if over is not None:
                        pair = found.setdefault(period.code, ([], []))
                        pair[0].append(origin)
                        pair[1].append(over)
                    continue
                inside = self._inside(period)
                for code, total in totals.items():
                    if code in inside:
                        pair = finer.setdefault(code, ([], []))
                        pair[0].append(origin)
                        pair[1].append(float(total))
        nested = self._nested[unit.pk]
        restated = {
            code: _restated_total(kept, values, element, nested=nested)
            for code, (kept, values) in found.items()
        }
        if finer:
            series = [
                (Period.parse(code), sum_)
                for code, (kept, values) in finer.items()
                if (sum_ := _restated_total(kept, values, element, nested=nested)) is not None
            ]
            for period in self._coarse:
                if restated.get(period.code) is None:
                    over = aggregate_time(series, period, element.aggregation_time)
                    if over is not None:
                        restated[period.code] = over
        return restated

    def _exact(self, unit_id: int, code: str, filters: Filters) -> dict[str, float]:
        """The unit's values for exactly one of the preloaded periods, by period code."""
        key = (unit_id, code, filters)
        found = self._exact_cache.get(key)
        if found is None:
            assert self._wanted is not None
            wanted = self._wanted
            found = self._exact_cache[key] = {
                period: float(total)
                for period, total in self._series(unit_id, code, filters).items()
                if period in wanted
            }
        return found

    def _check(self, unit: AdministrativeUnit, period: Period) -> None:
        if period not in self.periods:
            raise ValueError(
                f"Kỳ {period.code} chưa được nạp (period {period.code} was not preloaded)"
            )
        if unit.pk not in self._known:
            raise ValueError(f"Đơn vị {unit} chưa được nạp (unit {unit} was not preloaded)")

    def value(
        self,
        element_code: str,
        unit: AdministrativeUnit,
        period: Period,
        filters: FilterSpec | None = None,
    ) -> float | None:
        """The value of ``element_code`` for ``unit`` (a loaded unit or one below it) and period.

        ``filters`` (``{"dimension": "value"}`` or pairs) select a subset of dimensions; the
        matching values are summed. ``None`` means no data.
        """
        element = self._element(element_code)
        self._check(unit, period)
        wanted = _filters(filters)
        if self.view == "reported":
            return self._reported(unit, element, period, wanted)
        return self._restated(unit, element, period, wanted)

    def indicator_value(
        self, indicator: Indicator, unit: AdministrativeUnit, period: Period
    ) -> float | None:
        """The indicator for ``unit`` and ``period``: aggregated numerator / denominator × factor.

        ``None`` when a side has no data or the denominator is zero. The indicator must have
        been passed to the constructor.
        """
        try:
            numerator, denominator = self._expressions[indicator.pk]
        except KeyError:
            raise ValueError(
                f"Chỉ tiêu {indicator.code} chưa được nạp (indicator {indicator.code} was not "
                "preloaded)"
            ) from None
        values = {
            reference: self.value(
                reference.code,
                unit,
                period.offset(reference.offset) if reference.offset else period,
                reference.filters,
            )
            for reference in self._references[indicator.pk]
        }
        top = numerator.evaluate(values)
        bottom = denominator.evaluate(values)
        if top is None or not bottom:
            return None
        result = top / bottom * float(indicator.factor)
        return result if math.isfinite(result) else None


def element_value(
    element_code: str,
    unit: AdministrativeUnit,
    period: Period,
    filters: FilterSpec | None = None,
    *,
    day: datetime.date | None = None,
    view: View = "reported",
    as_of: datetime.date | None = None,
) -> float | None:
    """The value of one data element for one unit and period (see :class:`Aggregator`)."""
    aggregator = Aggregator([unit], [period], [element_code], view=view, day=day, as_of=as_of)
    return aggregator.value(element_code, unit, period, filters)


def indicator_value(
    indicator: Indicator,
    unit: AdministrativeUnit,
    period: Period,
    *,
    view: View = "reported",
    day: datetime.date | None = None,
    as_of: datetime.date | None = None,
) -> float | None:
    """One indicator for one unit and period (see :meth:`Aggregator.indicator_value`)."""
    aggregator = Aggregator(
        [unit], [period], indicators=[indicator], view=view, day=day, as_of=as_of
    )
    return aggregator.indicator_value(indicator, unit, period)
