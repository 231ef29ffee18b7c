"""Reporting regimes: period snapshots, entry, validation, approval chain, locking, completeness."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tinhso.accounts.choices import Role
from tinhso.accounts.scopes import Scope
from tinhso.accounts.tests.factories import UnitFactory, grant
from tinhso.indicators import actions, report_queries
from tinhso.indicators.aggregation import Aggregator
from tinhso.indicators.choices import FlagKind, SubmissionAction, SubmissionStatus
from tinhso.indicators.models import (
    DataElement,
    DataValue,
    ExpectedReporter,
    Indicator,
    Submission,
    ValidationRule,
    ValueChange,
    ValueFlag,
)
from tinhso.indicators.periods import Period
from tinhso.indicators.tests.report_setup import (
    NOV,
    ON_TIME,
    ONLINE,
    TOTAL,
    Setup,
    draft,
    element,
)


def test_opening_a_period_snapshots_the_units_that_must_report(setup: Setup) -> None:
    ExpectedReporter.objects.filter(unit=setup.commune_b).update(
        valid_to=datetime.date(2026, 10, 31)
    )
    assert actions.open_period(setup.regime, NOV, actor=None) == 1
    assert actions.open_period(setup.regime, NOV, actor=None) == 1
    report = Submission.objects.get()
    assert (report.unit, report.expected) == (setup.commune_a, True)
    # Decree 09 window (15th): November is due on 20/11 and locks 60 days after 30/11.
    assert report.due_date == datetime.date(2026, 11, 20)
    assert report.lock_date == datetime.date(2027, 1, 29)


def test_a_period_of_the_wrong_type_is_refused(setup: Setup) -> None:
    with pytest.raises(ValidationError):
        actions.open_period(setup.regime, "2026Q4", actor=None)


def test_saving_keeps_good_cells_reports_bad_ones_and_keeps_history(setup: Setup) -> None:
    report = draft(setup)
    first = actions.save_report_values(
        report, {TOTAL: "1.200", ONLINE: "abc"}, actor=setup.officer_a
    )
    assert first.saved == 1 and set(first.errors) == {ONLINE}
    second = actions.save_report_values(
        report, {TOTAL: "1 250", ONLINE: "1000,0"}, actor=setup.officer_a, version=first.version
    )
    assert second.saved == 2 and not second.errors
    values = report_queries.report_values(report)
    assert values[TOTAL].value == 1250 and values[ONLINE].value == 1000
    change = ValueChange.objects.get()
    assert (change.previous, change.value, change.channel) == (1200, 1250, "web")


def test_a_stale_version_loses_no_update(setup: Setup) -> None:
    report = draft(setup)
    actions.save_report_values(report, {TOTAL: "10"}, actor=setup.officer_a, version=1)
    with pytest.raises(actions.StaleReport):
        actions.save_report_values(report, {TOTAL: "20"}, actor=setup.officer_a, version=1)
    assert report_queries.report_values(report)[TOTAL].value == 10


def test_officer_of_other_commune_may_not_enter_data(setup: Setup) -> None:
    report = draft(setup)
    with pytest.raises(PermissionDenied):
        actions.save_report_values(report, {TOTAL: "10"}, actor=setup.officer_b)


def test_a_high_importance_rule_blocks_submission(setup: Setup) -> None:
    report = draft(setup)
    actions.save_report_values(report, {TOTAL: "10", ONLINE: "11"}, actor=setup.officer_a)
    with pytest.raises(actions.ReportInvalid) as caught:
        actions.submit_report(report, actor=setup.officer_a, today=ON_TIME)
    assert [v.rule.code for v in caught.value.violations] == ["VR-1"]
    assert Submission.objects.get(pk=report.pk).status == SubmissionStatus.DRAFT


def test_a_medium_rule_only_warns(setup: Setup) -> None:
    ValidationRule.objects.update(importance="medium")
    report = draft(setup)
    actions.save_report_values(report, {TOTAL: "10", ONLINE: "11"}, actor=setup.officer_a)
    submitted = actions.submit_report(report, actor=setup.officer_a, today=ON_TIME)
    assert submitted.status == SubmissionStatus.SUBMITTED
    assert [v.rule.code for v in report_queries.violations(submitted)] == ["VR-1"]


def test_submitted_values_are_locked_for_the_form_and_for_imports(setup: Setup) -> None:
    report = draft(setup)
    actions.save_report_values(report, {TOTAL: "10"}, actor=setup.officer_a)
    actions.submit_report(report, actor=setup.officer_a, today=ON_TIME)
    with pytest.raises(ValidationError):
        actions.save_report_values(report, {TOTAL: "99"}, actor=setup.officer_a)
    row = actions.ValueRow("WORK_TOTAL", setup.commune_a, NOV, Decimal(99), {"level": "commune"})
    result = actions.import_values([row], actor=setup.officer_a)
    assert (result.imported, result.updated, len(result.skipped)) == (0, 0, 1)
    assert DataValue.objects.get().value == 10


def test_a_report_past_its_lock_date_cannot_be_changed(setup: Setup) -> None:
    report = draft(setup)
    with pytest.raises(ValidationError, match="khoá"):
        actions.save_report_values(
            report, {TOTAL: "1"}, actor=setup.officer_a, today=datetime.date(2027, 1, 30)
        )


def test_approval_runs_level_by_level_and_locks_at_the_end(setup: Setup) -> None:
    report = draft(setup)
    actions.save_report_values(report, {TOTAL: "10", ONLINE: "4"}, actor=setup.officer_a)
    report = actions.submit_report(report, actor=setup.officer_a, today=ON_TIME)
    assert actions.may_approve(setup.department, report)
    assert not actions.may_approve(setup.office, report)
    with pytest.raises(PermissionDenied):
        actions.approve_report(report, actor=setup.office)
    report = actions.approve_report(report, actor=setup.department, comment="Đạt")
    assert (report.status, report.approved_steps) == (SubmissionStatus.SUBMITTED, 1)
    report = actions.approve_report(report, actor=setup.office)
    assert report.status == SubmissionStatus.APPROVED
    assert actions.editable(report) is not None
    assert list(report.events.values_list("action", "step")) == [
        (SubmissionAction.SUBMIT, None),
        (SubmissionAction.APPROVE, 1),
        (SubmissionAction.APPROVE, 2),
    ]


def test_a_returned_report_needs_a_reason_and_can_be_corrected(setup: Setup) -> None:
    report = draft(setup)
    actions.save_report_values(report, {TOTAL: "10"}, actor=setup.officer_a)
    report = actions.submit_report(report, actor=setup.officer_a, today=ON_TIME)
    with pytest.raises(ValidationError):
        actions.return_report(report, actor=setup.department, comment="  ")
    report = actions.return_report(report, actor=setup.department, comment="Thiếu số liệu")
    assert report.status == SubmissionStatus.RETURNED
    actions.save_report_values(report, {ONLINE: "3"}, actor=setup.officer_a)
    late = actions.submit_report(report, actor=setup.officer_a, today=datetime.date(2026, 11, 21))
    assert (late.status, late.on_time) == (SubmissionStatus.SUBMITTED, False)


def test_outliers_are_flagged_against_history_and_last_year(setup: Setup) -> None:
    total = DataElement.objects.get(code="WORK_TOTAL")
    period = Period.parse(NOV)
    for back in range(1, 13):
        DataValue.objects.create(
            data_element=total,
            unit=setup.commune_a,
            period=period.offset(-back).code,
            dimensions={"level": "commune"},
            dimension_key='{"level":"commune"}',
            value=100 + back % 3,
        )
    report = draft(setup)
    actions.save_report_values(report, {TOTAL: "1000"}, actor=setup.officer_a)
    actions.submit_report(report, actor=setup.officer_a, today=ON_TIME)
    kinds = set(ValueFlag.objects.values_list("kind", flat=True))
    assert kinds == {FlagKind.MODIFIED_Z, FlagKind.LAST_YEAR}


def test_completeness_counts_only_expected_reports_and_never_exceeds_100(
    setup: Setup, django_capture_on_commit_callbacks: Any
) -> None:
    outsider = UnitFactory.create(code="07999", name="Xã Ngoài", parent=setup.province)
    grant(setup.officer_a, Role.OFFICER, Scope.of_unit(outsider.pk))
    for unit in (setup.commune_a, outsider):
        with django_capture_on_commit_callbacks(execute=True):
            report = draft(setup, unit)
            actions.save_report_values(report, {TOTAL: "5"}, actor=setup.officer_a)
            actions.submit_report(report, actor=setup.officer_a, today=ON_TIME)
    [row] = report_queries.completeness(Submission.objects.all(), [setup.regime])
    assert (row.expected, row.actual, row.on_time, row.rate) == (2, 1, 1, 50.0)
    for code, numerator in (("COMPLETE", "REPORTS_SENT"), ("TIMELY", "REPORTS_ON_TIME")):
        Indicator.objects.create(
            code=code, name=code, numerator=f"#{{{numerator}}}", denominator="#{REPORTS_EXPECTED}"
        )
    for code in ("REPORTS_EXPECTED", "REPORTS_SENT", "REPORTS_ON_TIME"):
        element(code, dimensions=["regime"])
    with django_capture_on_commit_callbacks(execute=True):
        actions.refresh_computed(Period.parse(NOV), actor=None)
    indicators = list(Indicator.objects.filter(code__in=["COMPLETE", "TIMELY"]))
    aggregator = Aggregator([setup.province], [Period.parse(NOV)], indicators=indicators)
    values = [aggregator.indicator_value(i, setup.province, Period.parse(NOV)) for i in indicators]
    assert values == [0.5, 0.5]
