"""IHE ADX: periods, import with an ImportSummary, export grouped by data set, unit, period."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.test import Client

from tinhso.accounts import actions as account_actions
from tinhso.core.models import AuditEntry
from tinhso.core.testing import assert_matches_openapi, openapi
from tinhso.indicators import adx
from tinhso.indicators.models import DataElement, DataValue, ReportingRegime
from tinhso.indicators.tests.exchange_world import World, build, load_payload, stored

URL = "/api/v1/indicators/adx"
NS = "{urn:ihe:qrph:adx:2015}"


@pytest.fixture
def world(db: Any) -> World:
    return build()


def post_adx(
    client: Client, body: str | bytes, query: str = "", content_type: str = adx.MEDIA_TYPE
) -> Any:
    return client.post(URL + query, body, content_type=content_type)


def message(*groups: str) -> str:
    head = '<adx xmlns="urn:ihe:qrph:adx:2015" exported="2025-10-05T08:00:00Z">'
    return f"{head}{''.join(groups)}</adx>"


def group(data_set: str, org_unit: str, period: str, *values: str, **extra: str) -> str:
    attributes = "".join(f' {k}="{v}"' for k, v in extra.items())
    return (
        f'<group dataSet="{data_set}" orgUnit="{org_unit}" period="{period}"{attributes}>'
        f"{''.join(values)}</group>"
    )


def value(element: str, number: str, **dimensions: str) -> str:
    attributes = "".join(f' {k}="{v}"' for k, v in dimensions.items())
    return f'<dataValue dataElement="{element}"{attributes} value="{number}"/>'


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("2025-08-01/P1M", "202508"),
        ("2025-07-01/P3M", "2025Q3"),
        ("2025-07-01/P6M", "2025S2"),
        ("2025-01-01/P1Y", "2025"),
        ("2025-01-01/P12M", "2025"),
    ],
)
def test_adx_periods_map_to_reporting_period_codes(text: str, code: str) -> None:
    assert adx.period_code(text) == code
    if not text.endswith("P12M"):
        assert adx.adx_period(code) == text


@pytest.mark.parametrize(
    "text", ["2025-08-15/P1M", "2025-02-01/P3M", "2025-04-01/P6M", "2025-13-01/P1M", "2025W10"]
)
def test_adx_periods_that_are_not_reporting_periods_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"\(.*ADX period"):
        adx.period_code(text)


def test_values_round_trip_from_data_value_sets_through_adx_into_a_clean_database(
    client: Client, world: World
) -> None:
    client.force_login(world.operator)
    assert load_payload(client)["importCount"]["imported"] == 7
    before = stored()

    exported = client.get(URL)
    assert exported.status_code == 200
    assert exported["Content-Type"] == adx.MEDIA_TYPE
    DataValue.objects.all().delete()
    response = post_adx(client, exported.content)
    body = assert_matches_openapi(response, "POST", URL)

    assert body["status"] == "SUCCESS", body
    assert body["importCount"] == {"imported": 7, "updated": 0, "ignored": 0, "deleted": 0}
    assert stored() == before


def test_the_export_groups_values_by_data_set_unit_and_iso_period(
    client: Client, world: World
) -> None:
    client.force_login(world.operator)
    load_payload(client)
    root = ET.fromstring(client.get(URL).content)  # noqa: S314 (our own output)

    assert root.tag == NS + "adx" and root.get("exported")
    groups = [(g.get("dataSet"), g.get("orgUnit"), g.get("period")) for g in root]
    assert groups == [
        ("BC_DVC_QUY", "07663", "2025-08-01/P1M"),
        ("BC_DVC_QUY", "24", "2025-07-01/P3M"),
        ("BC_KT_NAM", "07210", "2025-07-01/P6M"),
        ("BC_KT_NAM", "24", "2025-01-01/P1Y"),
        ("BC_KT_NAM", "24", "2025-01-01/P6M"),
    ]
    quarter = [dict(v.attrib) for v in root[1]]
    assert quarter == [
        {"dataElement": "WORK_ONLINE", "channel": "online", "level": "province", "value": "38"},
        {"dataElement": "WORK_ONLINE", "level": "commune", "value": "412"},
        {"dataElement": "WORK_ONLINE", "value": "450"},
    ]
    annotation = root[3][0].find(NS + "annotation")
    assert annotation is not None and annotation.text == "ước tính, <sơ bộ> & chưa duyệt"


def test_the_data_set_filter_keeps_the_regimes_elements_and_names_its_groups(
    client: Client, world: World
) -> None:
    client.force_login(world.operator)
    load_payload(client)
    root = ET.fromstring(  # noqa: S314 (our own output)
        client.get(URL, {"dataSet": "BC_KT_NAM", "orgUnit": "24"}).content
    )
    assert {(g.get("dataSet"), g.get("orgUnit")) for g in root} == {("BC_KT_NAM", "24")}
    assert {v.get("dataElement") for g in root for v in g} == {"GRDP_GROWTH"}
    missing: Any = client.get(URL, {"dataSet": "NO_SUCH"})
    assert missing.status_code == 404
    assert_matches_openapi(missing, "GET", URL)


def test_an_element_without_a_regime_is_exported_under_all(client: Client, world: World) -> None:
    client.force_login(world.operator)
    load_payload(client)
    ReportingRegime.objects.get(code="BC_KT_NAM").data_elements.clear()
    root = ET.fromstring(client.get(URL, {"dataElement": "GRDP_GROWTH"}).content)  # noqa: S314
    assert {g.get("dataSet") for g in root} == {adx.ALL_DATA_SETS}


def test_a_dry_run_writes_nothing_but_returns_the_same_summary(
    client: Client, world: World
) -> None:
    client.force_login(world.operator)
    body = message(group("BC_DVC_QUY", "24", "2025-07-01/P3M", value("WORK_ONLINE", "5")))
    dry = post_adx(client, body, "?dryRun=true").json()
    assert DataValue.objects.count() == 0
    assert not AuditEntry.objects.filter(action="indicators.values.import").exists()
    real = post_adx(client, body).json()
    assert (dry["dryRun"], real["dryRun"]) == (True, False)
    assert (
        dry["importCount"]
        == real["importCount"]
        == {
            "imported": 1,
            "updated": 0,
            "ignored": 0,
            "deleted": 0,
        }
    )
    assert AuditEntry.objects.filter(action="indicators.values.import").count() == 1


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("<adx xmlns='urn:ihe:qrph:adx:2015'><group", "malformed XML"),
        (
            '<?xml version="1.0"?><!DOCTYPE adx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
            '<adx xmlns="urn:ihe:qrph:adx:2015">&b;</adx>',
            "DOCTYPE",
        ),
        (
            '<!DOCTYPE adx SYSTEM "file:///etc/passwd"><adx xmlns="urn:ihe:qrph:adx:2015"/>',
            "DOCTYPE",
        ),
        ('<dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0"/>', "root element"),
        ("<adx/>", "root element"),
        (message('<group orgUnit="24" period="2025-01-01/P1Y"/>'), "lacks dataSet"),
    ],
)
def test_unreadable_messages_are_400_problems_and_write_nothing(
    client: Client, world: World, body: str, words: str
) -> None:
    client.force_login(world.operator)
    response = post_adx(client, body)
    problem = assert_matches_openapi(response, "POST", URL)
    assert response.status_code == 400
    assert words in problem["title"] and "(" in problem["title"]
    assert DataValue.objects.count() == 0


def test_a_body_that_is_not_xml_is_a_415_problem(client: Client, world: World) -> None:
    client.force_login(world.operator)
    response = post_adx(client, "{}", content_type="application/json")
    assert_matches_openapi(response, "POST", URL)
    assert response.status_code == 415
    assert post_adx(client, message(), content_type="application/xml").status_code == 200


def test_bad_values_become_conflicts_while_good_values_are_imported(
    client: Client, world: World
) -> None:
    client.force_login(world.operator)
    body = message(
        group(
            "BC_DVC_QUY",
            "24",
            "2025-07-01/P3M",
            value("WORK_ONLINE", "7", level="commune"),
            value("WORK_ONLINE", "1.5"),
            value("WORK_ONLINE", "abc", level="province"),
            value("WORK_ONLINE", "1", sex="female"),
            value("WORK_ONLINE", "1", level="a;b"),
            value("GRDP_GROWTH", "1"),
        ),
        group("BC_DVC_QUY", "24", "2025-08-01/P3M", value("WORK_ONLINE", "1")),
        group("BC_DVC_QUY", "24", "2025-07-01/P7D", value("WORK_ONLINE", "1")),
        group("NO_SUCH", "24", "2025-07-01/P3M", value("WORK_ONLINE", "1")),
        group("ALL", "99", "2025-07-01/P3M", value("WORK_ONLINE", "1")),
        group("ALL", "24", "2025-01-01/P1Y", value("NO_SUCH", "1")),
    )
    response = post_adx(client, body)
    summary = assert_matches_openapi(response, "POST", URL)
    assert summary["status"] == "WARNING"
    assert summary["importCount"] == {"imported": 1, "updated": 0, "ignored": 10, "deleted": 0}
    objects = [conflict["object"] for conflict in summary["conflicts"]]
    assert objects == [
        "WORK_ONLINE/2025Q3/24",  # ';' in an option: refused while reading
        "2025-08-01/P3M",
        "2025-07-01/P7D",
        "GRDP_GROWTH",  # not in BC_DVC_QUY
        "NO_SUCH",  # no such regime
        "WORK_ONLINE/2025Q3/24",  # 1.5 is not an integer
        "WORK_ONLINE/2025Q3/24",  # abc
        "sex=female",
        "99",
        "NO_SUCH",  # no such element
    ]
    reasons = " ".join(conflict["value"] for conflict in summary["conflicts"])
    for words in ("integer", "not a number", "has no dimension", "not in data set", "';'"):
        assert words in reasons
    assert DataValue.objects.get().dimensions == {"level": "commune"}


def test_group_attributes_are_dimensions_of_every_value_and_coc_wins(
    client: Client, world: World
) -> None:
    client.force_login(world.operator)
    body = message(
        group(
            "BC_DVC_QUY",
            "24",
            "2025-07-01/P3M",
            value("WORK_ONLINE", "3", level="commune"),
            value("WORK_ONLINE", "4", level="province", categoryOptionCombo="level=commune"),
            channel="online",
            completeDate="2025-10-05",
        )
    )
    post_adx(client, body)
    assert [(v.dimensions, v.value) for v in DataValue.objects.order_by("dimension_key")] == [
        ({"channel": "online", "level": "commune"}, 3),
        ({"level": "commune"}, 4),
    ]


def test_import_strategies_and_id_schemes_are_those_of_data_value_sets(
    client: Client, world: World
) -> None:
    client.force_login(world.operator)
    body = message(group("ALL", "24", "2025-01-01/P1Y", value("GRDP_GROWTH", "6")))
    update_only = post_adx(client, body, "?importStrategy=UPDATE").json()
    assert update_only["status"] == "ERROR" and update_only["importCount"]["ignored"] == 1
    for query in ("?idScheme=uid", "?importStrategy=DELETE"):
        response = post_adx(client, body, query)
        assert_matches_openapi(response, "POST", URL)
        assert response.status_code == 400
    assert post_adx(client, body, "?idScheme=code").json()["importCount"]["imported"] == 1


def test_an_officer_of_one_commune_cannot_import_or_export_another_communes_values(
    client: Client, world: World
) -> None:
    client.force_login(world.operator)
    load_payload(client)
    client.force_login(world.officer)

    root = ET.fromstring(client.get(URL).content)  # noqa: S314 (our own output)
    assert {g.get("orgUnit") for g in root} == {"07663"}
    assert ET.fromstring(client.get(URL, {"orgUnit": "07210"}).content).findall("*") == []  # noqa: S314

    body = message(
        group("ALL", "07663", "2025-09-01/P1M", value("WORK_ONLINE", "1")),
        group("ALL", "07210", "2025-09-01/P1M", value("WORK_ONLINE", "2")),
        group("ALL", "24", "2025-09-01/P1M", value("WORK_ONLINE", "3")),
    )
    summary = assert_matches_openapi(post_adx(client, body), "POST", URL)
    assert summary["importCount"]["imported"] == 1
    assert [c["object"] for c in summary["conflicts"]] == ["07210", "24"]
    assert not DataValue.objects.filter(period="202509").exclude(unit=world.commune).exists()


def test_unauthenticated_requests_get_a_401_problem(client: Client, world: World) -> None:
    responses: list[tuple[Any, str]] = [
        (post_adx(client, message()), "POST"),
        (client.get(URL), "GET"),
    ]
    for response, method in responses:
        assert response.status_code == 401
        assert_matches_openapi(response, method, URL)


def test_the_export_runs_a_fixed_number_of_queries(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    client.force_login(world.operator)
    load_payload(client)
    with django_assert_max_num_queries(8):
        root = ET.fromstring(client.get(URL, {"orgUnit": "24", "children": "true"}).content)  # noqa: S314
    assert sum(len(g) for g in root) == 7


def test_the_openapi_document_describes_the_adx_content_types(world: World) -> None:
    operations = openapi()["paths"][URL]
    assert operations["post"]["operationId"] == "indicators_adx_import"
    assert set(operations["post"]["requestBody"]["content"]) == set(adx.MEDIA_TYPES)
    assert "415" in operations["post"]["responses"]
    assert operations["get"]["operationId"] == "indicators_adx_export"
    assert adx.MEDIA_TYPE in operations["get"]["responses"]["200"]["content"]


def test_dimensions_that_cannot_be_attributes_travel_as_a_category_option_combo(
    client: Client, world: World
) -> None:
    DataElement.objects.filter(code="GRDP_GROWTH").update(dimensions=["nhóm ngành", "value"])
    client.force_login(world.operator)
    load_payload(
        client,
        {
            "dataValues": [
                {
                    "dataElement": "GRDP_GROWTH",
                    "period": "2025",
                    "orgUnit": "24",
                    "categoryOptionCombo": "nhóm ngành=công nghiệp;value=x",
                    "value": "9.5",
                }
            ]
        },
    )
    before = stored()
    exported = client.get(URL, {"dataElement": "GRDP_GROWTH"}).content
    item = ET.fromstring(exported)[0][0]  # noqa: S314 (our own output)
    assert item.attrib == {
        "dataElement": "GRDP_GROWTH",
        "categoryOptionCombo": "nhóm ngành=công nghiệp;value=x",
        "value": "9.5",
    }
    DataValue.objects.all().delete()
    assert post_adx(client, exported).json()["importCount"]["imported"] == 1
    assert stored() == before


def test_a_partner_system_imports_and_exports_with_a_bearer_token(world: World) -> None:
    _, secret = account_actions.create_token(world.operator, actor=world.operator, name="adx")
    partner = Client(enforce_csrf_checks=True, headers={"Authorization": "Bearer " + secret})
    body = message(group("BC_KT_NAM", "24", "2025-01-01/P1Y", value("GRDP_GROWTH", "6")))
    summary = partner.post(URL, body, content_type=adx.MEDIA_TYPE).json()
    assert summary["importCount"]["imported"] == 1
    root = ET.fromstring(partner.get(URL).content)  # noqa: S314 (our own output)
    assert [v.get("value") for g in root for v in g] == ["6"]


def test_a_dhis2_client_posts_and_reads_adx_at_the_dhis2_alias(world: World) -> None:
    _, secret = account_actions.create_token(world.operator, actor=world.operator, name="dhis2")
    partner = Client(enforce_csrf_checks=True, headers={"Authorization": "Bearer " + secret})
    body = message(group("BC_KT_NAM", "24", "2025-01-01/P1Y", value("GRDP_GROWTH", "7")))
    summary = partner.post("/dhis2/api/dataValueSets", body, content_type=adx.MEDIA_TYPE)
    assert summary.json()["importCount"]["imported"] == 1
    exported = partner.get("/dhis2/api/dataValueSets", headers={"Accept": adx.MEDIA_TYPE})
    assert exported["Content-Type"].startswith(adx.MEDIA_TYPE)
    root = ET.fromstring(exported.content)  # noqa: S314 (our own output)
    assert [v.get("value") for g in root for v in g] == ["7"]
    as_json = partner.get("/dhis2/api/dataValueSets", {"dataElement": "GRDP_GROWTH"}).json()
    assert [v["value"] for v in as_json["dataValues"]] == ["7"]


def test_a_session_adx_post_to_the_alias_still_needs_the_csrf_token(world: World) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.operator)
    body = message(group("BC_KT_NAM", "24", "2025-01-01/P1Y", value("GRDP_GROWTH", "7")))
    response = browser.post("/dhis2/api/dataValueSets", body, content_type=adx.MEDIA_TYPE)
    assert response.status_code in (401, 403)
    assert DataValue.objects.count() == 0
