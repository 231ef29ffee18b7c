"""The public directory API: shapes, dates, problem+json errors, query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tinhso.core.pagination import MAX_OFFSET
from tinhso.core.testing import PROBLEM_JSON, assert_matches_openapi
from tinhso.directory.demo import load_demo_agencies

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bac_giang")]

UNITS = "/api/v1/directory/units"
AGENCIES = "/api/v1/directory/agencies"


def _get(client: Client, path: str) -> Any:
    response: Any = client.get(path)
    return response, assert_matches_openapi(response, "GET", path)


def test_unit_list_is_paged_in_the_envelope_with_parent_codes(client: Client) -> None:
    response, body = _get(client, f"{UNITS}?as_of=2025-06-30&parent=213&limit=5")

    assert response.status_code == 200
    assert body["count"] == 31
    assert len(body["items"]) == 5
    assert body["items"][0] == {
        "code": "07201",
        "name": "Phường Thọ Xương",
        "type": "phuong",
        "level": 3,
        "parent": "213",
        "valid_from": "2025-01-04",
        "valid_to": "2025-06-30",
    }


def test_unit_list_filters_by_level_and_name_without_diacritics(client: Client) -> None:
    _response, districts = _get(client, f"{UNITS}?as_of=2025-06-30&level=2")
    _response, found = _get(client, f"{UNITS}?as_of=2025-07-01&q=da%20mai")

    assert districts["count"] == 10
    assert [item["code"] for item in found["items"]] == ["07228"]
    assert found["items"][0]["parent"] == "24"


def test_provinces_have_a_null_parent(client: Client) -> None:
    _response, body = _get(client, f"{UNITS}?as_of=2025-07-01&level=1")

    assert body["items"] == [
        {
            "code": "24",
            "name": "Tỉnh Bắc Ninh",
            "type": "tinh",
            "level": 1,
            "parent": None,
            "valid_from": "2025-07-01",
            "valid_to": None,
        }
    ]


def test_unit_list_defaults_to_today(client: Client) -> None:
    _response, body = _get(client, f"{UNITS}?parent=24")

    assert body["count"] == 99


def test_unit_list_uses_a_constant_number_of_queries(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(3):  # parent, count, page with parents joined
        response = client.get(f"{UNITS}?as_of=2025-06-30&parent=24&limit=1000")

    assert response.json()["count"] == 10


def test_whole_unit_list_uses_a_constant_number_of_queries(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(2):  # count, page with parents joined
        response = client.get(f"{UNITS}?as_of=2025-06-30&limit=1000&offset=5")

    assert len(response.json()["items"]) == response.json()["count"] - 5 == 199


def test_code_24_is_bac_giang_or_bac_ninh_by_date(client: Client) -> None:
    _response, before = _get(client, f"{UNITS}/24?as_of=2025-06-30")
    _response, after = _get(client, f"{UNITS}/24?as_of=2025-07-01")

    assert before["name"] == "Tỉnh Bắc Giang"
    assert before["successors"][0]["code"] == "24"
    assert before["current_successors"] == [
        {
            "code": "24",
            "name": "Tỉnh Bắc Ninh",
            "valid_from": "2025-07-01",
            "valid_to": None,
            "weight": 1.0,
            "inferred": False,
        }
    ]
    assert after["name"] == "Tỉnh Bắc Ninh"
    assert {(p["code"], p["name"]) for p in after["predecessors"]} == {
        ("24", "Tỉnh Bắc Giang"),
        ("27", "Tỉnh Bắc Ninh"),
    }


def test_unit_detail_shows_history_with_weights_kinds_and_inference(client: Client) -> None:
    _response, merged = _get(client, f"{UNITS}/07210?as_of=2025-07-01")
    _response, stale = _get(client, f"{UNITS}/07744?as_of=2019-12-01")

    assert {p["code"] for p in merged["predecessors"]} == {
        "07201", "07207", "07210", "07213", "07225", "07231", "07441",
    }  # fmt: skip
    assert all(p["kind"] == "merge" and p["weight"] == 1.0 for p in merged["predecessors"])
    assert merged["current_successors"][0]["code"] == "07210"
    assert stale["successors"][0]["inferred"] is True
    assert stale["current_successors"][0]["code"] == "07681"
    assert stale["current_successors"][0]["inferred"] is True


def test_unknown_code_on_a_date_is_a_404_problem(client: Client) -> None:
    response = client.get(f"{UNITS}/213?as_of=2025-07-01")

    assert response.status_code == 404
    assert response["Content-Type"].startswith(PROBLEM_JSON)
    assert "213" in response.json()["detail"]


@pytest.mark.parametrize(
    "path",
    [
        f"{UNITS}?as_of=30-06-2025",
        f"{UNITS}/24?as_of=2025-02-30",
        f"{UNITS}?level=4",
        f"{AGENCIES}?kind=unknown",
    ],
)
def test_bad_parameters_are_a_422_problem(client: Client, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 422
    assert response["Content-Type"].startswith(PROBLEM_JSON)
    assert response.json()["errors"]


@pytest.mark.parametrize("path", [UNITS, AGENCIES])
def test_offset_beyond_any_list_is_a_422_problem_not_a_database_overflow(
    client: Client, path: str, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(0):  # refused before the database sees it
        response = client.get(f"{path}?offset=99999999999999999999")

    assert response.status_code == 422
    assert response["Content-Type"].startswith(PROBLEM_JSON)
    assert response.json()["errors"][0]["loc"][-1] == "offset"


@pytest.mark.parametrize("path", [UNITS, AGENCIES])
def test_offset_at_the_bound_is_an_empty_page(client: Client, path: str) -> None:
    response, body = _get(client, f"{path}?offset={MAX_OFFSET}")

    assert response.status_code == 200
    assert body["items"] == []


@pytest.mark.parametrize(
    "path",
    [
        f"{UNITS}?offset=-1",
        f"{UNITS}?offset=%C2%B2",  # superscript two
        f"{UNITS}?limit=%D9%A3",  # Arabic-Indic three
        f"{UNITS}?limit=0",
        f"{AGENCIES}?limit=99999999999999999999",
        f"{UNITS}?level=99999999999999999999",
        f"{UNITS}?as_of=%D9%A2%D9%A0%D9%A2%D9%A5-07-01",  # 2025 in Arabic-Indic digits
        f"{AGENCIES}?as_of=2025-02-30",
        f"{AGENCIES}/%C2%B2",
        f"{AGENCIES}/%D9%A3",
    ],
)
def test_malformed_numbers_and_dates_are_a_422_problem(client: Client, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 422
    assert response["Content-Type"].startswith(PROBLEM_JSON)


@pytest.mark.parametrize("agency_id", ["99999999999999999999", "9223372036854775808", "-1", "0"])
def test_agency_ids_beyond_the_database_range_are_a_404_problem(
    client: Client, agency_id: str
) -> None:
    response = client.get(f"{AGENCIES}/{agency_id}")

    assert response.status_code == 404
    assert response["Content-Type"].startswith(PROBLEM_JSON)


def test_unknown_parent_is_a_404_problem(client: Client) -> None:
    response = client.get(f"{UNITS}?parent=27&as_of=2025-07-01")

    assert response.status_code == 404
    assert response["Content-Type"].startswith(PROBLEM_JSON)


def test_agency_list_searches_without_diacritics_on_a_date(client: Client) -> None:
    load_demo_agencies()

    _response, today = _get(client, f"{AGENCIES}?q=uy%20ban%20nhan%20dan%20tinh")
    _response, before = _get(client, f"{AGENCIES}?q=uy%20ban%20nhan%20dan%20tinh&as_of=2025-06-30")
    _response, commune = _get(client, f"{AGENCIES}?unit=07663")

    assert [a["name"] for a in today["items"]] == [
        "Ủy ban nhân dân tỉnh Bắc Ninh",
        "Văn phòng Ủy ban nhân dân tỉnh Bắc Ninh",
    ]
    assert [a["name"] for a in before["items"]] == ["Ủy ban nhân dân tỉnh Bắc Giang"]
    assert [a["name"] for a in commune["items"]] == ["Ủy ban nhân dân xã Tuấn Đạo"]
    assert commune["items"][0]["unit"]["code"] == "07663"


def test_agency_list_uses_a_constant_number_of_queries(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    load_demo_agencies()

    with django_assert_max_num_queries(2):  # count, page with units joined
        response = client.get(f"{AGENCIES}?limit=100")

    assert response.json()["count"] == 19


def test_filtered_agency_list_uses_a_constant_number_of_queries(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    load_demo_agencies()

    with django_assert_max_num_queries(3):  # unit, count, page with units joined
        response = client.get(f"{AGENCIES}?unit=24&q=so&limit=100&offset=1")

    assert response.status_code == 200
    assert len(response.json()["items"]) == response.json()["count"] - 1


def test_agency_detail_has_dated_unverified_codes(client: Client) -> None:
    agencies = {agency.name: agency for agency in load_demo_agencies()}
    province = agencies["Ủy ban nhân dân tỉnh Bắc Ninh"]

    _response, body = _get(client, f"{AGENCIES}/{province.pk}")

    assert body["predecessor"]["name"] == "Ủy ban nhân dân tỉnh Bắc Giang"
    assert body["unit"] == {
        "code": "24",
        "name": "Tỉnh Bắc Ninh",
        "valid_from": "2025-07-01",
        "valid_to": None,
    }
    [code] = body["codes"]
    assert code["verified"] is False
    assert code["valid_from"] == "2025-07-01"
    assert "DEMO" in code["source"]


def test_unknown_agency_is_a_404_problem(client: Client) -> None:
    response = client.get(f"{AGENCIES}/987654")

    assert response.status_code == 404
    assert response["Content-Type"].startswith(PROBLEM_JSON)
