"""Reads about reports (regimes, forms, submissions) shared by actions, pages and the API."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from tinhso.accounts.permissions import Perm, scope_queryset, scope_set
from tinhso.indicators import validation
from tinhso.indicators.choices import Importance, SubmissionStatus
from tinhso.indicators.expressions import Reference, parse
from tinhso.indicators.models import (
    DataElement,
    DataValue,
    ReportingRegime,
    Submission,
    ValidationRule,
    ValueChange,
    ValueFlag,
    dimension_key,
)
from tinhso.indicators.periods import Period
from tinhso.indicators.registry import ComputedValue

# How many earlier periods of a cell the modified z-score looks at.
HISTORY_PERIODS = 24


@dataclass(frozen=True)
class FormCell:
    """One input of a regime's form: a data element and one combination of its dimensions."""

    element: DataElement
    dimensions: dict[str, str]
    key: str

    @property
    def code(self) -> str:
        """The data element's code."""
        return self.element.code

    @property
    def label(self) -> str:
        """The disaggregation as people read it (``level=commune``), empty if none."""
        return ", ".join(f"{name}={option}" for name, option in self.dimensions.items())


def form_cells(regime: ReportingRegime) -> list[FormCell]:
    """The regime's form: every element times the options of the dimensions it declares.

    A dimension for which the regime lists no options is left out of the element's cells.
    """
    cells = []
    options = regime.dimension_options or {}
    for element in regime.data_elements.order_by("code"):
        names = [name for name in element.dimensions if options.get(name)]
        for combo in itertools.product(*(options[name] for name in names)):
            dimensions = dict(zip(names, (str(o) for o in combo), strict=True))
            cells.append(FormCell(element, dimensions, dimension_key(dimensions)))
    return cells


def report_values(submission: Submission) -> dict[tuple[str, str], DataValue]:
    """The report's stored values by (element code, dimension key)."""
    return {
        (value.data_element.code, value.dimension_key): value
        for value in DataValue.objects.select_related("data_element").filter(
            unit_id=submission.unit_id,
            period=submission.period,
            data_element__regimes=submission.regime_id,
        )
    }


def _reference_values(
    submission: Submission, references: Iterable[Reference]
) -> dict[Reference, float | None]:
    period = Period.parse(submission.period)
    wanted = {ref: period.offset(ref.offset).code for ref in references}
    rows = DataValue.objects.filter(
        unit_id=submission.unit_id,
        period__in=set(wanted.values()),
        data_element__code__in={ref.code for ref in wanted},
    ).values_list("data_element__code", "period", "dimensions", "value")
    stored = list(rows)
    values: dict[Reference, float | None] = {}
    for ref, period_code in wanted.items():
        matched = [
            float(value)
            for code, at, dimensions, value in stored
            if code == ref.code
            and at == period_code
            and all((dimensions or {}).get(name) == option for name, option in ref.filters)
        ]
        values[ref] = sum(matched) if matched else None
    return values


@dataclass(frozen=True)
class Violation:
    """A validation rule the report breaks, with both sides as computed."""

    rule: ValidationRule
    left: float
    right: float

    @property
    def blocking(self) -> bool:
        """Whether it stops the report from being submitted."""
        return self.rule.importance == Importance.HIGH


def violations(submission: Submission) -> list[Violation]:
    """The regime's validation rules that the report breaks (rules lacking data are skipped)."""
    rules = list(ValidationRule.objects.filter(regime_id=submission.regime_id))
    parsed = [(rule, parse(rule.left), parse(rule.right)) for rule in rules]
    references = {
        ref for _, left, right in parsed for ref in left.references() | right.references()
    }
    values = _reference_values(submission, references)
    found = []
    for rule, left, right in parsed:
        outcome = validation.check_rule(left, rule.operator, right, values)
        if outcome.passed is False:
            assert outcome.left is not None and outcome.right is not None
            found.append(Violation(rule, outcome.left, outcome.right))
    return found


def outlier_flags(submission: Submission) -> list[ValueFlag]:
    """Flags (unsaved) for the report's values that look unusual against earlier periods."""
    period = Period.parse(submission.period)
    earlier = [period.offset(-n).code for n in range(1, HISTORY_PERIODS + 1)]
    last_year = period.same_period_last_year().code
    current = report_values(submission)
    if not current:
        return []
    past: dict[tuple[int, str], dict[str, float]] = defaultdict(dict)
    for element_id, key, at, number in DataValue.objects.filter(
        unit_id=submission.unit_id,
        period__in=[*earlier, last_year],
        data_element_id__in={v.data_element_id for v in current.values()},
    ).values_list("data_element_id", "dimension_key", "period", "value"):
        past[(element_id, key)][at] = float(number)
    flags = []
    for stored in current.values():
        history = past[(stored.data_element_id, stored.dimension_key)]
        series = [history[code] for code in earlier if code in history]
        for outlier in validation.outliers(float(stored.value), series, history.get(last_year)):
            flags.append(
                ValueFlag(
                    submission=submission,
                    data_element_id=stored.data_element_id,
                    dimension_key=stored.dimension_key,
                    kind=outlier.kind,
                    value=stored.value,
                    reference=outlier.reference,
                    score=outlier.score,
                )
            )
    return flags


def value_history(submission: Submission) -> QuerySet[ValueChange]:
    """Every change to the report's values, newest first."""
    return (
        ValueChange.objects.filter(
            unit_id=submission.unit_id,
            period=submission.period,
            data_element__regimes=submission.regime_id,
        )
        .select_related("data_element", "actor")
        .order_by("-at", "-pk")
    )


def visible_reports(user: Any) -> QuerySet[Submission]:
    """Reports of the units whose data ``user`` may see, newest period first."""
    reports = Submission.objects.select_related("regime", "unit").order_by(
        "-period", "regime__code", "unit__code"
    )
    return scope_queryset(user, Perm.DATA_VIEW, reports, unit_field="unit")


def waiting_for(user: Any) -> QuerySet[Submission]:
    """Submitted reports whose next approval step falls within ``user``'s approval scope.

    A step bound to an agency needs the agency in scope; a step bound to a unit level needs the
    report's unit in scope (the approve action then checks the exact ancestor).
    """
    allowed = scope_set(user, Perm.DATA_APPROVE)
    if allowed.empty:
        return Submission.objects.none()
    step_is_next = Q(regime__approval_steps__order=F("approved_steps") + 1)
    by_agency = allowed.q(agency_field="regime__approval_steps__agency")
    by_unit = Q(regime__approval_steps__agency__isnull=True) & allowed.q(unit_field="unit")
    # One filter() call, so that the step matched as next is the one whose approver matches.
    return (
        Submission.objects.filter(
            Q(status=SubmissionStatus.SUBMITTED) & step_is_next & (by_agency | by_unit)
        )
        .select_related("regime", "unit")
        .distinct()
        .order_by("submitted_at", "pk")
    )


@dataclass(frozen=True)
class Completeness:
    """How many reports were expected, sent and sent on time for a regime and period."""

    regime: ReportingRegime
    period: str
    expected: int
    actual: int
    on_time: int

    @property
    def rate(self) -> float | None:
        """Sent expected reports as a percentage of expected ones (never above 100)."""
        return 100 * self.actual / self.expected if self.expected else None

    @property
    def timeliness(self) -> float | None:
        """Expected reports sent on time as a percentage of expected ones."""
        return 100 * self.on_time / self.expected if self.expected else None


SENT = (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED)


def completeness(
    reports: QuerySet[Submission], regimes: Sequence[ReportingRegime]
) -> list[Completeness]:
    """Completeness and timeliness per regime and period of ``reports`` (one query).

    Only expected reports count, in the numerator as in the denominator.
    """
    by_pk = {regime.pk: regime for regime in regimes}
    sent = Q(status__in=SENT)
    rows = (
        reports.filter(expected=True, regime__in=regimes)
        .values("regime_id", "period")
        .annotate(
            expected=Count("pk"),
            actual=Count("pk", filter=sent),
            on_time=Count("pk", filter=sent & Q(on_time=True)),
        )
        .order_by("-period", "regime_id")
    )
    return [
        Completeness(
            by_pk[row["regime_id"]], row["period"], row["expected"], row["actual"], row["on_time"]
        )
        for row in rows
    ]


def completeness_counts(code: str, period: Period) -> list[ComputedValue]:
    """Per expected unit and regime, a 1 for each report expected, sent or sent on time.

    ``code`` picks which: ``REPORTS_EXPECTED``, ``REPORTS_SENT`` or ``REPORTS_ON_TIME``
    (dimension ``regime``), registered as computed elements. Summed over units and months they
    give the completeness and timeliness indicators, which therefore never exceed 100 %.
    """
    counts: dict[str, list[ComputedValue]] = {
        "REPORTS_EXPECTED": [],
        "REPORTS_SENT": [],
        "REPORTS_ON_TIME": [],
    }
    one = Decimal(1)
    for unit_id, regime, status, on_time in Submission.objects.filter(
        period=period.code, expected=True
    ).values_list("unit_id", "regime__code", "status", "on_time"):
        dimensions = {"regime": regime}
        counts["REPORTS_EXPECTED"].append(ComputedValue(unit_id, dimensions, one))
        if status in SENT:
            counts["REPORTS_SENT"].append(ComputedValue(unit_id, dimensions, one))
            if on_time:
                counts["REPORTS_ON_TIME"].append(ComputedValue(unit_id, dimensions, one))
    return counts[code]
