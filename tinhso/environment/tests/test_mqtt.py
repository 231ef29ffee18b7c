"""The MQTT subscriber: payload shapes, the topic's station, and exactly-once storage across a
crash between commit and acknowledgement (real Mosquitto on 127.0.0.1:1883)."""

from __future__ import annotations

import json
import socket
import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db import DatabaseError
from django.utils import timezone
from paho.mqtt.client import Client, MQTTv311
from paho.mqtt.enums import CallbackAPIVersion

from tinhso.environment.choices import QuarantineReason, Source
from tinhso.environment.ingest import IngestReport
from tinhso.environment.models import QuarantinedReading, Reading
from tinhso.environment.mqtt import Broker, Message, Subscriber, station_level
from tinhso.environment.tests.factories import build_environment

URL = "mqtt://127.0.0.1:1883"
T0 = (timezone.now() - timedelta(days=2)).replace(second=0, microsecond=0)


def broker_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 1883), timeout=2):
            return True
    except OSError:
        return False


needs_broker = pytest.mark.skipif(
    not broker_reachable(), reason="no MQTT broker (Mosquitto) listening on 127.0.0.1:1883"
)


def reading(parameter: str, minute: int, value: float, **extra: object) -> dict[str, object]:
    time = (T0 + timedelta(minutes=minute)).isoformat()
    return {"parameter": parameter, "time": time, "value": value, **extra}


def message(topic: str, payload: object, mid: int = 1, dup: bool = False) -> Message:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return Message(topic, body, mid, 1, dup)


def test_a_broker_url_gives_host_port_and_credentials() -> None:
    assert Broker.from_url("mqtt://ingest:p%40ss@broker.local") == Broker(
        "broker.local", 1883, "ingest", "p@ss", False
    )
    assert Broker.from_url("mqtts://broker.local:9883").tls
    with pytest.raises(ValueError, match="mqtt://"):
        Broker.from_url("http://broker.local")


def test_the_station_is_the_plus_level_of_the_topic_filter() -> None:
    assert station_level("tinhso/stations/+/readings") == 2
    with pytest.raises(ValueError, match="“\\+”"):
        station_level("tinhso/stations/#")


@pytest.mark.django_db
def test_a_batch_stores_every_payload_shape_for_its_topics_station() -> None:
    env = build_environment()
    air, river = "tinhso/stations/bg-kk-01/readings", "tinhso/stations/cau-nm-01/readings"
    subscriber = Subscriber(URL)
    report = subscriber.store(
        [
            message(air, {"readings": [reading("PM2.5", 0, 30), reading("PM10", 0, 50)]}),
            message(air, [reading("PM2.5", 5, 31, station="bg-kk-01")]),
            message(river, reading("DO", 0, 6.5)),
            message(air, [reading("PM2.5", 10, 32, station="cau-nm-01")]),
            message(river, b"DO=6.5"),
        ]
    )
    assert report.accepted == 4
    assert set(Reading.objects.values_list("station__code", "parameter__code")) == {
        ("bg-kk-01", "PM2.5"),
        ("bg-kk-01", "PM10"),
        ("cau-nm-01", "DO"),
    }
    assert set(Reading.objects.values_list("source", flat=True)) == {Source.MQTT}
    refused = QuarantinedReading.objects.get(reason=QuarantineReason.NOT_ALLOWED)
    assert (refused.station, refused.origin) == (env.air, air)
    garbled = QuarantinedReading.objects.get(reason=QuarantineReason.MALFORMED)
    assert (garbled.raw, garbled.origin, garbled.station) == ("DO=6.5", river, env.river)
    assert (subscriber.stats.messages, subscriber.stats.stored, subscriber.stats.quarantined) == (
        5,
        4,
        2,
    )


class SimulatedCrash(Exception):
    """The consumer process dies."""


class CrashAfterCommit(Subscriber):
    """Dies right after its first commit: the connection drops with no PUBACK, no DISCONNECT."""

    def acknowledge(self, batch: list[Message]) -> None:
        sock = self.client.socket()
        assert sock is not None
        sock.close()
        raise SimulatedCrash(len(batch))


class StopsWhenDone(Subscriber):
    """Acknowledges normally and stops once ``expected`` messages have come in."""

    def __init__(self, *args: object, expected: int, stop: threading.Event, **kw: object) -> None:
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        self.expected, self.stop = expected, stop

    def acknowledge(self, batch: list[Message]) -> None:
        super().acknowledge(batch)
        if self.stats.messages >= self.expected:
            self.stop.set()


class FailsOnce(StopsWhenDone):
    """The database is down for the first batch."""

    failed = False

    def store(self, batch: list[Message]) -> IngestReport:
        if not self.failed:
            self.failed = True
            raise DatabaseError("connection refused")
        return super().store(batch)


@pytest.fixture
def session() -> Iterator[tuple[str, str]]:
    """A fresh client id and topic prefix with a persistent session subscribed at QoS 1; the
    session is removed afterwards (Mosquitto keeps sessions across restarts)."""
    client_id = f"tinhso-test-{uuid.uuid4().hex[:12]}"
    prefix = f"tinhso-test-{uuid.uuid4().hex[:12]}"
    subscribed = threading.Event()
    client = Client(
        CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=False, protocol=MQTTv311
    )
    client.on_subscribe = lambda *args: subscribed.set()
    client.connect("127.0.0.1", 1883)
    client.loop_start()
    client.subscribe(f"{prefix}/stations/+/readings", qos=1)
    assert subscribed.wait(5)
    client.disconnect()
    client.loop_stop()
    yield client_id, prefix
    cleaner = Client(
        CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=True, protocol=MQTTv311
    )
    cleaner.connect("127.0.0.1", 1883)
    cleaner.loop_start()
    cleaner.disconnect()
    cleaner.loop_stop()


def publish(topic: str, payloads: list[dict[str, object]]) -> None:
    client = Client(CallbackAPIVersion.VERSION2, protocol=MQTTv311)
    client.connect("127.0.0.1", 1883)
    client.loop_start()
    try:
        for payload in payloads:
            client.publish(topic, json.dumps(payload), qos=1).wait_for_publish(5)
    finally:
        client.disconnect()
        client.loop_stop()


def run_for(subscriber: Subscriber, stop: threading.Event, seconds: float) -> None:
    """Run until the subscriber stops itself, or ``seconds`` pass."""
    guard = threading.Timer(seconds, stop.set)
    guard.start()
    try:
        subscriber.run(stop)
    finally:
        guard.cancel()


def station_messages(count: int) -> list[dict[str, object]]:
    return [
        {"readings": [reading(p, i, 20 + i) for p in ("PM2.5", "PM10", "NO2")]}
        for i in range(count)
    ]


@needs_broker
@pytest.mark.django_db(transaction=True)
def test_a_crash_between_commit_and_ack_stores_each_reading_exactly_once(
    session: tuple[str, str],
) -> None:
    build_environment()
    client_id, prefix = session
    topic, n, k = f"{prefix}/stations/+/readings", 50, 3
    publish(f"{prefix}/stations/bg-kk-01/readings", station_messages(n))

    first = CrashAfterCommit(URL, topic=topic, client_id=client_id)
    with pytest.raises(SimulatedCrash) as crash:
        run_for(first, threading.Event(), 20)
    committed = crash.value.args[0]
    assert 0 < committed < n
    assert Reading.objects.count() == committed * k

    stop = threading.Event()
    second = StopsWhenDone(URL, topic=topic, client_id=client_id, expected=n, stop=stop)
    run_for(second, stop, 20)
    assert Reading.objects.count() == n * k
    assert second.stats.messages == n
    assert second.stats.redelivered >= committed
    assert second.stats.duplicates == committed * k
    assert second.stats.stored == (n - committed) * k

    # The second consumer's acknowledgements reached the broker: nothing comes back.
    third = Subscriber(URL, topic=topic, client_id=client_id)
    run_for(third, threading.Event(), 1.5)
    assert third.stats.messages == 0


@needs_broker
@pytest.mark.django_db(transaction=True)
def test_a_database_failure_leaves_the_batch_unacknowledged_for_redelivery(
    session: tuple[str, str],
) -> None:
    build_environment()
    client_id, prefix = session
    topic, n = f"{prefix}/stations/+/readings", 5
    publish(f"{prefix}/stations/bg-kk-01/readings", station_messages(n))
    stop = threading.Event()
    subscriber = FailsOnce(URL, topic=topic, client_id=client_id, expected=n, stop=stop)
    run_for(subscriber, stop, 20)
    assert subscriber.failed and subscriber.stats.redelivered > 0
    assert Reading.objects.count() == n * 3
    assert not QuarantinedReading.objects.exists()
