"""The station simulator: daily cycles, incidents at the configured rate, and both ways out
(the HTTP batch API and MQTT) reaching their end for real."""

from __future__ import annotations

import datetime
import json
import threading
import time
import uuid
from collections.abc import Mapping
from io import StringIO
from statistics import fmean
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from django.core.management import call_command

from tinhso.environment import exceedance, simulator
from tinhso.environment.demo_stations import BY_CODE, STATIONS
from tinhso.environment.ingest import VIETNAM
from tinhso.environment.models import Limit, Reading, StationToken
from tinhso.environment.seed import load_reference_data
from tinhso.environment.simulator import COD_SPIKE, RIVER_POLLUTION, Simulator
from tinhso.environment.tests.factories import build_environment

UNITS = {"PM2.5": "µg/m³", "O3": "µg/m³", "COD": "mg/L"}
START = datetime.datetime(2026, 11, 2, tzinfo=VIETNAM)


def series(
    sim: Simulator, code: str, parameter: str, *, days: int = 7, step_minutes: int = 5
) -> list[tuple[int, float]]:
    """(local hour, value) of a station's parameter over ``days`` of ticks."""
    values = []
    for n in range(days * 24 * 60 // step_minutes):
        moment = START + datetime.timedelta(minutes=n * step_minutes)
        for reading in sim.tick(moment).get(code, []):
            if reading["parameter"] == parameter:
                values.append((moment.hour, reading["value"]))
    return values


def mean_at(values: list[tuple[int, float]], hour: int) -> float:
    return fmean(v for h, v in values if h == hour)


def test_pm25_is_higher_at_the_morning_rush_than_in_the_early_afternoon() -> None:
    sim = Simulator([BY_CODE["bg-kk-01"]], UNITS, incident_rate=0, seed=1)
    values = series(sim, "bg-kk-01", "PM2.5")
    assert mean_at(values, 7) > 1.5 * mean_at(values, 13)
    assert mean_at(values, 20) > mean_at(values, 13)


def test_ozone_peaks_in_the_afternoon() -> None:
    sim = Simulator([BY_CODE["vy-kk-01"]], UNITS, incident_rate=0, seed=1)
    values = series(sim, "vy-kk-01", "O3")
    assert mean_at(values, 14) > 3 * mean_at(values, 7)


def test_the_same_seed_gives_the_same_readings() -> None:
    def run(seed: int) -> list[tuple[int, float]]:
        sim = Simulator(STATIONS, UNITS, incident_rate=0.01, seed=seed)
        return series(sim, "qc-nt-01", "COD", days=1, step_minutes=60)

    assert run(3) == run(3) != run(4)


@pytest.mark.parametrize("rate", [0.0, 0.02, 0.1])
def test_incidents_start_at_the_configured_rate(rate: float) -> None:
    sim = Simulator(STATIONS, UNITS, incident_rate=rate, seed=7)
    for n in range(1500):
        sim.tick(START + datetime.timedelta(minutes=n))
    observed = sum(sim.started.values()) / sim.chances
    assert observed == pytest.approx(rate, rel=0.2, abs=0.001)


@pytest.mark.django_db
def test_a_cod_incident_exceeds_the_outfalls_limit() -> None:
    load_reference_data()
    spec = BY_CODE["vt-nt-01"]
    limit = Limit.objects.get(
        limit_set__code=spec.limit_code, limit_set__column=spec.limit_column, parameter__code="COD"
    )
    assert limit.max_value is not None
    allowed = exceedance.cmax(limit.max_value, spec.kq, spec.kf, limit.apply_k)
    sim = Simulator([spec], UNITS, incident_rate=0.05, seed=2)
    during: list[float] = []
    outside: list[float] = []
    for n in range(24 * 14):
        moment = START + datetime.timedelta(hours=n)
        readings = sim.tick(moment).get(spec.code, [])
        running = sim.incidents.get(spec.code)
        cod = [r["value"] for r in readings if r["parameter"] == "COD"]
        (during if running and running.kind == COD_SPIKE else outside).extend(cod)
    assert during and min(during) > allowed
    assert outside and max(outside) < allowed


def test_a_silent_station_stays_silent_past_three_intervals_at_any_speed() -> None:
    sim = Simulator(STATIONS, UNITS, incident_rate=1, seed=5, speed=60, origin=START)
    sending = set(sim.tick(START))
    silent = set(sim.silent())
    assert silent and silent.isdisjoint(sending) and silent | sending == set(BY_CODE)
    assert silent.isdisjoint(sim.tick(START + datetime.timedelta(minutes=16)))


def test_a_river_pollution_raises_ammonium_and_lowers_oxygen() -> None:
    spec = BY_CODE["thuong-nm-03"]
    clean = Simulator([spec], UNITS, incident_rate=0, seed=8).tick(START)[spec.code]
    sim = Simulator([spec], UNITS, incident_rate=1, seed=8)
    while sim.incidents.get(spec.code) is None or sim.incidents[spec.code].kind != RIVER_POLLUTION:
        sim.incidents.clear()
        polluted = sim.tick(START).get(spec.code, [])
    values = {r["parameter"]: r["value"] for r in polluted}
    before = {r["parameter"]: r["value"] for r in clean}
    assert values["NH4"] > 2 * before["NH4"] and values["DO"] < before["DO"]


class Recorder:
    def __init__(self) -> None:
        self.ticks: list[Mapping[str, list[dict[str, Any]]]] = []

    def send(self, batches: Mapping[str, list[dict[str, Any]]]) -> tuple[int, int]:
        self.ticks.append(batches)
        return sum(len(r) for r in batches.values()), 0

    def close(self) -> None:
        pass


def test_the_loop_stops_as_soon_as_it_is_told_and_says_what_it_sent() -> None:
    sim = Simulator(STATIONS[:2], UNITS, incident_rate=0, seed=1)
    stop, out, sender = threading.Event(), StringIO(), Recorder()
    threading.Timer(0.3, stop.set).start()
    began = time.monotonic()
    sent, failed = simulator.run(sim, sender, every=0.1, stop=stop, out=out)
    assert time.monotonic() - began < 5
    assert len(sender.ticks) >= 2
    assert (sent, failed) == (sum(len(r) for t in sender.ticks for r in t.values()), 0)
    assert out.getvalue().count("\n") == 1 and f"sent {sent}," in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_http_mode_stores_readings_through_the_api(live_server: Any, settings: Any) -> None:
    settings.TINHSO_MQTT_URL = ""
    build_environment()  # stations bg-kk-01, qc-nt-01 and cau-nm-01 of the demo's codes
    out = StringIO()
    call_command(
        "simulate_stations",
        "--once",
        "--incident-rate=0",
        f"--url={live_server.url}/api/v1/environment/readings",
        "--actor=env_officer",
        stdout=out,
    )
    # The server has answered: the database is ours to read.
    stored = dict(
        (code, Reading.objects.filter(station__code=code).count())
        for code in ("bg-kk-01", "qc-nt-01")
    )
    assert stored == {
        "bg-kk-01": len(BY_CODE["bg-kk-01"].parameter_codes),
        "qc-nt-01": len(BY_CODE["qc-nt-01"].parameter_codes),
    }
    simulator_tokens = StationToken.objects.filter(name__startswith="Bộ mô phỏng")
    assert simulator_tokens.count() == 3
    assert not simulator_tokens.filter(revoked_at__isnull=True).exists()
    # The river station of the test world lacks BOD5, PO4 and Coliform: those are quarantined.
    assert "Stopped: 18 readings sent, 3 failed." in out.getvalue()


@pytest.mark.django_db
def test_the_mqtt_mode_publishes_each_station_on_its_topic(settings: Any) -> None:
    prefix = f"test-{uuid.uuid4().hex}"
    settings.TINHSO_MQTT_URL = "mqtt://127.0.0.1:1883"
    settings.TINHSO_MQTT_TOPIC = f"{prefix}/stations/+/readings"
    build_environment()
    received: dict[str, Any] = {}
    subscribed = threading.Event()
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    client.on_subscribe = lambda *args: subscribed.set()
    client.on_message = lambda c, u, message: received.update(
        {message.topic: json.loads(message.payload)}
    )
    client.connect("127.0.0.1", 1883)
    client.subscribe(f"{prefix}/#", qos=1)
    client.loop_start()
    try:
        assert subscribed.wait(5)
        call_command("simulate_stations", "--once", "--incident-rate=0", stdout=StringIO())
        deadline = time.monotonic() + 5
        while len(received) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        client.loop_stop()
        client.disconnect()
    topic = f"{prefix}/stations/bg-kk-01/readings"
    assert set(received) == {
        f"{prefix}/stations/{c}/readings" for c in ("bg-kk-01", "qc-nt-01", "cau-nm-01")
    }
    readings = received[topic]["readings"]
    assert {r["parameter"] for r in readings} == set(BY_CODE["bg-kk-01"].parameter_codes)
    assert all(isinstance(r["value"], float | int) and r["status"] == "00" for r in readings)
    assert not StationToken.objects.filter(name__startswith="Bộ mô phỏng").exists()
