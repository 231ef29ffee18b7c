"""A simulator of the demo's monitoring stations, for the demo's history and its live feed.

One model (:func:`typical` plus noise and incidents, in :class:`Simulator`) makes both the
week of hourly history the demo loads and the readings ``tinhso simulate-stations`` sends while
the demo runs: PM2.5 peaks at the morning and evening rush hours and under night-time
inversions, ozone in mid-afternoon, wastewater follows the factories' working day, rivers swing
slowly over days. Incidents start at random (``incident_rate``: the chance, per tick, that a
station without a running incident starts one): a PM2.5 episode at an air station, a COD spike
over the limit at a treatment plant's outfall, an organic pollution of a river, or a station
falling silent long enough for the "lost signal" rule (more than three 5-minute intervals).

The live feed goes the way a real datalogger's would: MQTT (QoS 1, one message per station on
``TINHSO_MQTT_TOPIC`` with the station code in place of ``+``) when ``TINHSO_MQTT_URL`` is set,
otherwise the batch API with a station token per station group.
"""

from __future__ import annotations

import json
import math
import random
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from tinhso.environment.choices import Medium
from tinhso.environment.demo_stations import StationSpec
from tinhso.environment.ingest import VIETNAM, RawReading

PM_EPISODE = "pm_episode"
COD_SPIKE = "cod_spike"
RIVER_POLLUTION = "river_pollution"
SILENCE = "silence"
INCIDENT_KINDS: dict[str, tuple[str, ...]] = {
    # Pollution three times as likely as silence.
    Medium.AIR: (PM_EPISODE, PM_EPISODE, PM_EPISODE, SILENCE),
    Medium.WASTEWATER: (COD_SPIKE, COD_SPIKE, COD_SPIKE, SILENCE),
    Medium.SURFACE_WATER: (RIVER_POLLUTION, RIVER_POLLUTION, RIVER_POLLUTION, SILENCE),
}
DURATION_MINUTES = {
    PM_EPISODE: (180, 480),
    COD_SPIKE: (60, 180),
    RIVER_POLLUTION: (180, 600),
    SILENCE: (45, 120),
}
# What a pollution incident multiplies, by its size (between 3 and 4).
EFFECTS: dict[str, dict[str, float]] = {
    COD_SPIKE: {"COD": 1.0, "TSS": 0.6},
    RIVER_POLLUTION: {"COD": 0.5, "BOD5": 0.5, "NH4": 1.0, "Coliform": 1.0, "DO": -0.1},
}
# In real time a silence lasts past three 5-minute intervals, whatever the speed.
SILENCE_AT_LEAST = timedelta(minutes=20)

# Relative noise of concentrations per medium; absolute noise of the others.
RELATIVE_NOISE = {Medium.AIR: 0.12, Medium.WASTEWATER: 0.08, Medium.SURFACE_WATER: 0.04}
ABSOLUTE_NOISE = {"pH": 0.05, "Temp": 0.15, "DO": 0.1}


@dataclass
class Incident:
    """A running incident of a station, until a moment of model time."""

    kind: str
    until: datetime
    size: float


def _bump(hour: float, centre: float, width: float) -> float:
    """A bell of height 1 around ``centre`` o'clock, wrapping round midnight."""
    distance = (hour - centre + 12) % 24 - 12
    return math.exp(-0.5 * (distance / width) ** 2)


def _swing(code: str, parameter: str, moment: datetime, period_days: float) -> float:
    """A slow wave in [-1, 1] with a phase of its own per station and parameter."""
    phase = zlib.crc32(f"{code}/{parameter}".encode()) % 1000 / 1000 * 2 * math.pi
    return math.sin(2 * math.pi * moment.timestamp() / 86400 / period_days + phase)


def typical(spec: StationSpec, parameter: str, moment: datetime) -> float:
    """The station's expected value of ``parameter`` at ``moment``, before noise and incidents."""
    local = moment.astimezone(VIETNAM)
    h = local.hour + local.minute / 60
    level = spec.levels[parameter]
    slow = _swing(spec.code, parameter, moment, 3.3)
    if spec.medium == Medium.AIR:
        if parameter in {"PM2.5", "PM10"}:
            shape = (
                0.7
                + 0.5 * _bump(h, 7.5, 1.5)
                + 0.45 * _bump(h, 19.5, 2)
                + 0.35 * _bump(h, 1.5, 3)
                - 0.25 * _bump(h, 14, 2.5)
            )
        elif parameter == "O3":
            shape = 0.2 + 1.3 * _bump(h, 14.5, 2.5)
        elif parameter in {"NO2", "CO"}:
            shape = 0.55 + 0.6 * _bump(h, 7.5, 1.5) + 0.7 * _bump(h, 18.5, 1.8)
        else:
            shape = 0.85 + 0.3 * _bump(h, 10, 4)
        return level * shape * (1 + 0.2 * slow)
    if spec.medium == Medium.WASTEWATER:
        if parameter == "pH":
            return level + 0.2 * slow
        if parameter == "Temp":
            return level - 0.5 + 1.5 * _bump(h, 15, 4)
        if parameter == "Flow":
            return level * (0.65 + 0.55 * _bump(h, 11, 4) + 0.2 * _bump(h, 20, 3))
        return level * (0.85 + 0.25 * _bump(h, 12, 4)) * (1 + 0.1 * slow)
    if parameter == "pH":
        return level + 0.15 * _bump(h, 15, 3) + 0.1 * slow
    if parameter == "DO":
        return level - 0.3 + 0.8 * _bump(h, 15, 3) + 0.3 * slow
    if parameter == "Temp":
        return level + 1.2 * _bump(h, 15, 4) + 0.8 * slow
    return level * (1 + 0.25 * _swing(spec.code, parameter, moment, 2.7))


class Simulator:
    """Readings of the given stations, tick by tick, from one seeded random generator.

    ``speed`` runs the model's clock faster than the wall clock from ``origin`` (a day's cycle
    in 24 minutes at 60), while readings keep the real time of the tick.
    """

    def __init__(
        self,
        specs: Sequence[StationSpec],
        units: Mapping[str, str],
        *,
        incident_rate: float,
        seed: int | None = None,
        speed: float = 1.0,
        origin: datetime | None = None,
    ) -> None:
        self.specs = list(specs)
        self.units = units
        self.incident_rate = incident_rate
        self.rng = random.Random(seed)
        self.speed = speed
        self.origin = origin
        self.incidents: dict[str, Incident] = {}
        self.started: Counter[str] = Counter()
        self.chances = 0

    def model_time(self, real: datetime) -> datetime:
        """The model's clock at the real moment ``real``."""
        if self.origin is None:
            return real
        return self.origin + (real - self.origin) * self.speed

    def _incident(self, spec: StationSpec, moment: datetime) -> Incident | None:
        running = self.incidents.get(spec.code)
        if running is not None and running.until > moment:
            return running
        self.incidents.pop(spec.code, None)
        self.chances += 1
        if self.rng.random() >= self.incident_rate:
            return None
        kind = self.rng.choice(INCIDENT_KINDS[spec.medium])
        low, high = DURATION_MINUTES[kind]
        duration = timedelta(minutes=self.rng.uniform(low, high))
        if kind == SILENCE:
            duration = max(duration, SILENCE_AT_LEAST * self.speed)
        size = self.rng.uniform(130, 220) if kind == PM_EPISODE else self.rng.uniform(3.0, 4.0)
        incident = Incident(kind, moment + duration, size)
        self.incidents[spec.code] = incident
        self.started[kind] += 1
        return incident

    def value(
        self, spec: StationSpec, parameter: str, moment: datetime, incident: Incident | None
    ) -> float:
        """One noisy reading of ``parameter`` at ``moment`` with the running incident's effect."""
        value = typical(spec, parameter, moment)
        if parameter in ABSOLUTE_NOISE:
            value += self.rng.gauss(0, ABSOLUTE_NOISE[parameter])
        else:
            value *= math.exp(self.rng.gauss(0, RELATIVE_NOISE[spec.medium]))
        if incident is not None and incident.kind == PM_EPISODE:
            value += {"PM2.5": incident.size, "PM10": 1.4 * incident.size}.get(parameter, 0)
        if incident is not None and incident.kind in EFFECTS:
            value *= 1 + EFFECTS[incident.kind].get(parameter, 0) * (incident.size - 1)
        value = max(value, 0.0)
        return round(value) if value >= 1000 else round(value, 2)

    def tick(self, real: datetime) -> dict[str, list[dict[str, Any]]]:
        """Each sending station's readings at the real moment ``real`` (silent ones left out),
        as the batch API and the MQTT payload carry them."""
        moment = self.model_time(real)
        stamp = real.astimezone(VIETNAM).replace(microsecond=0).isoformat()
        batches: dict[str, list[dict[str, Any]]] = {}
        for spec in self.specs:
            incident = self._incident(spec, moment)
            if incident is not None and incident.kind == SILENCE:
                continue
            batches[spec.code] = [
                {
                    "parameter": code,
                    "time": stamp,
                    "value": self.value(spec, code, moment, incident),
                    "unit": self.units.get(code, ""),
                    "status": "00",
                }
                for code in spec.parameter_codes
            ]
        return batches

    def silent(self) -> list[str]:
        """The stations silent now."""
        return sorted(code for code, i in self.incidents.items() if i.kind == SILENCE)


def as_raw(batches: Mapping[str, Iterable[Mapping[str, Any]]]) -> list[RawReading]:
    """A tick's readings as ingestion takes them."""
    return [
        RawReading(
            station=code,
            parameter=r["parameter"],
            time=r["time"],
            value=r["value"],
            unit=r["unit"] or None,
            status=r["status"],
        )
        for code, readings in batches.items()
        for r in readings
    ]


class Output(Protocol):
    """Where the summary lines go (a text stream or a command's ``stdout``)."""

    def write(self, text: str) -> object:
        """Write ``text``."""

    def flush(self) -> None:
        """Push what was written out."""


class Sender(Protocol):
    """Where a tick's readings go."""

    def send(self, batches: Mapping[str, list[dict[str, Any]]]) -> tuple[int, int]:
        """Send; return how many readings went through and how many failed."""

    def close(self) -> None:
        """Let go of connections."""


class HttpSender:
    """Posts each station group's readings to the batch API with the group's token."""

    def __init__(self, url: str, secrets: Mapping[str, str], timeout: float = 15.0) -> None:
        import requests

        self.url = url
        self.secrets = secrets  # station code → secret of its group's token
        self.timeout = timeout
        self.session = requests.Session()

    def send(self, batches: Mapping[str, list[dict[str, Any]]]) -> tuple[int, int]:
        import requests

        by_secret: dict[str, list[dict[str, Any]]] = {}
        for code, readings in batches.items():
            by_secret.setdefault(self.secrets[code], []).extend(
                {"station": code, **r} for r in readings
            )
        sent = failed = 0
        for secret, readings in by_secret.items():
            try:
                response = self.session.post(
                    self.url,
                    json={"readings": readings},
                    headers={"Authorization": f"Bearer {secret}"},
                    timeout=self.timeout,
                )
            except requests.RequestException:
                failed += len(readings)
                continue
            if response.ok:
                answer = response.json()
                sent += answer["accepted"] + answer["duplicates"]
                failed += answer["quarantined"]
            else:
                failed += len(readings)
        return sent, failed

    def close(self) -> None:
        self.session.close()


class MqttSender:
    """Publishes each station's readings with QoS 1 on its topic, as a datalogger would."""

    def __init__(self, url: str, topic_pattern: str, client_id: str = "") -> None:
        import paho.mqtt.client as mqtt

        from tinhso.environment.mqtt import Broker

        broker = Broker.from_url(url)
        self.topic_pattern = topic_pattern
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id=client_id or f"tinhso-sim-{time.time_ns()}"
        )
        if broker.username:
            self.client.username_pw_set(broker.username, broker.password)
        if broker.tls:
            self.client.tls_set()
        self.client.connect(broker.host, broker.port)
        self.client.loop_start()

    def topic(self, code: str) -> str:
        """The station's topic: the subscription pattern with the code in place of ``+``."""
        return self.topic_pattern.replace("+", code, 1)

    def send(self, batches: Mapping[str, list[dict[str, Any]]]) -> tuple[int, int]:
        pending = [
            (
                len(readings),
                self.client.publish(
                    self.topic(code),
                    json.dumps({"readings": readings}, ensure_ascii=False),
                    qos=1,
                ),
            )
            for code, readings in batches.items()
        ]
        sent = failed = 0
        for count, info in pending:
            try:
                info.wait_for_publish(timeout=10)
            except (RuntimeError, ValueError):
                failed += count
                continue
            if info.is_published():
                sent += count
            else:
                failed += count
        return sent, failed

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def run(
    simulator: Simulator,
    sender: Sender,
    *,
    every: float,
    stop: threading.Event,
    out: Output | None = None,
    once: bool = False,
    now: Callable[[], datetime] | None = None,
) -> tuple[int, int]:
    """Tick every ``every`` seconds until ``stop`` is set (or once); write one summary line a
    minute. Return the readings sent and failed in all."""
    from django.utils import timezone

    clock = now or timezone.now
    total_sent = total_failed = minute_sent = minute_failed = 0
    last_summary = time.monotonic()
    while True:
        began = time.monotonic()
        sent, failed = sender.send(simulator.tick(clock()))
        minute_sent, minute_failed = minute_sent + sent, minute_failed + failed
        total_sent, total_failed = total_sent + sent, total_failed + failed
        finished = once or stop.wait(max(0.0, every - (time.monotonic() - began)))
        if finished or time.monotonic() - last_summary >= 60:
            if out is not None:
                incidents = ", ".join(f"{k} {n}" for k, n in sorted(simulator.started.items()))
                out.write(
                    f"{timezone.localtime(clock()):%d/%m/%Y %H:%M:%S} sent {minute_sent}, "
                    f"failed {minute_failed}; incidents so far: {incidents or 'none'}; "
                    f"silent: {', '.join(simulator.silent()) or 'none'}\n"
                )
                out.flush()
            minute_sent = minute_failed = 0
            last_summary = time.monotonic()
        if finished:
            return total_sent, total_failed
