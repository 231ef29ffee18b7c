"""The batch API: station tokens, JSON and CSV, a report by position, nothing lost."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tinhso.core.testing import assert_matches_openapi
from tinhso.environment.models import QuarantinedReading, Reading
from tinhso.environment.tests.factories import EnvironmentWorld, build_environment

pytestmark = pytest.mark.django_db
URL = "/api/v1/environment/readings"


@pytest.fixture
def env() -> EnvironmentWorld:
    return build_environment()


def post(client: Client, body: str, secret: str, content_type: str = "application/json") -> Any:
    return client.post(URL, body, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_a_json_batch_is_stored_and_reported(client: Client, env: EnvironmentWorld) -> None:
    body = {
        "station": "bg-kk-01",
        "readings": [
            {"parameter": "PM2.5", "time": "2026-11-30T08:05:00+07:00", "value": 31.2},
            {"parameter": "PM10", "time": "2026-11-30T08:05:00+07:00", "value": "x"},
        ],
    }
    response = post(client, json.dumps(body), env.air_secret)
    assert response.status_code == 200
    assert_matches_openapi(response, "post", URL)
    answer = response.json()
    assert (answer["accepted"], answer["quarantined"]) == (1, 1)
    assert answer["errors"][0]["index"] == 1 and answer["errors"][0]["reason"] == "bad_value"
    assert Reading.objects.count() == 1


def test_a_csv_batch_is_stored(client: Client, env: EnvironmentWorld) -> None:
    body = (
        "station,parameter,time,value,unit,status\n"
        "bg-kk-01,PM2.5,2026-11-30T08:05:00+07:00,31.2,µg/m³,00\n"
        "bg-kk-01,NO2,2026-11-30T08:05:00+07:00,40,µg/m³,01\n"
    )
    response = post(client, body, env.air_secret, "text/csv")
    assert response.json()["accepted"] == 2
    assert sorted(Reading.objects.values_list("status", flat=True)) == [0, 1]


def test_a_token_is_required_and_limited_to_its_stations(
    client: Client, env: EnvironmentWorld
) -> None:
    reading = [{"station": "qc-nt-01", "parameter": "COD", "time": "2026-11-30T08:00", "value": 5}]
    assert post(client, json.dumps(reading), "tst_wrong").status_code == 401
    answer = post(client, json.dumps(reading), env.air_secret).json()
    assert answer["errors"][0]["reason"] == "not_allowed"
    assert Reading.objects.count() == 0


def test_an_unreadable_body_is_quarantined_whole_and_answered_400(
    client: Client, env: EnvironmentWorld
) -> None:
    response = post(client, '{"readings": [', env.air_secret)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert QuarantinedReading.objects.get().raw == '{"readings": ['
