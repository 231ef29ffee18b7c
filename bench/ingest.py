"""Benchmark reading ingestion on PostgreSQL: HTTP batches, MQTT, and reading-to-alert time.

In one run, on a throwaway database with ``--stations`` ambient-air stations (six parameters
each: PM2.5, PM10, O3, NO2, SO2, CO), a PM2.5 threshold rule, a limit rule and an AQI-level
rule enabled, the bench measures:

* the baseline: PostgreSQL ``COPY`` of the same number of rows straight into the readings
  table (same indexes), from one connection, no validation;
* HTTP batch ingestion: ``POST /api/v1/environment/readings`` with a station token, batches of
  ``--batch`` readings (JSON), from ``--clients`` concurrent connections, against ``gunicorn``
  with ``--workers`` sync workers (what ``tinhso serve`` runs). Each reading is validated,
  stored idempotently, audited once per batch, and the alert rules evaluated; hours touched
  are marked for recomputation (done inline for small batches, else by the worker);
* MQTT: ``tinhso ingest-mqtt`` subscribed to the local broker while a publisher sends
  messages of ``--per-message`` readings (one station's last minutes) at QoS 1; the rate is
  counted from the first to the last stored reading;
* time from reading to firing alert: one reading above the PM2.5 threshold at a time, sent by
  HTTP and by MQTT, until its alert is seen firing in the database (then one below, to clear
  it); p50/p95/p99 over ``--alerts`` trials each.

Usage::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/ingest.py
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from httpbench import ROOT, prepare_database, start_server

sys.path.insert(0, str(ROOT))

PARAMETERS = {
    # code: (unit, typical value, spread)
    "PM2.5": ("µg/m³", 35.0, 25.0),
    "PM10": ("µg/m³", 60.0, 40.0),
    "O3": ("µg/m³", 80.0, 50.0),
    "NO2": ("µg/m³", 40.0, 30.0),
    "SO2": ("µg/m³", 20.0, 15.0),
    "CO": ("µg/m³", 2000.0, 1500.0),
}
THRESHOLD = 150.0


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stations", type=int, default=100)
    parser.add_argument("--readings", type=int, default=300_000, help="readings per path")
    parser.add_argument("--batch", type=int, default=2000, help="readings per HTTP request")
    parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--per-message", type=int, default=60, help="readings per MQTT message")
    parser.add_argument(
        "--mqtt",
        default="",
        help="broker URL (default: a mosquitto started for the run with the settings "
        "docs/operations/environment.md recommends)",
    )
    parser.add_argument("--alerts", type=int, default=200, help="reading-to-alert trials")
    parser.add_argument("--port", type=int, default=8766)
    return parser.parse_args(argv)


def setup_django(workdir: Path) -> None:
    os.environ["TINHSO_DATA_DIR"] = str(workdir)
    os.environ["TINHSO_MODE"] = "dev"
    os.environ["TINHSO_DEBUG"] = "false"
    os.environ["TINHSO_LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinhso.settings")
    import django

    django.setup()


def load_world(stations: int) -> dict[str, Any]:
    """Stations, parameters, rules and one token for every station."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from tinhso.accounts.tokens import hash_secret
    from tinhso.alerts.models import Rule, RuleKind, Severity
    from tinhso.directory.models import AdministrativeUnit, Agency
    from tinhso.environment.actions import TOKEN_PREFIX
    from tinhso.environment.models import Parameter, Station, StationToken

    merger = datetime(2025, 7, 1).date()
    province = AdministrativeUnit.objects.create(
        code="24", name="Tỉnh Bắc Ninh", type="tinh", level=1, valid_from=merger
    )
    agency = Agency.objects.create(
        name="Sở Nông nghiệp và Môi trường", kind="so", unit=province, valid_from=merger
    )
    parameters = [
        Parameter.objects.create(code=code, name=code, unit=unit, min_value=0, max_value=1e6)
        for code, (unit, _typical, _spread) in PARAMETERS.items()
    ]
    made = Station.objects.bulk_create(
        Station(
            code=f"kk-{i:03d}",
            name=f"Trạm {i}",
            kind="automatic",
            medium="air",
            agency=agency,
            unit=province,
            latitude=21.2,
            longitude=106.2,
            expected_every_minutes=1,
        )
        for i in range(stations + 1)
    )
    for station in made:
        station.parameters.set(parameters)
    secret = TOKEN_PREFIX + uuid.uuid4().hex
    from tinhso.accounts.models import User

    owner = User.objects.create(username="bench")
    token = StationToken.objects.create(
        name="bench", token_hash=hash_secret(secret), prefix=secret[:12], created_by=owner
    )
    token.stations.set(made)
    for code, kind, params in (
        (
            "pm25",
            RuleKind.THRESHOLD,
            {"parameter": "PM2.5", "above": THRESHOLD, "clear_below": 120},
        ),
        ("limit", RuleKind.THRESHOLD, {"against": "limit"}),
        ("aqi", RuleKind.LEVEL, {"index": "aqi_hour", "at_least": 151, "clear_below": 101}),
    ):
        Rule.objects.create(
            code=code,
            name=code,
            source="environment",
            kind=kind,
            severity=Severity.WARNING,
            params=params,
        )
    return {"secret": secret, "codes": [s.code for s in made]}


def series(codes: list[str], total: int, start: datetime) -> list[tuple[str, str, datetime, float]]:
    """``total`` readings, one per station and parameter each minute, values in normal ranges
    (deterministic, a few above the PM2.5 threshold)."""
    rows = []
    minute = 0
    while len(rows) < total:
        at = start + timedelta(minutes=minute)
        for s, code in enumerate(codes):
            for p, (name, (_unit, typical, spread)) in enumerate(PARAMETERS.items()):
                wave = ((minute * 7 + s * 13 + p * 29) % 100) / 100 - 0.5
                rows.append((code, name, at, round(typical + 2 * spread * wave, 2)))
        minute += 1
    return rows[:total]


def copy_baseline(rows: list[tuple[str, str, datetime, float]], ids: dict[str, int]) -> float:
    """Seconds to COPY ``rows`` into the readings table from one connection, fed as ready-made
    text so that the figure is PostgreSQL's own rate, not the client's."""
    from django.db import connection

    received = datetime.now(UTC).isoformat()
    text = "".join(
        f"{ids[station]}\t{ids[parameter]}\t{at.isoformat()}\t{value}\t0\t1\t{received}\n"
        for station, parameter, at, value in rows
    ).encode()
    with connection.cursor() as cursor:
        started = time.perf_counter()
        with cursor.cursor.copy(
            "COPY environment_reading (station_id, parameter_id, observed_at, value, status,"
            " source, received_at) FROM STDIN"
        ) as copy:
            for offset in range(0, len(text), 1 << 20):
                copy.write(text[offset : offset + (1 << 20)])
        return time.perf_counter() - started


def http_bodies(rows: list[tuple[str, str, datetime, float]], batch: int) -> list[bytes]:
    return [
        json.dumps(
            {
                "readings": [
                    {"station": s, "parameter": p, "time": at.isoformat(), "value": v}
                    for s, p, at, v in rows[i : i + batch]
                ]
            }
        ).encode()
        for i in range(0, len(rows), batch)
    ]


def post_all(port: int, secret: str, bodies: list[bytes], clients: int) -> tuple[float, int]:
    """Send every body from ``clients`` keep-alive connections; seconds and readings stored."""
    accepted = [0] * clients
    failures: list[str] = []

    def worker(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {secret}"}
        for body in bodies[index::clients]:
            conn.request("POST", "/api/v1/environment/readings", body, headers)
            response = conn.getresponse()
            answer = response.read()
            if response.status != 200:
                failures.append(f"{response.status} {answer[:200]!r}")
                continue
            accepted[index] += json.loads(answer)["accepted"]
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    if failures:
        sys.exit(f"HTTP ingestion failed: {failures[:3]}")
    return seconds, sum(accepted)


def mqtt_client(url: str, client_id: str) -> Any:
    from urllib.parse import urlparse

    import paho.mqtt.client as mqtt

    parsed = urlparse(url)
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id)
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.connect(parsed.hostname or "127.0.0.1", parsed.port or 1883)
    client.loop_start()
    return client


def count_readings() -> int:
    from tinhso.environment.models import Reading

    return Reading.objects.count()


def wait_for_count(target: int, timeout: float) -> float | None:
    """Seconds until the table holds ``target`` readings (polling), or None on timeout."""
    from django.db import connection

    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM environment_reading")
            if cursor.fetchone()[0] >= target:
                return time.perf_counter()
        time.sleep(0.05)
    return None


def mqtt_run(
    args: argparse.Namespace, rows: list[tuple[str, str, datetime, float]], workdir: Path
) -> tuple[float, int]:
    """Publish ``rows`` in messages of ``--per-message`` readings of one station; seconds from
    the first publish until all are stored, and how many were stored."""
    prefix = f"bench{os.getpid()}"
    topic = f"{prefix}/stations/+/readings"
    subscriber = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tinhso.cli",
            "ingest-mqtt",
            "--url",
            args.mqtt,
            "--topic",
            topic,
            "--client-id",
            f"{prefix}-ingest",
            "--batch-size",
            "1000",
            "--batch-ms",
            "100",
            "--report-every",
            "5",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=(workdir / "mqtt.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    time.sleep(3)  # connect and subscribe
    by_station: dict[str, list[tuple[str, str, datetime, float]]] = {}
    for row in rows:
        by_station.setdefault(row[0], []).append(row)
    messages = []
    for station, readings in by_station.items():
        for i in range(0, len(readings), args.per_message):
            chunk = readings[i : i + args.per_message]
            payload = json.dumps(
                {
                    "readings": [
                        {"parameter": p, "time": at.isoformat(), "value": v}
                        for _s, p, at, v in chunk
                    ]
                }
            )
            messages.append((f"{prefix}/stations/{station}/readings", payload))
    before = count_readings()
    publisher = mqtt_client(args.mqtt, f"{prefix}-pub")
    started = time.perf_counter()
    infos = [publisher.publish(t, p, qos=1) for t, p in messages]
    for info in infos:
        info.wait_for_publish(timeout=120)
    done = wait_for_count(before + len(rows), timeout=600)
    publisher.loop_stop()
    publisher.disconnect()
    subscriber.terminate()
    subscriber.wait(timeout=30)
    stored = count_readings() - before
    if done is None:
        sys.exit(f"MQTT: only {stored} of {len(rows)} readings stored; see {workdir}/mqtt.log")
    return done - started, stored


def alert_latency(send: Any, trials: int, station: str) -> list[float]:
    """Seconds from sending a reading above the threshold to seeing its alert firing."""
    from django.db import connection

    from tinhso.alerts.models import Alert, State

    key = f"{station}/PM2.5"
    latencies = []
    at = datetime.now(UTC) - timedelta(hours=2)
    for i in range(trials):
        at += timedelta(seconds=2)
        started = time.perf_counter()
        send(station, "PM2.5", at, 250.0)
        while not Alert.objects.filter(key=key, state=State.FIRING).exists():
            if time.perf_counter() - started > 30:
                sys.exit(f"no alert within 30 s (trial {i})")
            time.sleep(0.002)
        latencies.append(time.perf_counter() - started)
        at += timedelta(seconds=2)
        send(station, "PM2.5", at, 20.0)
        while Alert.objects.filter(key=key, state=State.FIRING).exists():
            time.sleep(0.002)
        connection.close()
    return latencies


BROKER_CONF = """listener {port} 127.0.0.1
allow_anonymous true
persistence false
max_inflight_messages 1000
max_queued_messages 0
"""


def start_broker(workdir: Path, port: int) -> subprocess.Popen[bytes]:
    """A mosquitto of our own, configured for ingestion (in-flight window, unbounded queue)."""
    import socket

    conf = workdir / "mosquitto.conf"
    conf.write_text(BROKER_CONF.format(port=port), encoding="utf-8")
    broker = subprocess.Popen(
        ["mosquitto", "-c", str(conf)],
        stdout=(workdir / "mosquitto.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return broker
        except OSError:
            time.sleep(0.1)
    broker.kill()
    sys.exit("mosquitto did not start: see " + str(workdir / "mosquitto.log"))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="tinhso-bench-ingest-"))
    name, drop = prepare_database("ingest")
    server = broker = None
    try:
        if not args.mqtt:
            broker = start_broker(workdir, args.port + 1)
            args.mqtt = f"mqtt://127.0.0.1:{args.port + 1}"
        setup_django(workdir)
        print(f"Loading {args.stations} stations into {name}…", flush=True)
        world = load_world(args.stations)
        from django.db import connection

        from tinhso.environment.models import Parameter, Station

        ids: dict[str, int] = dict(Station.objects.values_list("code", "pk"))
        ids |= dict(Parameter.objects.values_list("code", "pk"))
        codes = world["codes"][:-1]
        alarm = world["codes"][-1]
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            pg_version = cursor.fetchone()[0].split(" on ")[0]
        base = datetime(2026, 11, 1, tzinfo=UTC)
        copy_rows = series(codes, args.readings, base - timedelta(days=20))
        copy_seconds = copy_baseline(copy_rows, ids)
        copy_rate = len(copy_rows) / copy_seconds
        print(f"  COPY: {copy_rate:,.0f} rows/s", flush=True)
        connection.close()

        server = start_server(workdir, args.port, args.workers)
        http_rows = series(codes, args.readings, base - timedelta(days=10))
        bodies = http_bodies(http_rows, args.batch)
        post_all(args.port, world["secret"], http_bodies(series(codes, 2000, base), 500), 2)
        http_seconds, http_stored = post_all(args.port, world["secret"], bodies, args.clients)
        if http_stored != len(http_rows):
            sys.exit(f"HTTP stored {http_stored} of {len(http_rows)} readings")
        http_rate = http_stored / http_seconds
        print(f"  HTTP: {http_rate:,.0f} readings/s", flush=True)

        mqtt_rows = series(codes, args.readings, base - timedelta(days=5))
        mqtt_seconds, mqtt_stored = mqtt_run(args, mqtt_rows, workdir)
        mqtt_rate = mqtt_stored / mqtt_seconds
        print(f"  MQTT: {mqtt_rate:,.0f} readings/s", flush=True)

        def send_http(station: str, parameter: str, at: datetime, value: float) -> None:
            body = json.dumps(
                {
                    "station": station,
                    "readings": [{"parameter": parameter, "time": at.isoformat(), "value": value}],
                }
            ).encode()
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
            conn.request(
                "POST",
                "/api/v1/environment/readings",
                body,
                {"Content-Type": "application/json", "Authorization": f"Bearer {world['secret']}"},
            )
            conn.getresponse().read()
            conn.close()

        http_latency = alert_latency(send_http, args.alerts, alarm)
        print(f"  alert via HTTP p99: {percentile(http_latency, 0.99) * 1000:.0f} ms", flush=True)

        prefix = f"lat{os.getpid()}"
        subscriber = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tinhso.cli",
                "ingest-mqtt",
                "--url",
                args.mqtt,
                "--topic",
                f"{prefix}/stations/+/readings",
                "--client-id",
                f"{prefix}-ingest",
            ],
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=(workdir / "mqtt-latency.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        time.sleep(3)
        publisher = mqtt_client(args.mqtt, f"{prefix}-pub")

        def send_mqtt(station: str, parameter: str, at: datetime, value: float) -> None:
            payload = json.dumps({"parameter": parameter, "time": at.isoformat(), "value": value})
            publisher.publish(f"{prefix}/stations/{station}/readings", payload, qos=1)

        mqtt_latency = alert_latency(send_mqtt, args.alerts, alarm)
        publisher.loop_stop()
        subscriber.terminate()
        subscriber.wait(timeout=30)

        print()
        print(
            f"bench/ingest.py — {platform.node()}, {os.cpu_count()} CPUs, {pg_version}, "
            f"{args.stations} stations × 6 parameters, gunicorn {args.workers} workers"
        )
        print()
        print("| path | readings | seconds | readings/s | vs COPY |")
        print("|---|---:|---:|---:|---:|")
        print(
            f"| PostgreSQL COPY (baseline, no validation) | {len(copy_rows):,} | "
            f"{copy_seconds:.2f} | {copy_rate:,.0f} | 100 % |"
        )
        print(
            f"| HTTP batches of {args.batch} ({args.clients} clients; validate + store + "
            f"rules) | {http_stored:,} | {http_seconds:.2f} | {http_rate:,.0f} | "
            f"{100 * http_rate / copy_rate:.0f} % |"
        )
        print(
            f"| MQTT QoS 1, {args.per_message} readings/message, ack after commit | "
            f"{mqtt_stored:,} | {mqtt_seconds:.2f} | {mqtt_rate:,.0f} | "
            f"{100 * mqtt_rate / copy_rate:.0f} % |"
        )
        print()
        print("| reading → firing alert | trials | p50 ms | p95 ms | p99 ms |")
        print("|---|---:|---:|---:|---:|")
        for label, values in (("HTTP", http_latency), ("MQTT", mqtt_latency)):
            print(
                f"| {label} | {len(values)} | {statistics.median(values) * 1000:.0f} | "
                f"{percentile(values, 0.95) * 1000:.0f} | {percentile(values, 0.99) * 1000:.0f} |"
            )
    finally:
        for process in (server, broker):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
        from django.db import connections

        connections.close_all()
        drop()


if __name__ == "__main__":
    main()
