"""DHIS2 dataValueSets: import (JSON, CSV) with an ImportSummary, export, the /dhis2 alias."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from tinhso.accounts import actions as account_actions
from tinhso.accounts.models import User
from tinhso.core.models import AuditEntry
from tinhso.core.testing import assert_matches_openapi
from tinhso.directory.models import AdministrativeUnit
from tinhso.indicators.models import DataValue
from tinhso.indicators.tests.exchange_world import World, build

pytestmark = pytest.mark.django_db
URL = "/api/v1/indicators/dataValueSets"
ALIAS = "/dhis2/api/dataValueSets"


@pytest.fixture
def world(db: Any) -> World:
    return build()


@pytest.fixture
def units(world: World) -> dict[str, AdministrativeUnit]:
    return {"old": world.old, "new": world.province, "commune": world.commune, "other": world.other}


@pytest.fixture
def operator(world: World) -> User:
    return world.operator


@pytest.fixture
def officer(world: World) -> User:
    return world.officer


def post_json(client: Client, body: Any, url: str = URL, **headers: str) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


PAYLOAD = {
    "dataSet": "BC_DVC_QUY",
    "period": "2025Q3",
    "orgUnit": "24",
    "dataValues": [
        {"dataElement": "WORK_ONLINE", "categoryOptionCombo": "level=commune", "value": "412"},
        {"dataElement": "WORK_ONLINE", "categoryOptionCombo": "level=province", "value": "38"},
        {"dataElement": "GRDP_GROWTH", "value": "6.5", "comment": "ước tính"},
    ],
}


def test_a_json_import_creates_then_updates_and_reports_counts(
    client: Client, operator: User, units: dict[str, AdministrativeUnit]
) -> None:
    client.force_login(operator)
    first = post_json(client, PAYLOAD)
    body = assert_matches_openapi(first, "POST", URL)
    assert first.status_code == 200
    assert body["responseType"] == "ImportSummary"
    assert body["status"] == "SUCCESS"
    assert body["importCount"] == {"imported": 3, "updated": 0, "ignored": 0, "deleted": 0}
    assert body["dryRun"] is False
    growth = DataValue.objects.get(data_element__code="GRDP_GROWTH")
    assert growth.unit == units["new"] and growth.value == Decimal("6.5")
    assert growth.note == "ước tính" and growth.dimensions == {}
    assert DataValue.objects.get(dimensions={"level": "commune"}).value == 412

    changed = json.loads(json.dumps(PAYLOAD))
    changed["dataValues"][0]["value"] = "500"
    second = post_json(client, changed).json()
    assert second["importCount"] == {"imported": 0, "updated": 3, "ignored": 0, "deleted": 0}
    assert DataValue.objects.count() == 3
    assert DataValue.objects.get(dimensions={"level": "commune"}).value == 500


def test_a_dry_run_writes_nothing_but_returns_the_same_summary(
    client: Client, operator: User
) -> None:
    client.force_login(operator)
    dry = post_json(client, PAYLOAD, url=URL + "?dryRun=true").json()
    assert DataValue.objects.count() == 0
    assert not AuditEntry.objects.filter(action="indicators.values.import").exists()
    real = post_json(client, PAYLOAD).json()
    assert dry["dryRun"] is True and real["dryRun"] is False
    assert dry["importCount"] == real["importCount"]
    assert dry["status"] == real["status"] == "SUCCESS"


def test_bad_values_become_conflicts_while_good_values_are_imported(
    client: Client, operator: User
) -> None:
    client.force_login(operator)
    body = post_json(
        client,
        {
            "dataValues": [
                {"dataElement": "WORK_ONLINE", "period": "2025Q3", "orgUnit": "24", "value": "7"},
                {"dataElement": "NO_SUCH", "period": "2025Q3", "orgUnit": "24", "value": "1"},
                {"dataElement": "WORK_ONLINE", "period": "2025Q3", "orgUnit": "99", "value": "1"},
                {"dataElement": "WORK_ONLINE", "period": "2025X9", "orgUnit": "24", "value": "1"},
                {"dataElement": "GRDP_GROWTH", "period": "2025", "orgUnit": "24", "value": "abc"},
                {"dataElement": "WORK_ONLINE", "period": "2025", "orgUnit": "24", "value": "1.5"},
                {
                    "dataElement": "GRDP_GROWTH",
                    "period": "2025",
                    "orgUnit": "24",
                    "categoryOptionCombo": "sex=female",
                    "value": "1",
                },
            ]
        },
    ).json()
    assert body["status"] == "WARNING"
    assert body["importCount"] == {"imported": 1, "updated": 0, "ignored": 6, "deleted": 0}
    objects = [conflict["object"] for conflict in body["conflicts"]]
    assert objects[:4] == ["NO_SUCH", "99", "2025X9", "GRDP_GROWTH/2025/24"]
    assert all("(" in conflict["value"] for conflict in body["conflicts"])
    assert "số nguyên" in body["conflicts"][4]["value"]
    assert "sex" in body["conflicts"][5]["value"]
    assert DataValue.objects.get().value == 7


def test_nothing_importable_is_an_error_summary_with_http_200(
    client: Client, operator: User
) -> None:
    client.force_login(operator)
    response = post_json(
        client, {"dataValues": [{"dataElement": "NO_SUCH", "period": "2025", "value": "1"}]}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "ERROR"
    assert response.json()["importCount"]["ignored"] == 1


def test_a_reused_code_resolves_to_the_unit_of_the_period(
    client: Client, operator: User, units: dict[str, AdministrativeUnit]
) -> None:
    client.force_login(operator)
    body = post_json(
        client,
        {
            "orgUnit": "24",
            "dataValues": [
                {"dataElement": "GRDP_GROWTH", "period": "2025Q2", "value": "5"},
                {"dataElement": "GRDP_GROWTH", "period": "2025Q3", "value": "6"},
                {"dataElement": "GRDP_GROWTH", "period": "2025", "value": "7"},
            ],
        },
    ).json()
    assert body["importCount"]["imported"] == 3
    by_period = {v.period: v.unit for v in DataValue.objects.all()}
    assert by_period == {"2025Q2": units["old"], "2025Q3": units["new"], "2025": units["new"]}
    exported = client.get(URL, {"orgUnit": "24", "period": "2025Q2"}).json()
    assert [(v["period"], v["orgUnit"]) for v in exported["dataValues"]] == [("2025Q2", "24")]


def test_csv_import_and_export_round_trip_identical_values(client: Client, operator: User) -> None:
    client.force_login(operator)
    csv_in = (
        "DataElement,Period,OrgUnit,CategoryOptionCombo,AttributeOptionCombo,Value,"
        "StoredBy,LastUpdated,Comment,FollowUp\n"
        'WORK_ONLINE,2025Q3,07663,"channel=online;level=commune",default,412,,,"ghi, chú",false\n'
        "GRDP_GROWTH,2025,24,default,default,6.25,,,,false\n"
    )
    body = client.post(URL, csv_in, content_type="text/csv").json()
    assert body["importCount"]["imported"] == 2, body
    # Without a header row the standard column order applies.
    headerless = client.post(
        URL, "GRDP_GROWTH,2025,24,,,6.25,,,,\n", content_type="application/csv"
    ).json()
    assert headerless["importCount"] == {"imported": 0, "updated": 1, "ignored": 0, "deleted": 0}

    exported = client.get(URL, {"format": "csv"})
    assert exported["Content-Type"].startswith("text/csv")
    via_accept = client.get(URL, headers={"Accept": "text/csv"})
    assert via_accept.content == exported.content
    before = {
        (v.data_element_id, v.unit_id, v.period, v.dimension_key, v.value, v.note)
        for v in DataValue.objects.all()
    }
    DataValue.objects.all().delete()
    again = client.post(URL, exported.content, content_type="text/csv").json()
    assert again["importCount"]["imported"] == 2
    after = {
        (v.data_element_id, v.unit_id, v.period, v.dimension_key, v.value, v.note)
        for v in DataValue.objects.all()
    }
    assert after == before
    rows = exported.content.decode().splitlines()
    assert rows[0].startswith("dataelement,period,orgunit,categoryoptioncombo")
    assert rows[1].startswith("GRDP_GROWTH,2025,24,default,default,6.25,")
    assert rows[2].startswith("WORK_ONLINE,2025Q3,07663,channel=online;level=commune,default,412,")


def test_json_export_uses_codes_and_filters(client: Client, operator: User) -> None:
    client.force_login(operator)
    post_json(client, PAYLOAD)
    post_json(
        client,
        {
            "dataValues": [
                {"dataElement": "GRDP_GROWTH", "period": "2025Q3", "orgUnit": "07663", "value": "3"}
            ]
        },
    )
    response: Any = client.get(
        URL, {"dataElement": "WORK_ONLINE", "period": "2025Q3", "orgUnit": "24"}
    )
    body = assert_matches_openapi(response, "GET", URL)
    assert [(v["categoryOptionCombo"], v["value"]) for v in body["dataValues"]] == [
        ("level=commune", "412"),
        ("level=province", "38"),
    ]
    only_unit = client.get(URL, {"dataElement": "GRDP_GROWTH", "orgUnit": "24"}).json()
    assert [v["orgUnit"] for v in only_unit["dataValues"]] == ["24"]
    with_children = client.get(
        URL, {"dataElement": "GRDP_GROWTH", "orgUnit": "24", "children": "true"}
    ).json()
    assert sorted(v["orgUnit"] for v in with_children["dataValues"]) == ["07663", "24"]
    in_range = client.get(
        URL, {"startDate": "2025-07-01", "endDate": "2025-09-30", "dataElement": "GRDP_GROWTH"}
    ).json()
    assert len(in_range["dataValues"]) == 2
    before = client.get(URL, {"endDate": "2025-06-30"}).json()
    assert before["dataValues"] == []


def test_export_runs_a_fixed_number_of_queries(
    client: Client, operator: User, django_assert_max_num_queries: Any
) -> None:
    client.force_login(operator)
    post_json(client, PAYLOAD)
    post_json(client, {**PAYLOAD, "orgUnit": "07663"})
    post_json(client, {**PAYLOAD, "orgUnit": "07210", "period": "2025Q4"})
    with django_assert_max_num_queries(8):
        body = client.get(URL, {"orgUnit": "24", "children": "true"}).json()
    assert len(body["dataValues"]) == 9


def test_a_unit_outside_the_change_scope_is_a_conflict(
    client: Client, officer: User, units: dict[str, AdministrativeUnit]
) -> None:
    client.force_login(officer)
    body = post_json(
        client,
        {
            "period": "2025Q3",
            "dataValues": [
                {"dataElement": "GRDP_GROWTH", "orgUnit": "07663", "value": "1"},
                {"dataElement": "GRDP_GROWTH", "orgUnit": "07210", "value": "2"},
                {"dataElement": "GRDP_GROWTH", "orgUnit": "24", "value": "3"},
            ],
        },
    ).json()
    assert body["importCount"] == {"imported": 1, "updated": 0, "ignored": 2, "deleted": 0}
    assert [c["object"] for c in body["conflicts"]] == ["07210", "24"]
    assert all("không có quyền" in c["value"] for c in body["conflicts"])
    assert DataValue.objects.get().unit == units["commune"]
    # Export shows only what the officer may view.
    exported = client.get(URL).json()
    assert [v["orgUnit"] for v in exported["dataValues"]] == ["07663"]


def test_unauthenticated_requests_get_a_401_problem(client: Client, operator: User) -> None:
    for response in (post_json(client, PAYLOAD), client.get(URL)):
        assert response.status_code == 401
        assert response["Content-Type"].startswith("application/problem+json")
    assert_matches_openapi(post_json(client, PAYLOAD), "POST", URL)
    assert DataValue.objects.count() == 0


def test_unsupported_id_schemes_and_strategies_are_rejected(client: Client, operator: User) -> None:
    client.force_login(operator)
    for query in ("idScheme=uid", "orgUnitIdScheme=name", "importStrategy=DELETE"):
        response = post_json(client, PAYLOAD, url=f"{URL}?{query}")
        body = assert_matches_openapi(response, "POST", URL)
        assert response.status_code == 400
        assert query.split("=")[0] in body["title"]
    assert post_json(client, PAYLOAD, url=URL + "?idScheme=CODE").status_code == 200


def test_import_strategies_create_and_update_skip_with_conflicts(
    client: Client, operator: User
) -> None:
    client.force_login(operator)
    only_update = post_json(client, PAYLOAD, url=URL + "?importStrategy=UPDATE").json()
    assert only_update["importCount"]["ignored"] == 3 and only_update["status"] == "ERROR"
    post_json(client, PAYLOAD, url=URL + "?importStrategy=CREATE")
    again = post_json(client, PAYLOAD, url=URL + "?importStrategy=CREATE").json()
    assert again["importCount"] == {"imported": 0, "updated": 0, "ignored": 3, "deleted": 0}
    assert len(again["conflicts"]) == 3


def test_the_dhis2_alias_works_with_a_bearer_token(client: Client, operator: User) -> None:
    _, secret = account_actions.create_token(operator, actor=operator, name="dhis2")
    bearer = {"Authorization": "Bearer " + secret}
    csrf_client = Client(enforce_csrf_checks=True)
    body = post_json(csrf_client, PAYLOAD, url=ALIAS, **bearer).json()
    assert body["importCount"]["imported"] == 3
    exported = csrf_client.get(ALIAS, {"dataElement": "GRDP_GROWTH"}, headers=bearer).json()
    assert [v["value"] for v in exported["dataValues"]] == ["6.5"]
    anonymous = client.post(ALIAS, "{}", content_type="application/json")
    assert anonymous.status_code == 401
    assert anonymous["Content-Type"].startswith("application/problem+json")


def test_a_session_request_to_the_alias_still_needs_the_csrf_token(operator: User) -> None:
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(operator)
    response = post_json(csrf_client, PAYLOAD, url=ALIAS)
    assert response.status_code in (401, 403)
    assert DataValue.objects.count() == 0


def test_each_import_batch_is_audited_once(client: Client, operator: User) -> None:
    client.force_login(operator)
    post_json(client, PAYLOAD)
    post_json(client, PAYLOAD)
    entries = list(AuditEntry.objects.filter(action="indicators.values.import").order_by("id"))
    assert len(entries) == 2
    assert [e.batch_count for e in entries] == [3, 3]
    assert entries[0].changes["imported"] == 3 and entries[1].changes["updated"] == 3
    assert entries[0].actor_id == operator.pk


def test_a_cell_given_twice_keeps_the_last_value_and_reports_the_first(
    client: Client, operator: User
) -> None:
    client.force_login(operator)
    body = post_json(
        client,
        {
            "period": "2025",
            "orgUnit": "24",
            "dataValues": [
                {"dataElement": "GRDP_GROWTH", "value": "1"},
                {"dataElement": "GRDP_GROWTH", "value": "2"},
            ],
        },
    ).json()
    assert body["importCount"] == {"imported": 1, "updated": 0, "ignored": 1, "deleted": 0}
    assert DataValue.objects.get().value == 2
