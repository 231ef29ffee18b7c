"""Reads of the reporting app shared by pages and the API."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from tinhso.indicators import status
from tinhso.indicators.choices import Comparison
from tinhso.indicators.expressions import Reference, parse
from tinhso.indicators.models import DataValue, Indicator, Target
from tinhso.indicators.periods import Period

# Stored rows of one unit: period code → [(element code, dimensions, value)].
Cells = Mapping[str, Sequence[tuple[str, dict[str, Any], float]]]

_COMPARISONS: dict[str, tuple[status.Comparison, bool]] = {
    Comparison.AT_LEAST: (status.Comparison.AT_LEAST, False),
    Comparison.MORE_THAN: (status.Comparison.AT_LEAST, True),
    Comparison.AT_MOST: (status.Comparison.AT_MOST, False),
    Comparison.LESS_THAN: (status.Comparison.AT_MOST, True),
    Comparison.ABOUT: (status.Comparison.ABOUT, False),
}


def _value_of(reference: Reference, period: Period, cells: Cells) -> float | None:
    target = period.offset(reference.offset) if reference.offset else period
    matched = [
        value
        for code, dimensions, value in cells.get(target.code, ())
        if code == reference.code
        and all(dimensions.get(name) == wanted for name, wanted in reference.filters)
    ]
    return sum(matched) if matched else None


def indicator_series(indicator: Indicator, cells: Cells) -> list[tuple[Period, float]]:
    """The indicator's value for every period with data, oldest first (as reported)."""
    numerator = parse(indicator.numerator)
    denominator = parse(indicator.denominator)
    references = numerator.references() | denominator.references()
    series: list[tuple[Period, float]] = []
    for period in sorted((Period.parse(code) for code in cells), key=lambda p: (p.start, p.end)):
        values = {ref: _value_of(ref, period, cells) for ref in references}
        top = numerator.evaluate(values)
        bottom = denominator.evaluate(values)
        if top is not None and bottom:
            series.append((period, top / bottom * float(indicator.factor)))
    return series


def _cells_by_unit(unit_ids: set[int], codes: set[str]) -> Mapping[int, Cells]:
    cells: dict[int, dict[str, list[tuple[str, dict[str, Any], float]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    rows = DataValue.objects.filter(unit_id__in=unit_ids, data_element__code__in=codes)
    for unit_id, code, period, dimensions, value in rows.values_list(
        "unit_id", "data_element__code", "period", "dimensions", "value"
    ):
        cells[unit_id][period].append((code, dimensions, float(value)))
    return cells


@dataclass(frozen=True)
class TargetRow:
    """A target with its measured state, as the scorecard and the API show it."""

    target: Target
    current_value: float | None
    current_period: str | None
    status: status.TargetStatus
    projected_value: float | None


def target_rows(today: datetime.date | None = None) -> list[TargetRow]:
    """Every target with its current value and computed status (two queries)."""
    today = today or timezone.localdate()
    targets = list(Target.objects.select_related("indicator", "scope_unit"))
    codes = {
        ref.code
        for target in targets
        for text in (target.indicator.numerator, target.indicator.denominator)
        for ref in parse(text).references()
    }
    unit_ids = {t.scope_unit_id for t in targets if t.scope_unit_id is not None}
    cells = _cells_by_unit(unit_ids, codes) if unit_ids else {}
    rows = []
    for target in targets:
        series = (
            indicator_series(target.indicator, cells.get(target.scope_unit_id, {}))
            if target.scope_unit_id is not None
            else []
        )
        comparison, strict = _COMPARISONS[target.comparison]
        spec = status.TargetSpec(
            baseline_value=float(target.baseline_value) if target.baseline_value else None,
            baseline_day=target.baseline_date,
            target_value=float(target.target_value),
            comparison=comparison,
            deadline=target.deadline,
            strict=strict,
        )
        observations = [status.Observation(day=p.end, value=v) for p, v in series]
        assessment = status.assess(spec, observations, today)
        rows.append(
            TargetRow(
                target=target,
                current_value=assessment.current_value,
                current_period=series[-1][0].code if series else None,
                status=assessment.status,
                projected_value=assessment.projected_value,
            )
        )
    return rows
