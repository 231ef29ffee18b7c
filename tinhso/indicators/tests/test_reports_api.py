"""The reports API: list, read, write values, submit, approve, return, completeness."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from tinhso.core.testing import assert_matches_openapi
from tinhso.indicators import actions
from tinhso.indicators.choices import SubmissionStatus
from tinhso.indicators.models import Submission
from tinhso.indicators.tests.report_setup import NOV, Setup, draft

BASE = "/api/v1/indicators"


def as_user(user: Any) -> Any:
    client = Client()
    client.force_login(user)
    return client


def send(client: Client, method: str, url: str, body: Any) -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def test_regimes_list_their_form_and_chain(setup: Setup) -> None:
    response = as_user(setup.officer_a).get(f"{BASE}/regimes")
    [regime] = assert_matches_openapi(response, "GET", f"{BASE}/regimes")
    assert regime["data_elements"] == ["WORK_ONLINE", "WORK_TOTAL"]
    assert regime["approval_steps"] == ["Sở thẩm định", "Văn phòng tổng hợp"]


def test_reports_are_listed_within_scope_with_a_bounded_query_count(
    setup: Setup, django_assert_max_num_queries: Any
) -> None:
    actions.open_period(setup.regime, NOV, actor=None)
    client = as_user(setup.officer_a)
    with django_assert_max_num_queries(8):
        response = client.get(f"{BASE}/reports", {"period": NOV})
    body = assert_matches_openapi(response, "GET", f"{BASE}/reports")
    assert [item["unit"] for item in body["items"]] == [setup.commune_a.code]


def test_values_are_written_and_bad_cells_listed(setup: Setup) -> None:
    report = draft(setup)
    url = f"{BASE}/reports/{report.pk}/values"
    response = send(
        as_user(setup.officer_a),
        "put",
        url,
        {
            "version": 1,
            "values": [
                {
                    "dataElement": "WORK_TOTAL",
                    "categoryOptionCombo": "level=commune",
                    "value": "40",
                },
                {
                    "dataElement": "WORK_ONLINE",
                    "categoryOptionCombo": "level=commune",
                    "value": "x",
                },
                {"dataElement": "WORK_ONLINE", "categoryOptionCombo": "bad", "value": "1"},
            ],
        },
    )
    body = assert_matches_openapi(response, "PUT", url)
    assert (body["saved"], body["version"]) == (1, 2)
    assert [e["categoryOptionCombo"] for e in body["errors"]] == ["bad", "level=commune"]
    detail = as_user(setup.officer_a).get(f"{BASE}/reports/{report.pk}")
    values = assert_matches_openapi(detail, "GET", f"{BASE}/reports/{{report_id}}")["values"]
    assert values == [
        {"dataElement": "WORK_TOTAL", "categoryOptionCombo": "level=commune", "value": "40"}
    ]


def test_a_stale_version_is_a_409_problem(setup: Setup) -> None:
    report = draft(setup)
    url = f"{BASE}/reports/{report.pk}/values"
    body = {"version": 7, "values": []}
    response = send(as_user(setup.officer_a), "put", url, body)
    assert response.status_code == 409
    assert_matches_openapi(response, "PUT", url)


def test_submit_refused_by_a_blocking_rule_is_a_422_naming_it(setup: Setup) -> None:
    report = draft(setup)
    actions.save_report_values(
        report,
        {("WORK_TOTAL", '{"level":"commune"}'): "1", ("WORK_ONLINE", '{"level":"commune"}'): "3"},
        actor=setup.officer_a,
    )
    url = f"{BASE}/reports/{report.pk}/submit"
    response = send(as_user(setup.officer_a), "post", url, {"version": 2})
    problem = assert_matches_openapi(response, "POST", url)
    assert response.status_code == 422 and "lớn hơn tổng số" in problem["detail"]


def test_the_chain_approves_through_the_api(setup: Setup) -> None:
    report = draft(setup)
    submitted = send(
        as_user(setup.officer_a), "post", f"{BASE}/reports/{report.pk}/submit", {"version": 1}
    )
    assert submitted.json()["status"] == SubmissionStatus.SUBMITTED
    url = f"{BASE}/reports/{report.pk}/approve"
    refused = send(as_user(setup.office), "post", url, {"version": 2})
    assert refused.status_code == 403
    assert_matches_openapi(refused, "POST", url)
    first = send(as_user(setup.department), "post", url, {"version": 2, "comment": "Đạt"})
    assert assert_matches_openapi(first, "POST", url)["approved_steps"] == 1
    second = send(as_user(setup.office), "post", url, {"version": 3})
    assert second.json()["status"] == SubmissionStatus.APPROVED


def test_returning_needs_a_reason(setup: Setup) -> None:
    report = draft(setup)
    actions.submit_report(report, actor=setup.officer_a)
    url = f"{BASE}/reports/{report.pk}/return"
    assert send(as_user(setup.department), "post", url, {"version": 2}).status_code == 422
    returned = send(as_user(setup.department), "post", url, {"version": 2, "comment": "Thiếu"})
    assert returned.json()["status"] == SubmissionStatus.RETURNED


def test_another_communes_report_is_a_403(setup: Setup) -> None:
    report = draft(setup)
    response = as_user(setup.officer_b).get(f"{BASE}/reports/{report.pk}")
    assert response.status_code == 403
    assert_matches_openapi(response, "GET", f"{BASE}/reports/{{report_id}}")


def test_completeness_counts_expected_reports_in_scope(setup: Setup) -> None:
    actions.open_period(setup.regime, NOV, actor=None)
    report = Submission.objects.get(unit=setup.commune_a)
    actions.submit_report(report, actor=setup.officer_a)
    response = as_user(setup.department).get(f"{BASE}/completeness")
    assert assert_matches_openapi(response, "GET", f"{BASE}/completeness") == []
    response = as_user(setup.officer_a).get(f"{BASE}/completeness", {"period": NOV})
    [row] = assert_matches_openapi(response, "GET", f"{BASE}/completeness")
    assert (row["expected"], row["actual"], row["completeness"]) == (1, 1, 100.0)
