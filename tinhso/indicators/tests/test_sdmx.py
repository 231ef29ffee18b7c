"""SDMX data messages: SDMX-ML read back with sdmx1, SDMX-CSV and SDMX-JSON shapes, scope."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

import pytest
import sdmx
from django.test import Client
from jsonschema import Draft202012Validator
from sdmx.message import DataMessage

from tinhso.core.testing import assert_matches_openapi, openapi
from tinhso.indicators import sdmx_data
from tinhso.indicators.actions import ValueRow, store_values
from tinhso.indicators.choices import ValueSource
from tinhso.indicators.models import DataElement
from tinhso.indicators.tests.exchange_world import World, build, load_payload

ALL = "/api/v1/indicators/sdmx/data/ALL"
QUARTERLY = "/api/v1/indicators/sdmx/data/BC_DVC_QUY"

# PAYLOAD of exchange_world as SDMX observations: key (element, area, level, channel, time)
# with value and SOURCE.
EXPECTED = {
    ("WORK_ONLINE", "24", "commune", "_T", "2025-Q3"): "412",
    ("WORK_ONLINE", "24", "province", "online", "2025-Q3"): "38",
    ("WORK_ONLINE", "24", "_T", "_T", "2025-Q3"): "450",
    ("WORK_ONLINE", "07663", "_T", "_T", "2025-M08"): "17",
    ("GRDP_GROWTH", "24", "_Z", "_Z", "2025"): "6.25",
    ("GRDP_GROWTH", "24", "_Z", "_Z", "2025-S1"): "5.1",
    ("GRDP_GROWTH", "07210", "_Z", "_Z", "2025-S2"): "7",
}
KEY = ("DATA_ELEMENT", "REF_AREA", "level", "channel", "TIME_PERIOD")


def read_data(body: bytes, **options: Any) -> DataMessage:
    """Read an SDMX data message with sdmx1."""
    message = sdmx.read_sdmx(io.BytesIO(body), **options)
    assert isinstance(message, DataMessage)
    return message


@pytest.fixture
def world(db: Any) -> World:
    return build()


@pytest.fixture
def loaded(client: Client, world: World) -> World:
    client.force_login(world.operator)
    load_payload(client)
    return world


@pytest.mark.parametrize(
    ("code", "text"), [("202401", "2024-M01"), ("2024Q1", "2024-Q1"), ("2024S2", "2024-S2")]
)
def test_periods_are_written_in_sdmx_notation(code: str, text: str) -> None:
    assert sdmx_data.time_period(code) == text
    assert sdmx_data.time_period("2024") == "2024"


def test_sdmx_ml_reads_back_with_sdmx1_as_the_same_observations(
    client: Client, loaded: World
) -> None:
    response = client.get(ALL)
    assert response.status_code == 200
    assert response["Content-Type"] == sdmx_data.MEDIA_TYPES["sdmx-ml"]
    elements = list(DataElement.objects.all())
    structure = sdmx_data.data_structure(
        sdmx_data.Cube("ALL", "", sdmx_data.dimensions_of(elements), ())
    )

    message = read_data(response.content, structure=structure)

    observations = message.data[0].obs
    read = {tuple(str(obs.key[d].value) for d in KEY): str(obs.value) for obs in observations}
    assert read == EXPECTED
    sources = {str(obs.attrib["SOURCE"].value) for obs in observations}
    assert sources == {"reported"}
    sender: Any = message.header.sender
    assert str(sender.id) == "TINHSO_24"


def test_a_regime_flow_has_only_its_elements_and_dimensions(client: Client, loaded: World) -> None:
    message = read_data(
        client.get(QUARTERLY).content,
        structure=sdmx_data.data_structure(
            sdmx_data.Cube(
                "BC_DVC_QUY",
                "",
                ("DATA_ELEMENT", "REF_AREA", "channel", "level", "TIME_PERIOD"),
                (),
            )
        ),
    )
    elements = {str(obs.key["DATA_ELEMENT"].value) for obs in message.data[0].obs}
    assert elements == {"WORK_ONLINE"}
    assert len(message.data[0].obs) == 4
    missing: Any = client.get("/api/v1/indicators/sdmx/data/NO_SUCH")
    assert missing.status_code == 404
    assert_matches_openapi(missing, "GET", "/api/v1/indicators/sdmx/data/NO_SUCH")


def test_sdmx_csv_has_the_sdmx_csv_2_columns_and_one_row_per_observation(
    client: Client, loaded: World
) -> None:
    response = client.get(ALL, {"format": "sdmx-csv"})
    assert response["Content-Type"].startswith(sdmx_data.MEDIA_TYPES["sdmx-csv"])
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0]) == [
        "STRUCTURE",
        "STRUCTURE_ID",
        "ACTION",
        "DATA_ELEMENT",
        "REF_AREA",
        "channel",
        "level",
        "TIME_PERIOD",
        "OBS_VALUE",
        "SOURCE",
        "CONFIDENCE",
    ]
    assert {(r["STRUCTURE"], r["STRUCTURE_ID"], r["ACTION"]) for r in rows} == {
        ("dataflow", "TINHSO_24:ALL(1.0)", "I")
    }
    read = {tuple(r[d] for d in KEY): r["OBS_VALUE"] for r in rows}
    assert read == EXPECTED
    via_accept = client.get(ALL, headers={"Accept": "application/vnd.sdmx.data+csv"})
    assert via_accept.content == response.content


def test_an_empty_sdmx_csv_still_has_its_header(client: Client, loaded: World) -> None:
    response = client.get(QUARTERLY, {"format": "sdmx-csv", "period": "2020"})
    assert response.content.decode().splitlines() == [
        "STRUCTURE,STRUCTURE_ID,ACTION,DATA_ELEMENT,REF_AREA,channel,level,TIME_PERIOD,"
        "OBS_VALUE,SOURCE,CONFIDENCE"
    ]


def test_sdmx_json_indexes_dimension_values_and_reads_back_with_sdmx1(
    client: Client, loaded: World
) -> None:
    response: Any = client.get(ALL, {"format": "sdmx-json"})
    assert response["Content-Type"] == sdmx_data.MEDIA_TYPES["sdmx-json"]
    document = assert_matches_openapi(response, "GET", ALL)
    documented = openapi()["paths"]["/api/v1/indicators/sdmx/data/{flow}"]["get"]
    schema = documented["responses"]["200"]["content"][sdmx_data.MEDIA_TYPES["sdmx-json"]]
    assert not list(Draft202012Validator(schema["schema"]).iter_errors(document))

    dimensions = document["structure"]["dimensions"]["observation"]
    assert [d["id"] for d in dimensions] == [
        "DATA_ELEMENT",
        "REF_AREA",
        "channel",
        "level",
        "TIME_PERIOD",
    ]
    assert [d["keyPosition"] for d in dimensions] == [0, 1, 2, 3, 4]
    observations = document["dataSets"][0]["observations"]
    decoded = {}
    for key, (number, *attributes) in observations.items():
        ids = [dimensions[i]["values"][int(j)]["id"] for i, j in enumerate(key.split(":"))]
        element, area, channel, level, time = ids
        decoded[(element, area, level, channel, time)] = number
        assert len(attributes) == 2
    assert decoded == {key: json.loads(text) for key, text in EXPECTED.items()}
    assert decoded[("GRDP_GROWTH", "24", "_Z", "_Z", "2025")] == 6.25

    message = read_data(response.content, format="JSON")
    read = {tuple(str(o.key[d].value) for d in KEY): o.value for o in message.data[0].obs}
    assert read == {key: json.loads(text) for key, text in EXPECTED.items()}


def test_published_values_carry_their_source_and_confidence(client: Client, loaded: World) -> None:
    store_values(
        [
            ValueRow(
                data_element="GRDP_GROWTH",
                unit=loaded.province,
                period="2024",
                value=Decimal("6.1"),
                dimensions={},
                source=ValueSource.PUBLISHED,
                confidence="A",
            )
        ],
        actor=loaded.operator,
    )
    document = client.get(ALL, {"format": "sdmx-json", "period": "2024"}).json()
    attributes = document["structure"]["attributes"]["observation"]
    assert [a["id"] for a in attributes] == ["SOURCE", "CONFIDENCE"]
    ((number, source, confidence),) = document["dataSets"][0]["observations"].values()
    assert number == 6.1
    assert attributes[0]["values"][source]["id"] == "published"
    assert attributes[1]["values"][confidence]["id"] == "A"
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(ALL, {"format": "sdmx-csv", "period": "2024"}).content.decode())
        )
    )
    assert [(r["SOURCE"], r["CONFIDENCE"]) for r in rows] == [("published", "A")]


def test_an_officer_of_one_commune_exports_only_that_commune(client: Client, loaded: World) -> None:
    client.force_login(loaded.officer)
    document = client.get(ALL, {"format": "sdmx-json"}).json()
    areas = next(
        d for d in document["structure"]["dimensions"]["observation"] if d["id"] == "REF_AREA"
    )
    assert [v["id"] for v in areas["values"]] == ["07663"]
    assert len(document["dataSets"][0]["observations"]) == 1
    other = client.get(ALL, {"format": "sdmx-csv", "orgUnit": "07210"}).content.decode()
    assert len(other.splitlines()) == 1


def test_bad_requests_are_problems(client: Client, loaded: World) -> None:
    for query, status in (({"format": "xlsx"}, 422), ({"period": "2025X1"}, 400)):
        response: Any = client.get(ALL, query)
        assert_matches_openapi(response, "GET", ALL)
        assert response.status_code == status
    client.logout()
    anonymous: Any = client.get(ALL)
    assert anonymous.status_code == 401
    assert_matches_openapi(anonymous, "GET", ALL)


def test_the_sdmx_export_runs_a_fixed_number_of_queries(
    client: Client, loaded: World, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(8):
        response = client.get(QUARTERLY, {"format": "sdmx-json"})
    assert len(response.json()["dataSets"][0]["observations"]) == 4


def test_the_openapi_document_describes_the_sdmx_formats(world: World) -> None:
    operation = openapi()["paths"]["/api/v1/indicators/sdmx/data/{flow}"]["get"]
    assert operation["operationId"] == "indicators_sdmx_data"
    assert set(operation["responses"]["200"]["content"]) == set(sdmx_data.MEDIA_TYPES.values())


def test_a_value_keeps_a_dimension_its_element_no_longer_has(client: Client, loaded: World) -> None:
    DataElement.objects.filter(code="WORK_ONLINE").update(dimensions=["level"])
    rows = list(
        csv.DictReader(io.StringIO(client.get(QUARTERLY, {"format": "sdmx-csv"}).content.decode()))
    )
    keys = {(r["level"], r["channel"], r["TIME_PERIOD"]) for r in rows}
    assert ("province", "online", "2025-Q3") in keys
    assert len(keys) == len(rows) == 4
