"""Report pages: list, entry that saves as you go, submit, approve, return, permissions."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tinhso.indicators import actions, report_queries
from tinhso.indicators.choices import SubmissionStatus
from tinhso.indicators.models import Submission
from tinhso.indicators.tests.report_setup import NOV, ONLINE, TOTAL, Setup, draft


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, report: Submission) -> str:
    return reverse(f"indicators:{name}", args=[report.regime.code, report.unit.code, NOV])


def cell_index(report: Submission, key: tuple[str, str]) -> int:
    cells = report_queries.form_cells(report.regime)
    return [(c.code, c.key) for c in cells].index(key)


def test_the_report_list_needs_a_login(setup: Setup) -> None:
    response = Client().get(reverse("indicators:reports"))
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


def test_an_officer_lists_only_own_reports(
    setup: Setup, django_assert_max_num_queries: Any
) -> None:
    actions.open_period(setup.regime, NOV, actor=None)
    client = login(setup.officer_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("indicators:reports"))
    body = response.content.decode()
    assert response.status_code == 200
    assert setup.commune_a.name in body and setup.commune_b.name not in body


def test_a_bad_filter_is_a_400_not_a_silent_default(setup: Setup) -> None:
    response = login(setup.officer_a).get(reverse("indicators:reports"), {"period": "20xx"})
    assert response.status_code == 400


def test_a_cell_saves_on_change_and_answers_its_status(setup: Setup) -> None:
    report = draft(setup)
    client = login(setup.officer_a)
    index = cell_index(report, TOTAL)
    response = client.post(
        url("report-save", report),
        {f"cell-{index}": "1.250", "version": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert f'id="status-{index}"' in response.content.decode()
    assert 'id="report-version" value="2"' in response.content.decode()
    assert report_queries.report_values(report)[TOTAL].value == 1250


def test_a_bad_number_is_a_422_shown_beside_the_cell(setup: Setup) -> None:
    report = draft(setup)
    index = cell_index(report, ONLINE)
    response = login(setup.officer_a).post(
        url("report-save", report), {f"cell-{index}": "mười"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    assert "không phải là số" in response.content.decode()


def test_a_stale_page_is_told_to_reload(setup: Setup) -> None:
    report = draft(setup)
    index = cell_index(report, TOTAL)
    client = login(setup.officer_a)
    client.post(url("report-save", report), {f"cell-{index}": "1", "version": "1"})
    response = client.post(
        url("report-save", report),
        {f"cell-{index}": "2", "version": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert "tải lại" in response.content.decode()


def test_officer_of_other_commune_gets_403(setup: Setup) -> None:
    report = draft(setup)
    client = login(setup.officer_b)
    assert client.get(url("report", report)).status_code == 403
    assert client.post(url("report-save", report), {"cell-0": "1"}).status_code == 403


def test_submitting_a_report_that_breaks_a_blocking_rule_shows_why(setup: Setup) -> None:
    report = draft(setup)
    actions.save_report_values(report, {TOTAL: "1", ONLINE: "5"}, actor=setup.officer_a)
    response = login(setup.officer_a).post(url("report-submit", report), {"version": "2"})
    assert response.status_code == 422
    assert "lớn hơn tổng số" in response.content.decode()


def test_the_approver_sees_the_report_waiting_and_approves_it(setup: Setup) -> None:
    report = draft(setup)
    actions.save_report_values(report, {TOTAL: "9", ONLINE: "5"}, actor=setup.officer_a)
    login(setup.officer_a).post(url("report-submit", report), {"version": "2"})
    client = login(setup.department)
    listing = client.get(reverse("indicators:reports")).content.decode()
    assert 'id="waiting"' in listing and setup.commune_a.name in listing
    page = client.get(url("report", report))
    assert page.status_code == 200 and 'id="decision"' in page.content.decode()
    assert client.post(url("report-approve", report), {"version": "3"}).status_code == 302
    assert Submission.objects.get(pk=report.pk).approved_steps == 1
    assert 'id="waiting"' not in client.get(reverse("indicators:reports")).content.decode()


def test_returning_without_a_reason_is_refused_on_the_page(setup: Setup) -> None:
    report = draft(setup)
    actions.submit_report(report, actor=setup.officer_a)
    client = login(setup.department)
    response = client.post(url("report-return", report), {"version": "2", "comment": ""})
    assert response.status_code == 422
    response = client.post(url("report-return", report), {"version": "2", "comment": "Sai số"})
    assert response.status_code == 302
    assert Submission.objects.get(pk=report.pk).status == SubmissionStatus.RETURNED


@pytest.mark.parametrize("path", ["X/07210/202611/", "BC-THU/99999/202611/", "BC-THU/07210/20xx/"])
def test_an_unknown_report_is_a_404(setup: Setup, path: str) -> None:
    response = login(setup.officer_a).get("/reports/" + path)
    assert response.status_code == 404


def test_a_report_not_yet_opened_offers_to_open_it(setup: Setup) -> None:
    client = login(setup.officer_a)
    page = f"/reports/BC-THU/{setup.commune_a.code}/{NOV}/"
    assert "Mở báo cáo" in client.get(page).content.decode()
    response = client.post(page + "open")
    assert response.status_code == 302
    assert Submission.objects.filter(unit=setup.commune_a, period=NOV).exists()


def test_an_excel_upload_saves_good_rows_and_reports_bad_ones(setup: Setup) -> None:
    report = draft(setup)
    client = login(setup.officer_a)
    download = client.get(url("report-excel", report))
    assert download.status_code == 200 and download["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    book = openpyxl.load_workbook(io.BytesIO(download.content))
    sheet = book.worksheets[0]
    for row in sheet.iter_rows(min_row=1, max_col=5):
        if row[0].value == "WORK_TOTAL":
            row[4].value = "1.500"
        elif row[0].value == "WORK_ONLINE":
            row[4].value = "nhiều"
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("bao-cao.xlsx", buffer.getvalue())
    response = client.post(url("report-upload", report), {"file": upload})
    body = response.content.decode()
    assert response.status_code == 422 and 'id="upload-report"' in body
    assert "nhiều" in body and "không phải là số" in body
    assert report_queries.report_values(report)[TOTAL].value == 1500


def test_an_upload_that_is_not_a_workbook_is_refused_with_the_reason(setup: Setup) -> None:
    report = draft(setup)
    upload = SimpleUploadedFile("bao-cao.xlsx", b"ma,gia tri\nWORK_TOTAL,1\n")
    response = login(setup.officer_a).post(url("report-upload", report), {"file": upload})
    assert response.status_code == 422 and 'id="errors"' in response.content.decode()
