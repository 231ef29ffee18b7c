"""Regressions found in review: report pages leaking, oversized numbers, forged or lost
computed values, formula-like disaggregations, impossible periods, approval levels, shared
cells."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tinhso.accounts.choices import Role
from tinhso.accounts.scopes import Scope
from tinhso.accounts.tests.factories import UserFactory, grant
from tinhso.indicators import actions, exchange, registry, validation
from tinhso.indicators.choices import ValueSource
from tinhso.indicators.models import (
    ApprovalStep,
    DataElement,
    DataValue,
    ReportingRegime,
    Submission,
)
from tinhso.indicators.periods import Period
from tinhso.indicators.tests.report_setup import NOV, TOTAL, Setup, draft

SECRET = "777123"


def page(name: str, report: Submission) -> str:
    return reverse(f"indicators:{name}", args=[report.regime.code, report.unit.code, NOV])


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("report-return", {"comment": ""}),
        ("report-approve", {"version": "99"}),
        ("report-upload", {}),
    ],
)
def test_another_communes_officer_never_sees_the_report_through_a_failed_decision(
    setup: Setup, name: str, data: dict[str, Any]
) -> None:
    report = draft(setup)
    actions.save_report_values(report, {TOTAL: SECRET}, actor=setup.officer_a)
    client = Client()
    client.force_login(setup.officer_b)
    response = client.post(page(name, report), data)
    assert response.status_code == 403
    assert SECRET not in response.content.decode()


@pytest.mark.parametrize("text", ["1e25", "100000000000000", "-1e14"])
def test_numbers_a_value_cannot_hold_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="quá lớn"):
        validation.parse_number(text, "number")


def test_numbers_are_kept_to_six_decimal_places() -> None:
    assert validation.parse_number("0.3333333333", "number") == Decimal("0.333333")


def test_a_refresh_keeps_computed_values_of_locked_reports(
    setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    produced = [registry.ComputedValue(setup.commune_a.pk, {"level": "commune"}, Decimal(5))]
    monkeypatch.setattr(registry, "_REGISTRY", {})
    registry.register(registry.ComputedElement("WORK_TOTAL", lambda period: produced))
    period = Period.parse(NOV)
    actions.refresh_computed(period, actor=None)
    report = draft(setup)
    actions.submit_report(report, actor=setup.officer_a)
    produced.clear()
    actions.refresh_computed(period, actor=None)
    value = DataValue.objects.get(data_element__code="WORK_TOTAL", unit=setup.commune_a)
    assert (value.value, value.source) == (5, ValueSource.COMPUTED)


def test_computed_elements_cannot_be_imported(setup: Setup) -> None:
    DataElement.objects.create(
        code="REPORTS_ON_TIME",
        name="x",
        value_type="integer",
        aggregation_time="sum",
        aggregation_space="sum",
        dimensions=["regime"],
    )
    raw = exchange.RawValue("REPORTS_ON_TIME", NOV, setup.commune_a.code, "regime=BC-THU", "1", "")
    checked = exchange.check([raw], user=setup.officer_a)
    assert not checked.rows and "tự tính" in checked.conflicts[0].value


@pytest.mark.parametrize("coc", ["level==HYPERLINK(x)", "level=+1", "@cmd=x", "level=commune("])
def test_disaggregations_that_look_like_formulas_are_refused(coc: str) -> None:
    with pytest.raises(ValueError):
        exchange.parse_coc(coc)


@pytest.mark.parametrize("period", ["2026Q4", "2026", "999912"])
def test_opening_an_impossible_period_is_a_404_not_a_500(setup: Setup, period: str) -> None:
    client = Client()
    client.force_login(setup.officer_a)
    url = f"/reports/{setup.regime.code}/{setup.commune_a.code}/{period}/open"
    assert client.post(url).status_code == 404


def test_a_unit_level_step_with_no_unit_at_that_level_approves_nobody(setup: Setup) -> None:
    ApprovalStep.objects.filter(regime=setup.regime).delete()
    ApprovalStep.objects.create(regime=setup.regime, order=1, name="Huyện", unit_level=2)
    leader = UserFactory.create(username="lanhdao.xa")
    grant(leader, Role.LEADER, Scope.of_unit(setup.commune_a.pk))
    report = actions.submit_report(draft(setup), actor=setup.officer_a)
    assert not actions.may_approve(leader, report)


def test_a_cell_shared_with_a_sent_report_of_another_regime_is_not_overwritten(
    setup: Setup,
) -> None:
    other = ReportingRegime.objects.create(
        code="BC-KHAC",
        name="Khác",
        period_type="Monthly",
        deadline_days=10,
        dimension_options={"level": ["commune"]},
    )
    other.data_elements.set(DataElement.objects.filter(code="WORK_TOTAL"))
    theirs = actions.report_for(other, setup.commune_a, NOV, actor=setup.officer_a)
    actions.save_report_values(theirs, {TOTAL: "10"}, actor=setup.officer_a)
    actions.submit_report(theirs, actor=setup.officer_a)
    result = actions.save_report_values(draft(setup), {TOTAL: "99"}, actor=setup.officer_a)
    assert TOTAL in result.errors
    assert DataValue.objects.get(data_element__code="WORK_TOTAL").value == 10


def test_an_upload_without_a_file_is_refused_for_the_reports_own_officer(setup: Setup) -> None:
    client = Client()
    client.force_login(setup.officer_a)
    upload = SimpleUploadedFile("x.xlsx", b"")
    response = client.post(page("report-upload", draft(setup)), {"file": upload})
    assert response.status_code == 422
