"""A person logs in and browses the administrative-unit tree across the 01/07/2025 reform."""

from __future__ import annotations

from typing import Any

import pytest

from tinhso.accounts.tests.factories import PASSWORD, UserFactory
from tinhso.directory import loaders

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bac_giang(transactional_db: None) -> None:
    loaders.apply(loaders.bac_giang_transition_plan(coordinates=False))


def test_officer_logs_in_and_browses_the_unit_tree(
    live_server: Any, page: Any, bac_giang: None
) -> None:
    UserFactory(username="canbo.thu")
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.fill("#id_username", "canbo.thu")
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(f"{live_server.url}/accounts/profile/")
    assert "canbo.thu" in page.locator("header.site-header").inner_text()

    # The three-tier tree on the last day before the reform: province → district → commune.
    page.goto(f"{live_server.url}/units/?as_of=2025-06-30")
    page.click("#toggle-24")
    page.locator("#unit-213").wait_for()
    assert page.locator("#toggle-24").get_attribute("aria-expanded") == "true"
    page.click("#toggle-213")
    page.locator("#unit-07201").wait_for()
    page.click("#unit-07201 > a")
    page.wait_for_url("**/units/07201/**")
    assert "Phường Thọ Xương" in page.locator("h1").inner_text()
    assert "Phường Bắc Giang" in page.locator("#current-successors").inner_text()

    # The two-tier tree after the reform has no districts under the new Bắc Ninh.
    page.goto(f"{live_server.url}/units/?as_of=2025-07-01")
    page.click("#toggle-24")
    page.locator("#unit-07210").wait_for()
    assert page.locator("#children-24 li[data-level='2']").count() == 0

    # Search without diacritics finds the unit written with them (đ/d included).
    page.goto(f"{live_server.url}/units/?as_of=2025-06-30")
    page.locator("#unit-q").press_sequentially("tho xuong")
    page.locator('#unit-search-results tr[data-code="07201"]').wait_for()
