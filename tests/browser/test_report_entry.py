"""An officer enters and submits a monthly report; the department's leader approves it."""

from __future__ import annotations

from typing import Any

import pytest

from tinhso.accounts.tests.factories import PASSWORD
from tinhso.indicators import actions, report_queries
from tinhso.indicators.choices import SubmissionStatus
from tinhso.indicators.models import Submission
from tinhso.indicators.tests.report_setup import NOV, ONLINE, TOTAL, Setup, build_setup

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(f"{base}/accounts/profile/")


@pytest.fixture
def setup(transactional_db: None) -> Setup:
    return build_setup()


def test_officer_enters_a_monthly_report_and_the_leader_approves_it(
    live_server: Any, page: Any, setup: Setup
) -> None:
    actions.open_period(setup.regime, NOV, actor=None)
    cells = [(c.code, c.key) for c in report_queries.form_cells(setup.regime)]
    total, online = cells.index(TOTAL), cells.index(ONLINE)

    sign_in(page, live_server.url, setup.officer_a.username)
    page.goto(f"{live_server.url}/reports/")
    page.click(f"#reports a:has-text('{setup.commune_a.name}')")
    page.wait_for_url(f"**/reports/BC-THU/{setup.commune_a.code}/{NOV}/")

    # Values save as the officer leaves each cell; a typo is shown beside its cell.
    page.fill(f"#cell-{total}", "1.250")
    page.press(f"#cell-{total}", "Tab")
    page.locator(f"#status-{total}:has-text('Đã lưu')").wait_for()
    page.fill(f"#cell-{online}", "chín trăm")
    page.press(f"#cell-{online}", "Tab")
    page.locator(f"#status-{online}.field-error").wait_for()
    page.fill(f"#cell-{online}", "900")
    page.press(f"#cell-{online}", "Tab")
    page.locator(f"#status-{online}:has-text('Đã lưu')").wait_for()
    # Each answer carries the report's new version for the next save (optimistic locking).
    page.locator("#report-version[value='3']").wait_for(state="attached")

    # Each change posts only its own cell: one status answers it.
    assert page.locator("[id^='status-']:has-text('Đã lưu')").count() == 2

    # The submit form carries the version the page was rendered with: reload first.
    page.reload()
    page.click("#submit-report")
    page.locator(".badge:has-text('Đã gửi')").first.wait_for()
    assert page.locator(f"#cell-{total}").is_disabled()

    sign_in(page, live_server.url, setup.department.username)
    page.goto(f"{live_server.url}/reports/")
    page.click(f"#waiting a:has-text('{setup.commune_a.name}')")
    page.fill("#comment", "Số liệu hợp lệ")
    page.click("#decision button:has-text('Phê duyệt')")
    page.locator(".messages").wait_for()
    report = Submission.objects.get(unit=setup.commune_a, period=NOV)
    assert (report.status, report.approved_steps) == (SubmissionStatus.SUBMITTED, 1)
    assert report_queries.report_values(report)[TOTAL].value == 1250
