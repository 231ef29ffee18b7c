"""A leader logs in, opens the resolution scorecard and drills down from province to commune."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from tinhso.accounts.choices import Role
from tinhso.accounts.scopes import Scope
from tinhso.accounts.tests.factories import PASSWORD, UserFactory, grant
from tinhso.directory import loaders
from tinhso.directory.models import AdministrativeUnit
from tinhso.indicators import actions

pytestmark = pytest.mark.django_db(transaction=True)

LAST_DAY = datetime.date(2025, 6, 30)


@pytest.fixture
def scorecard(transactional_db: None) -> None:
    """The real Bắc Giang tree, the targets, commune work records for the first half of 2025.

    The loaded three-tier tree starts on 04/01/2025 (the date of the source table).
    """
    loaders.apply(loaders.bac_giang_transition_plan(coordinates=False))
    old = AdministrativeUnit.objects.get(code="24", valid_to=LAST_DAY)
    new = AdministrativeUnit.objects.get(code="24", valid_to__isnull=True)
    actions.load_catalogue(actor=None)
    actions.load_targets(
        actor=None, scope_unit_for=lambda deadline: old if deadline.year <= 2025 else new
    )
    rows = []
    for code, online, total in (("07201", 72, 100), ("07207", 45, 60)):
        commune = AdministrativeUnit.objects.get(code=code, valid_to=LAST_DAY)
        for element, value in (("WORK_ONLINE", online), ("WORK_TOTAL", total)):
            rows.append(
                actions.ValueRow(element, commune, "2025S1", Decimal(value), {"level": "commune"})
            )
    actions.store_values(rows, actor=None)


def test_leader_opens_the_scorecard_and_drills_down_to_a_commune(
    live_server: Any, page: Any, scorecard: None
) -> None:
    leader = UserFactory.create(username="lanhdao.tinh")
    grant(leader, Role.LEADER, Scope.province())
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "lanhdao.tinh")
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(f"{live_server.url}/accounts/profile/")

    page.goto(f"{live_server.url}/reports/scorecard/leaders/")
    assert page.locator("tr[data-target]").count() == 30
    row = page.locator('tr[data-target="G-WORK-C25"]')
    # (72 + 45) / (100 + 60) = 73.125 % of commune work records online in H1 2025.
    assert "73,1" in row.inner_text()
    row.locator("a").first.click()
    page.wait_for_url("**/reports/scorecard/leaders/G-WORK-C25/")
    assert page.locator("#trend-chart svg title").count() >= 1
    assert "Dữ liệu tính đến" in page.locator("#trend-chart").inner_text()

    # Province → district (the city of Bắc Giang) → commune (Thọ Xương), one level per click.
    drill = page.locator("#drill-result")
    assert drill.get_attribute("data-level") == "1"
    page.click("#drill-213")
    page.locator('#drill-result[data-unit="213"]').wait_for()
    assert page.locator("#drill-value").inner_text() == "73,13"
    page.click("#drill-07201")
    page.locator('#drill-result[data-unit="07201"]').wait_for()
    assert page.locator("#drill-value").inner_text() == "72"
    assert "unit=" in page.url

    # Restated onto today's boundaries: Thọ Xương and Ngô Quyền are now phường Bắc Giang.
    page.check("#view-restated")
    page.locator('#drill-result[data-view="restated"]').wait_for()
    assert page.locator("#drill-07210").count() == 1
    assert page.locator("#drill-table tr[data-level='2']").count() == 0
