"""The public VN_AQI calculator: worked examples, any subset, problem+json on bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tinhso.core.testing import PROBLEM_JSON, assert_matches_openapi

pytestmark = pytest.mark.django_db

URL = "/api/v1/environment/aqi"
# Decision 1459 §2.3a, newest first (20:00 back to 09:00).
PM25_NEWEST_FIRST = [20.6, 19.6, 22.4, 20.3, 16.5, 19.0, 16.5, 19.5, 23.5, 20.5, 24.7, 26.9]


def _post(client: Client, body: Any) -> tuple[int, Any]:
    response: Any = client.post(URL, json.dumps(body), content_type="application/json")
    return response.status_code, assert_matches_openapi(response, "POST", URL)


def test_hourly_worked_example_without_logging_in(client: Client) -> None:
    status, body = _post(
        client,
        {"kind": "hourly", "values": {"PM2.5": PM25_NEWEST_FIRST, "O3": 136.1, "NO2": 118.7}},
    )

    assert status == 200
    assert body == {
        "aqi": 59,  # the decision prints 60: its NO2 sub-index slips (118.7 → 59.35)
        "dominant": "NO2",
        "level": "Trung bình",
        "color": "#ffff00",
        "parameters": {
            "PM2.5": {"value": 20.27, "aqi": 40.53},
            "O3": {"value": 136.1, "aqi": 42.53},
            "NO2": {"value": 118.7, "aqi": 59.35},
        },
    }


def test_daily_worked_example(client: Client) -> None:
    status, body = _post(
        client,
        {
            "kind": "daily",
            "values": {"O3_8h": 89.3, "O3_1h": 114.6, "NO2": 130.8, "PM2.5": 55.7},
        },
    )

    assert status == 200
    assert (body["aqi"], body["dominant"], body["level"], body["color"]) == (
        110,
        "PM2.5",
        "Kém",
        "#ff7e00",
    )
    assert body["parameters"]["O3_8h"] == {"value": 89.3, "aqi": 44.65}
    assert body["parameters"]["NO2"] == {"value": 130.8, "aqi": 65.4}


def test_insufficient_pm_gives_null_index_but_echoes_what_was_sent(client: Client) -> None:
    status, body = _post(
        client,
        {"kind": "hourly", "values": {"PM10": [None, None, 80.0], "SO2": 125, "CO": None}},
    )

    assert status == 200
    assert (body["aqi"], body["dominant"], body["level"], body["color"]) == (None,) * 4
    assert body["parameters"] == {
        "PM10": {"value": None, "aqi": None},
        "SO2": {"value": 125.0, "aqi": 50.0},
        "CO": {"value": None, "aqi": None},
    }


def test_a_single_pm_value_is_enough_for_a_daily_index(client: Client) -> None:
    status, body = _post(client, {"kind": "daily", "values": {"PM10": 600}})

    assert status == 200
    assert (body["aqi"], body["level"], body["color"]) == (500, "Nguy hại", "#7e0023")


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "weekly", "values": {"PM10": 10}},
        {"values": {"PM10": 10}},
        {"kind": "hourly", "values": {"Pb": 1}},
        {"kind": "hourly", "values": {"O3_8h": 1, "PM10": [1, 2]}},
        {"kind": "daily", "values": {"O3": 1}},
        {"kind": "daily", "values": {"PM2.5": -0.1}},
        {"kind": "hourly", "values": {"PM2.5": [10, -1]}},
        {"kind": "daily", "values": {"NO2": "12"}},
        {"kind": "daily", "values": {"NO2": True}},
        {"kind": "hourly", "values": {"PM2.5": 12}},
        {"kind": "hourly", "values": {"NO2": [12]}},
        {"kind": "hourly", "values": {"PM10": [10.0] * 13}},
        {"kind": "hourly", "values": {"PM10": [10.0]}, "extra": 1},
    ],
)
def test_bad_input_is_a_422_problem(client: Client, body: dict[str, Any]) -> None:
    status, problem = _post(client, body)

    assert status == 422
    assert problem["title"] == "Dữ liệu không hợp lệ"
    assert problem["errors"]


def test_malformed_json_is_a_problem_document(client: Client) -> None:
    response = client.post(URL, "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"].startswith(PROBLEM_JSON)
