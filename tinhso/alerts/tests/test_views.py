"""Pages of the alerts app: list, alert page and acknowledgement, silences, rules."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tinhso.accounts.tests.factories import World
from tinhso.alerts import actions
from tinhso.alerts.engine import Condition, observe
from tinhso.alerts.models import Alert, Rule, Severity, Silence, State
from tinhso.alerts.tests.factories import make_rule, obs

T, C = Condition.TRIGGER, Condition.CLEAR
HX = {"HX-Request": "true"}


def as_user(world: World, name: str) -> Client:
    client = Client()
    client.force_login(world[name])
    return client


@pytest.fixture
def rule(world: World) -> Rule:
    return make_rule()


def fire(rule: Rule, key: str, agency: Any = None, **extra: Any) -> Alert:
    [alert] = observe(
        [obs(rule, key, T, 80.0, agency_id=agency.pk if agency else None, title=key, **extra)]
    )
    return alert


@pytest.fixture
def alerts(world: World, rule: Rule) -> dict[str, Alert]:
    """An alert of phường Bắc Giang, one of xã Tuấn Đạo and a province-wide one."""
    critical = make_rule("critical", severity=Severity.CRITICAL, source="ioc")
    return {
        "bac_giang": fire(rule, "bg", world.ubnd_bac_giang),
        "tuan_dao": fire(rule, "td", world.ubnd_tuan_dao),
        "province": fire(critical, "province"),
    }


# --- list -----------------------------------------------------------------------------------


def test_the_list_shows_only_alerts_in_the_officer_s_scope(
    world: World, alerts: dict[str, Alert]
) -> None:
    response = as_user(world, "officer_a").get("/canh-bao/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-alert="{alerts["bac_giang"].pk}"' in page
    assert f'data-alert="{alerts["tuan_dao"].pk}"' not in page
    assert f'data-alert="{alerts["province"].pk}"' not in page  # province-wide: not theirs


def test_province_wide_alerts_are_shown_to_province_wide_staff_most_severe_first(
    world: World, alerts: dict[str, Alert]
) -> None:
    page = as_user(world, "auditor").get("/canh-bao/").content.decode()
    positions = [page.index(f'data-alert="{alerts[name].pk}"') for name in alerts]
    assert positions[2] < positions[0] and positions[2] < positions[1]  # critical first


def test_the_list_filters_by_state_severity_and_source(
    world: World, rule: Rule, alerts: dict[str, Alert]
) -> None:
    observe([obs(rule, "bg", C, 1.0)])
    client = as_user(world, "operator")

    def shown(**params: str) -> set[int]:
        response = client.get("/canh-bao/", params, headers=HX)
        return {
            a.pk for a in Alert.objects.all() if f'data-alert="{a.pk}"' in response.content.decode()
        }

    assert shown() == {alerts["tuan_dao"].pk, alerts["province"].pk}
    assert shown(state="resolved") == {alerts["bac_giang"].pk}
    assert shown(state="all") == {a.pk for a in alerts.values()}
    assert shown(severity="critical") == {alerts["province"].pk}
    assert shown(source="environment") == {alerts["tuan_dao"].pk}


def test_the_list_rows_give_since_and_acknowledgement(
    world: World, alerts: dict[str, Alert]
) -> None:
    alert = alerts["bac_giang"]
    local = timezone.localtime(alert.first_seen_at)
    page = as_user(world, "officer_a").get("/canh-bao/").content.decode()
    assert f"{local:%d/%m/%Y %H:%M}" in page
    assert "Nội dung xác nhận" in page  # inline form: not acknowledged yet
    assert "Cảnh báo" in page and "Đang cảnh báo" in page


def test_the_list_has_an_empty_state(world: World) -> None:
    page = as_user(world, "officer_a").get("/canh-bao/").content.decode()
    assert "Không có cảnh báo nào khớp bộ lọc." in page


def test_the_list_costs_the_same_queries_for_many_alerts(
    world: World, rule: Rule, django_assert_num_queries: Any
) -> None:
    client = as_user(world, "operator")
    fire(rule, "one", world.ubnd_bac_giang)
    client.get("/canh-bao/")  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get("/canh-bao/").status_code == 200
    observe([obs(rule, f"k{n}", T, 60.0, agency_id=world.ubnd_tuan_dao.pk) for n in range(20)])
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get("/canh-bao/").status_code == 200


def test_the_pages_need_a_staff_login(world: World, alerts: dict[str, Alert]) -> None:
    assert Client().get("/canh-bao/").status_code == 302
    assert as_user(world, "citizen_a").get("/canh-bao/").status_code == 403


# --- alert page and acknowledgement ------------------------------------------------------------


def test_the_alert_page_shows_the_history(world: World, alerts: dict[str, Alert]) -> None:
    alert = alerts["bac_giang"]
    page = as_user(world, "officer_a").get(f"/canh-bao/{alert.pk}/").content.decode()
    assert "Lịch sử" in page and "Phát cảnh báo" in page and 'class="ack-form"' in page


def test_another_commune_s_officer_gets_404_on_the_alert_page(
    world: World, alerts: dict[str, Alert]
) -> None:
    client = as_user(world, "officer_b")
    assert client.get(f"/canh-bao/{alerts['bac_giang'].pk}/").status_code == 404
    response = client.post(f"/canh-bao/{alerts['bac_giang'].pk}/xac-nhan/", {"comment": "x"})
    assert response.status_code == 404


def test_acknowledging_without_htmx_redirects_to_the_alert(
    world: World, alerts: dict[str, Alert]
) -> None:
    alert = alerts["bac_giang"]
    response = as_user(world, "officer_a").post(
        f"/canh-bao/{alert.pk}/xac-nhan/", {"comment": "Đã cử người kiểm tra"}
    )
    assert response.status_code == 302 and response["Location"] == f"/canh-bao/{alert.pk}/"
    assert Alert.objects.get(pk=alert.pk).ack_comment == "Đã cử người kiểm tra"


def test_acknowledging_without_a_comment_shows_the_error(
    world: World, alerts: dict[str, Alert]
) -> None:
    alert = alerts["bac_giang"]
    client = as_user(world, "officer_a")
    plain = client.post(f"/canh-bao/{alert.pk}/xac-nhan/", {"comment": "  "})
    assert plain.status_code == 422 and "Hãy ghi rõ nội dung xác nhận." in plain.content.decode()
    htmx = client.post(
        f"/canh-bao/{alert.pk}/xac-nhan/", {"comment": "", "render": "row"}, headers=HX
    )
    assert htmx.status_code == 422
    assert htmx.content.decode().startswith(f'<tr id="alert-{alert.pk}"')
    assert Alert.objects.get(pk=alert.pk).acknowledged_at is None


def test_acknowledging_through_htmx_returns_the_updated_row_or_panel(
    world: World, alerts: dict[str, Alert]
) -> None:
    client = as_user(world, "operator")
    row = client.post(
        f"/canh-bao/{alerts['bac_giang'].pk}/xac-nhan/",
        {"comment": "Đã biết", "render": "row"},
        headers=HX,
    )
    assert row.status_code == 200
    body = row.content.decode()
    assert body.startswith(f'<tr id="alert-{alerts["bac_giang"].pk}"') and "Đã xác nhận" in body
    panel = client.post(
        f"/canh-bao/{alerts['province'].pk}/xac-nhan/",
        {"comment": "Đã biết", "render": "panel"},
        headers=HX,
    )
    assert 'class="card ack-panel"' in panel.content.decode()
    assert "Đã xác nhận bởi operator" in panel.content.decode()


def test_an_auditor_sees_but_cannot_acknowledge(world: World, alerts: dict[str, Alert]) -> None:
    alert = alerts["bac_giang"]
    client = as_user(world, "auditor")
    assert 'class="ack-form"' not in client.get(f"/canh-bao/{alert.pk}/").content.decode()
    assert client.post(f"/canh-bao/{alert.pk}/xac-nhan/", {"comment": "x"}).status_code == 403


# --- silences -------------------------------------------------------------------------------


def test_an_officer_creates_and_ends_a_silence_for_their_agency(world: World, rule: Rule) -> None:
    client = as_user(world, "officer_a")
    ends = timezone.localtime() + timedelta(hours=3)
    response = client.post(
        "/canh-bao/im-lang/",
        {
            "rule": rule.pk,
            "key_prefix": "station:BG-",
            "agency": world.ubnd_bac_giang.pk,
            "ends_at": f"{ends:%Y-%m-%dT%H:%M}",
            "reason": "Bảo trì thiết bị",
        },
    )
    assert response.status_code == 302
    silence = Silence.objects.get()
    assert (silence.rule, silence.key_prefix, silence.created_by) == (
        rule,
        "station:BG-",
        world["officer_a"],
    )
    page = client.get("/canh-bao/im-lang/").content.decode()
    assert "Bảo trì thiết bị" in page and "Đang áp dụng" in page

    assert client.post(f"/canh-bao/im-lang/{silence.pk}/ket-thuc/").status_code == 302
    assert not Silence.objects.get().is_active()


def test_a_silence_form_with_errors_is_shown_again(world: World) -> None:
    client = as_user(world, "officer_a")
    response = client.post(
        "/canh-bao/im-lang/", {"agency": world.ubnd_tuan_dao.pk, "ends_at": "", "reason": ""}
    )
    assert response.status_code == 422 and not Silence.objects.exists()


def test_another_agency_s_silences_are_hidden(world: World) -> None:
    actions.create_silence(
        actor=world["officer_b"],
        agency=world.ubnd_tuan_dao,
        ends_at=timezone.now() + timedelta(hours=1),
        reason="Xã Tuấn Đạo bảo trì",
    )
    page = as_user(world, "officer_a").get("/canh-bao/im-lang/").content.decode()
    assert "Xã Tuấn Đạo bảo trì" not in page and "Chưa có khoảng im lặng nào." in page
    silence = Silence.objects.get()
    assert (
        as_user(world, "officer_a").post(f"/canh-bao/im-lang/{silence.pk}/ket-thuc/").status_code
        == 404
    )


# --- rules ----------------------------------------------------------------------------------


def test_only_province_wide_staff_change_province_wide_rules(world: World, rule: Rule) -> None:
    commune_rule = make_rule("bg-only", agency=world.ubnd_bac_giang)
    officer = as_user(world, "officer_a")
    page = officer.get("/canh-bao/quy-tac/").content.decode()
    assert 'data-rule="bg-only"' in page and f'data-rule="{rule.code}"' not in page
    assert officer.get(f"/canh-bao/quy-tac/{rule.pk}/").status_code == 404
    assert officer.post(f"/canh-bao/quy-tac/{commune_rule.pk}/bat-tat/").status_code == 302
    assert not Rule.objects.get(pk=commune_rule.pk).enabled

    operator = as_user(world, "operator")
    row = operator.post(f"/canh-bao/quy-tac/{rule.pk}/bat-tat/", headers=HX)
    assert (
        row.content.decode().startswith(f'<tr id="rule-{rule.pk}"')
        and "Bật" in row.content.decode()
    )
    assert not Rule.objects.get(pk=rule.pk).enabled
    assert (
        as_user(world, "auditor").post(f"/canh-bao/quy-tac/{rule.pk}/bat-tat/").status_code == 403
    )


def test_editing_a_rule_validates_params_as_a_json_object(world: World, rule: Rule) -> None:
    client = as_user(world, "operator")
    url = f"/canh-bao/quy-tac/{rule.pk}/"
    base = {
        "name": "PM2.5 cao",
        "severity": "critical",
        "for_seconds": 300,
        "escalate_after_minutes": 15,
    }

    bad = client.post(url, {**base, "params": "[1, 2]"})
    assert bad.status_code == 422 and "Tham số phải là một đối tượng JSON" in bad.content.decode()
    broken = client.post(url, {**base, "params": '{"above": '})
    assert broken.status_code == 422 and "Tham số không phải JSON hợp lệ" in broken.content.decode()

    params = {"parameter": "PM2.5", "above": 55, "clear_below": 50}
    assert client.post(url, {**base, "params": json.dumps(params)}).status_code == 302
    rule.refresh_from_db()
    assert (
        rule.name,
        rule.severity,
        rule.for_seconds,
        rule.escalate_after_minutes,
        rule.params,
    ) == (
        "PM2.5 cao",
        "critical",
        300,
        15,
        params,
    )


def test_a_registered_rule_keeps_its_evaluator(world: World) -> None:
    registered = make_rule(
        "reg", kind="registered", params={"evaluator": "services.overdue_dossiers"}
    )
    response = as_user(world, "operator").post(
        f"/canh-bao/quy-tac/{registered.pk}/",
        {"name": "x", "severity": "warning", "for_seconds": 0, "params": "{}"},
    )
    assert response.status_code == 422 and "evaluator" in response.content.decode()
    assert Rule.objects.get(pk=registered.pk).params == {"evaluator": "services.overdue_dossiers"}


def test_open_alerts_for_the_operations_centre_are_scoped_and_ordered(
    world: World, alerts: dict[str, Alert], django_assert_max_num_queries: Any
) -> None:
    from django.template.loader import render_to_string

    from tinhso.alerts.queries import open_alerts

    auditor = world["auditor"]
    with django_assert_max_num_queries(4):
        rows = open_alerts(auditor, limit=2)
    assert [a.pk for a in rows] == [alerts["province"].pk, alerts["tuan_dao"].pk]
    assert [a.pk for a in open_alerts(world["officer_a"])] == [alerts["bac_giang"].pk]
    html = render_to_string("alerts/partials/_alert_rows.html", {"alerts": rows, "user": auditor})
    assert html.count("<tr ") == 2 and "Nghiêm trọng" in html
    assert str(State.FIRING.label) in html
