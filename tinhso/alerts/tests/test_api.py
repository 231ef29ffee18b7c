"""The alerts API against its OpenAPI contract (needs the router mounted at /api/v1/alerts)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tinhso.accounts.tests.factories import World
from tinhso.alerts.engine import Condition, observe
from tinhso.alerts.models import Alert, Severity
from tinhso.alerts.tests.factories import make_rule, obs
from tinhso.core.testing import assert_matches_openapi

URL = "/api/v1/alerts"


def as_user(world: World, name: str) -> Any:
    client = Client()
    client.force_login(world[name])
    return client


@pytest.fixture
def alerts(world: World) -> dict[str, Alert]:
    rule = make_rule()
    critical = make_rule("critical", severity=Severity.CRITICAL, source="ioc")
    [bg] = observe([obs(rule, "bg", Condition.TRIGGER, 80.0, agency_id=world.ubnd_bac_giang.pk)])
    [td] = observe([obs(rule, "td", Condition.TRIGGER, 70.0, agency_id=world.ubnd_tuan_dao.pk)])
    [prov] = observe([obs(critical, "province", Condition.TRIGGER, 300.0)])
    return {"bac_giang": bg, "tuan_dao": td, "province": prov}


def test_the_list_is_scoped_filtered_and_paged(world: World, alerts: dict[str, Alert]) -> None:
    mine = assert_matches_openapi(as_user(world, "officer_a").get(URL), "GET", URL)
    assert mine["count"] == 1 and mine["items"][0]["id"] == alerts["bac_giang"].pk
    assert mine["items"][0]["rule"] == "pm25-high" and mine["items"][0]["silenced"] is False

    client = as_user(world, "auditor")
    every = assert_matches_openapi(client.get(URL), "GET", URL)
    assert every["items"][0]["id"] == alerts["province"].pk and every["count"] == 3
    critical = client.get(URL, {"severity": "critical"}).json()
    assert [i["id"] for i in critical["items"]] == [alerts["province"].pk]
    assert client.get(URL, {"source": "environment"}).json()["count"] == 2
    assert client.get(URL, {"state": "resolved"}).json() == {"items": [], "count": 0}
    paged = client.get(URL, {"limit": 1, "offset": 1}).json()
    assert paged["count"] == 3 and len(paged["items"]) == 1
    bad = client.get(URL, {"state": "sleeping"})
    assert assert_matches_openapi(bad, "GET", URL)["status"] == 422


def test_the_list_costs_the_same_queries_for_many_alerts(
    world: World, alerts: dict[str, Alert], django_assert_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(world, "auditor")
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    rule = alerts["bac_giang"].rule
    observe([obs(rule, f"k{n}", Condition.TRIGGER, 60.0) for n in range(30)])
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(URL).json()["count"] == 33


def test_the_list_needs_authentication(alerts: dict[str, Alert]) -> None:
    anonymous: Any = Client()
    assert assert_matches_openapi(anonymous.get(URL), "GET", URL)["status"] == 401


def test_an_alert_comes_with_its_history_or_404_outside_the_scope(
    world: World, alerts: dict[str, Alert]
) -> None:
    url = f"{URL}/{alerts['bac_giang'].pk}"
    body = assert_matches_openapi(as_user(world, "officer_a").get(url), "GET", url)
    assert [e["kind"] for e in body["events"]] == ["firing"] and body["value"] == 80.0
    other = as_user(world, "officer_b").get(url)
    assert assert_matches_openapi(other, "GET", url)["status"] == 404


def test_acknowledging_through_the_api(world: World, alerts: dict[str, Alert]) -> None:
    alert = alerts["bac_giang"]
    url = f"{URL}/{alert.pk}/ack"

    def post(name: str, body: Any) -> Any:
        return as_user(world, name).post(url, json.dumps(body), content_type="application/json")

    assert assert_matches_openapi(post("officer_b", {"comment": "x"}), "POST", url)["status"] == 404
    assert assert_matches_openapi(post("auditor", {"comment": "x"}), "POST", url)["status"] == 403
    assert assert_matches_openapi(post("officer_a", {}), "POST", url)["status"] == 422
    blank = assert_matches_openapi(post("officer_a", {"comment": "  "}), "POST", url)
    assert blank["status"] == 422 and "comment" in blank["errors"]

    done = assert_matches_openapi(post("officer_a", {"comment": "Đang xử lý"}), "POST", url)
    assert done["acknowledged_by"] == "officer_a" and done["ack_comment"] == "Đang xử lý"
    assert [e["kind"] for e in done["events"]] == ["firing", "acknowledged"]
    again = post("officer_a", {"comment": "Lần nữa"})
    assert assert_matches_openapi(again, "POST", url)["status"] == 422
