"""The operations centre: a reading above a wastewater station's limit arrives through the
station API while the screen is open; the alert appears at the next poll, without a reload, and
the operator acknowledges it from the screen."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tinhso.accounts.tests.factories import PASSWORD
from tinhso.alerts.models import Alert
from tinhso.environment import actions, evaluation
from tinhso.ioc.tests.factories import IocWorld, build_ioc

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def iw(transactional_db: None) -> IocWorld:
    world = build_ioc()
    evaluation.forget_context()  # the limit rule is new: read the rules afresh
    return world


def test_an_exceedance_alert_appears_live_and_is_acknowledged_from_the_screen(
    live_server: Any, page: Any, iw: IocWorld
) -> None:
    base = live_server.url
    officer = iw.env.world.people["env_officer"]
    _token, secret = actions.create_station_token(
        actor=officer, name="Datalogger qc-nt-01", stations=[iw.env.waste]
    )
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", officer.username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(f"{base}/accounts/profile/")

    # The screen polls every second for this test (15 s on a wall).
    page.goto(f"{base}/dieu-hanh/?poll=1")
    assert "Không có cảnh báo nào" in page.locator("#ioc-alerts-body").inner_text()
    page.evaluate("window.iocNotReloaded = true")

    # The datalogger sends COD 300 mg/L; the limit at Quang Châu is 150 × Kq 0.9 × Kf 1.0.
    observed = timezone.localtime() - timedelta(minutes=1)
    body = {
        "station": "qc-nt-01",
        "readings": [{"parameter": "COD", "time": observed.isoformat(), "value": 300}],
    }
    answer = page.request.post(
        f"{base}/api/v1/environment/readings",
        data=json.dumps(body),
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
    )
    assert answer.status == 200 and answer.json()["accepted"] == 1

    row = page.locator("#ioc-alert-table tr[data-alert]", has_text="Vượt quy chuẩn: COD")
    row.wait_for()
    assert page.evaluate("window.iocNotReloaded") is True
    # The map turns the wastewater station red at the same time.
    page.locator("[data-station='qc-nt-01'][data-colour='#ff0000']").wait_for()

    pk = row.get_attribute("data-alert")
    page.fill(f"#ack-comment-{pk}", "Đã cử cán bộ kiểm tra cửa xả")
    with page.expect_response(lambda r: r.request.method == "POST") as acknowledged:
        page.locator(f"#alert-{pk} button[type='submit']").click()
    assert acknowledged.value.status == 200
    page.locator(f"#alert-{pk}", has_text="Đã xác nhận").wait_for()
    assert page.evaluate("window.iocNotReloaded") is True

    alert = Alert.objects.get(pk=pk)
    assert alert.acknowledged_by_id == officer.pk
    assert alert.ack_comment == "Đã cử cán bộ kiểm tra cửa xả"
