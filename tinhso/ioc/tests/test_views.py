"""The live screen and its panels: access, the map's colours, alerts, KPIs, trends, scoping and
query bounds."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tinhso.accounts.tests.factories import UserFactory
from tinhso.alerts.engine import Condition, Observation, observe
from tinhso.alerts.models import Rule, RuleKind, Severity
from tinhso.core import registry as core_registry
from tinhso.environment import aqi, wqi
from tinhso.environment.choices import IndexKind, Medium, StationKind
from tinhso.environment.models import Exceedance, IndexValue, Station
from tinhso.indicators import actions as indicator_actions
from tinhso.ioc import monitoring
from tinhso.ioc.tests.factories import IocWorld, aqi_at, open_limit_alert, share_target

pytestmark = pytest.mark.django_db

SCREEN = "/dieu-hanh/"
PARTIALS = [
    "/dieu-hanh/ban-do/",
    "/dieu-hanh/canh-bao/",
    "/dieu-hanh/chi-so/",
    "/dieu-hanh/xu-huong/",
]


def recent_hour() -> datetime.datetime:
    return timezone.now().replace(minute=0, second=0, microsecond=0)


def marker(body: str, code: str) -> dict[str, Any]:
    """The shape, position and colour of a station's marker on the map."""
    found = re.search(
        rf'data-station="{re.escape(code)}" data-colour="(#[0-9a-f]{{6}})">\s*<(circle|rect) '
        r'(?:cx|x)="([\d.]+)" (?:cy|y)="([\d.]+)"',
        body,
    )
    assert found, f"no marker for {code}"
    colour, shape, x, y = found.groups()
    return {"colour": colour, "shape": shape, "x": float(x), "y": float(y)}


def viewbox(body: str) -> tuple[float, float]:
    found = re.search(r'class="ioc-map-svg" viewBox="0 0 (\d+) (\d+)"', body)
    assert found
    return float(found[1]), float(found[2])


# -- access -------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [SCREEN, *PARTIALS])
def test_anonymous_visitors_are_sent_to_login(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_screen_has_four_polling_panels(operator_client: Client) -> None:
    response = operator_client.get(SCREEN)
    assert response.status_code == 200
    body = response.content.decode()
    for url in PARTIALS:
        assert f'hx-get="{url}" hx-trigger="every 15s, ioc:refresh"' in body
    assert 'id="ioc-screen" hx-sync="this:queue all"' in body
    assert "ioc/screen.js" in body and "ioc/screen.css" in body
    assert "Sơ đồ minh họa, không phải ranh giới pháp lý" in body


@pytest.mark.parametrize(("asked", "seconds"), [("2", 2), ("0", 1), ("99999", 300), ("x", 15)])
def test_the_poll_interval_can_be_shortened_within_bounds(
    operator_client: Client, asked: str, seconds: int
) -> None:
    body = operator_client.get(SCREEN, {"poll": asked}).content.decode()
    assert f'hx-trigger="every {seconds}s, ioc:refresh"' in body


@pytest.mark.parametrize("url", PARTIALS)
def test_each_panel_renders_alone_without_the_page(operator_client: Client, url: str) -> None:
    response = operator_client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.content.decode()


# -- the map ------------------------------------------------------------------------------------


def test_an_air_station_is_drawn_inside_the_map_in_its_aqi_level_colour(
    operator_client: Client, ioc: IocWorld
) -> None:
    aqi_at(ioc.env.air, recent_hour(), 160)
    body = operator_client.get(PARTIALS[0]).content.decode()
    found = marker(body, "bg-kk-01")
    width, height = viewbox(body)
    assert found["shape"] == "circle"
    assert found["colour"] == aqi.level_for(160).hex == "#ff0000"
    assert 0 < found["x"] < width and 0 < found["y"] < height
    assert 'href="/moi-truong/tram/bg-kk-01/"' in body
    assert f"VN_AQI 160 — {aqi.level_for(160).name_vi}" in body


def test_a_station_without_recent_data_is_grey(operator_client: Client, ioc: IocWorld) -> None:
    aqi_at(ioc.env.air, recent_hour() - datetime.timedelta(hours=3), 40)
    body = operator_client.get(PARTIALS[0]).content.decode()
    assert marker(body, "bg-kk-01")["colour"] == monitoring.NO_DATA
    assert marker(body, "cau-nm-01")["colour"] == monitoring.NO_DATA


def test_a_river_station_takes_its_daily_wqi_colour(operator_client: Client, ioc: IocWorld) -> None:
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    IndexValue.objects.create(
        station=ioc.env.river, kind=IndexKind.WQI_DAY, period=midnight, value=95
    )
    body = operator_client.get(PARTIALS[0]).content.decode()
    assert marker(body, "cau-nm-01")["colour"] == wqi.level_for(95).hex


def test_a_wastewater_station_is_a_red_square_while_its_limit_alert_is_open(
    operator_client: Client, ioc: IocWorld
) -> None:
    before = marker(operator_client.get(PARTIALS[0]).content.decode(), "qc-nt-01")
    assert (before["shape"], before["colour"]) == ("rect", monitoring.WITHIN_LIMITS)
    open_limit_alert(ioc.limit_rule, ioc.env.waste)
    after = marker(operator_client.get(PARTIALS[0]).content.decode(), "qc-nt-01")
    assert (after["shape"], after["colour"]) == ("rect", monitoring.ALARM)


def test_a_recent_exceedance_also_turns_a_wastewater_station_red(
    operator_client: Client, ioc: IocWorld
) -> None:
    cod = ioc.env.parameters["COD"]
    Exceedance.objects.create(
        station=ioc.env.waste,
        parameter=cod,
        limit=ioc.env.qcvn40_b.limits.get(parameter=cod),
        period=timezone.now() - datetime.timedelta(minutes=30),
        value=300,
        allowed_max=135,
    )
    body = operator_client.get(PARTIALS[0]).content.decode()
    assert marker(body, "qc-nt-01")["colour"] == monitoring.ALARM


# -- alerts -------------------------------------------------------------------------------------


def test_alerts_come_most_severe_first_with_the_acknowledgement_form(
    client: Client, ioc: IocWorld
) -> None:
    warning = Rule.objects.create(
        code="pm25-high",
        name="PM2.5 cao",
        source="environment",
        kind=RuleKind.THRESHOLD,
        severity=Severity.WARNING,
        params={"parameter": "PM2.5", "above": 100},
    )
    observe(
        [
            Observation(
                rule=warning,
                key="bg-kk-01/PM2.5",
                condition=Condition.TRIGGER,
                value=120,
                title="PM2.5 cao tại trạm Bắc Giang",
                agency_id=ioc.env.so_nnmt.pk,
                unit_id=ioc.env.air.unit_id,
            )
        ]
    )
    critical = open_limit_alert(ioc.limit_rule, ioc.env.waste)
    client.force_login(ioc.env.world.people["env_officer"])
    body = client.get(PARTIALS[1]).content.decode()
    assert body.index("Vượt quy chuẩn: COD") < body.index("PM2.5 cao tại trạm Bắc Giang")
    assert f'hx-post="/canh-bao/{critical.pk}/xac-nhan/"' in body
    assert f'id="ack-comment-{critical.pk}"' in body


def test_an_officer_of_another_agency_does_not_see_the_stations_alert(
    client: Client, ioc: IocWorld
) -> None:
    open_limit_alert(ioc.limit_rule, ioc.env.waste)
    client.force_login(ioc.env.world["leader_so"])
    alerts = client.get(PARTIALS[1]).content.decode()
    assert "Vượt quy chuẩn: COD" not in alerts
    assert "Không có cảnh báo nào" in alerts
    screen = client.get(SCREEN).content.decode()
    assert "qc-nt-01" not in screen and "Vượt quy chuẩn: COD" not in screen
    client.force_login(ioc.env.world.people["env_officer"])
    assert "Vượt quy chuẩn: COD" in client.get(PARTIALS[1]).content.decode()


def test_a_person_without_a_role_gets_a_friendly_empty_screen(
    client: Client, ioc: IocWorld
) -> None:
    aqi_at(ioc.env.air, recent_hour(), 160)
    open_limit_alert(ioc.limit_rule, ioc.env.waste)
    client.force_login(UserFactory.create(username="khach"))
    response = client.get(SCREEN)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Không có trạm quan trắc nào trong phạm vi bạn được xem." in body
    assert "Không có cảnh báo nào" in body
    for code in ("bg-kk-01", "qc-nt-01", "cau-nm-01"):
        assert code not in body
    assert "Vượt quy chuẩn: COD" not in body


# -- KPIs and trends ----------------------------------------------------------------------------


def kpi(body: str, key: str) -> str:
    start = body.index(f'data-kpi="{key}"')
    return body[start : body.index("</div>", start)]


def test_environment_kpis_count_what_the_viewer_may_see(client: Client, ioc: IocWorld) -> None:
    now = timezone.now()
    # Installed an hour ago; only the air station has sent anything since.
    Station.objects.update(created=now - datetime.timedelta(hours=1))
    Station.objects.filter(pk=ioc.env.air.pk).update(last_reading_at=now)
    aqi_at(ioc.env.air, recent_hour(), 120)
    cod = ioc.env.parameters["COD"]
    Exceedance.objects.create(
        station=ioc.env.waste,
        parameter=cod,
        limit=ioc.env.qcvn40_b.limits.get(parameter=cod),
        period=now,
        value=300,
    )
    client.force_login(ioc.env.world.people["env_officer"])
    body = client.get(PARTIALS[2]).content.decode()
    assert "1/3" in kpi(body, "environment.reporting")
    assert ">1</p>" in kpi(body, "environment.exceedances_today")
    worst = kpi(body, "environment.worst_aqi")
    assert "120" in worst and aqi.level_for(120).hex in worst
    client.force_login(ioc.env.world["leader_so"])
    other = client.get(PARTIALS[2]).content.decode()
    assert "0/0" in kpi(other, "environment.reporting")
    assert ">0</p>" in kpi(other, "environment.exceedances_today")


def test_the_home_tiles_and_headline_targets_are_on_the_screen(
    operator_client: Client, ioc: IocWorld
) -> None:
    province = ioc.env.world.province
    today = timezone.localdate()
    share_target("SHARE-FAR", "90", today.replace(year=today.year + 1), province)
    indicator_actions.store_values(
        [indicator_actions.ValueRow("SHARE", province, str(today.year - 1), Decimal(20), {})],
        actor=None,
    )
    body = operator_client.get(PARTIALS[2]).content.decode()
    for tile in core_registry.tiles():
        assert f'data-tile="{tile.key}"' in body
    row = body[body.index('data-target="SHARE-FAR"') :]
    assert "badge-bad" in row[: row.index("</tr>")]
    assert "Chậm tiến độ: 1" in body


def test_trends_draw_each_air_stations_aqi_and_exceedances_per_day(
    operator_client: Client, ioc: IocWorld
) -> None:
    hour = recent_hour()
    for back, value in ((5, 40), (2, 80), (0, 130)):
        aqi_at(ioc.env.air, hour - datetime.timedelta(hours=back), value)
    cod = ioc.env.parameters["COD"]
    for days, minutes in ((0, 1), (0, 2), (2, 1)):
        Exceedance.objects.create(
            station=ioc.env.waste,
            parameter=cod,
            limit=ioc.env.qcvn40_b.limits.get(parameter=cod),
            period=timezone.now() - datetime.timedelta(days=days, minutes=minutes),
            value=300,
        )
    body = operator_client.get(PARTIALS[3]).content.decode()
    line = body[body.index(f'data-station-line="{ioc.env.air.name}"') :]
    line = line[: line.index("</g>")]
    assert line.count("<circle") == 3
    today = timezone.localdate()
    two_days_ago = today - datetime.timedelta(days=2)
    assert f'data-day="{today:%d/%m}" data-count="2"' in body
    assert f'data-day="{two_days_ago:%d/%m}" data-count="1"' in body
    assert body.count("data-day=") == 7


# -- query bounds -------------------------------------------------------------------------------


def add_stations(ioc: IocWorld, first: int, count: int) -> None:
    """More stations of each medium, each with data, an alert or an exceedance."""
    cod = ioc.env.parameters["COD"]
    limit = ioc.env.qcvn40_b.limits.get(parameter=cod)
    for number in range(first, first + count):
        for medium in (Medium.AIR, Medium.WASTEWATER):
            station = Station.objects.create(
                code=f"x-{medium}-{number}",
                name=f"Trạm thêm {number}",
                kind=StationKind.AUTOMATIC,
                medium=medium,
                agency=ioc.env.so_nnmt,
                unit=ioc.env.air.unit,
                latitude=21.1 + number / 100,
                longitude=106.1 + number / 100,
                last_reading_at=timezone.now(),
            )
            if medium == Medium.AIR:
                aqi_at(station, recent_hour(), 50 + number * 40)
            else:
                open_limit_alert(ioc.limit_rule, station)
                Exceedance.objects.create(
                    station=station, parameter=cod, limit=limit, period=timezone.now(), value=300
                )


@pytest.mark.parametrize("url", [SCREEN, *PARTIALS])
def test_panels_run_a_fixed_number_of_queries_whatever_the_data(
    client: Client, ioc: IocWorld, url: str
) -> None:
    client.force_login(ioc.env.world.people["env_officer"])
    add_stations(ioc, 0, 1)
    client.get(url)  # warm the session and per-process caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add_stations(ioc, 1, 4)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(few) <= 40
