"""The MQTT reading subscriber: at-least-once from the broker, exactly once in the database.

Topic layout: each station publishes to ``tinhso/stations/<station code>/readings`` (QoS 1); the
subscriber listens on ``TINHSO_MQTT_TOPIC`` (default ``tinhso/stations/+/readings``), whose
``+`` level is the station code. The payload is the JSON of the HTTP batch API
(:mod:`tinhso.environment.api`) — ``{"readings": [...]}``, a list of readings, or a single
reading object — for example::

    {"readings": [{"parameter": "PM2.5", "time": "2026-11-30T08:05:00+07:00",
                   "value": 31.2, "unit": "µg/m³", "status": "00"}]}

The station comes from the topic: a reading may omit ``station``, and one naming another
station is quarantined as ``not_allowed`` (the broker's ACL decides who may publish where). A
payload that is not such JSON is quarantined whole as ``malformed``, its origin the topic.

Delivery: the client (paho-mqtt 2.x, MQTT 3.1.1) keeps a persistent session
(``clean_session=False`` under a stable client id, default ``tinhso-ingest``) and acknowledges
by hand. Messages are gathered into batches — up to ``batch_size`` messages, at most
``batch_ms`` old, sooner when the broker has nothing more to send — and each batch is stored by
ONE :func:`~tinhso.environment.ingest.ingest` call in one transaction; only after the commit
is each message acknowledged (PUBACK). A crash between commit and acknowledgement makes the
broker deliver the batch again (DUP set) after reconnecting, and the (station, parameter, time)
key stores each reading once. When the database fails nothing is acknowledged: the subscriber
disconnects and reconnects (backing off up to 30 s), so the broker delivers again.

Broker settings that matter: Mosquitto sends an MQTT 3.1.1 client at most
``max_inflight_messages`` (default 20) unacknowledged messages at a time, which caps a batch,
and keeps at most ``max_queued_messages`` (default 1000) for a disconnected session: raise both
for a large network (e.g. 1000 and 100000).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from urllib.parse import unquote, urlsplit

from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _
from paho.mqtt.client import Client, ConnectFlags, DisconnectFlags, MQTTMessage, MQTTv311
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from tinhso.environment.choices import QuarantineReason, Source
from tinhso.environment.ingest import (
    IngestReport,
    RawReading,
    catalogue,
    ingest,
    readings_from_json,
)
from tinhso.environment.models import QuarantinedReading

log = logging.getLogger(__name__)

DEFAULT_CLIENT_ID = "tinhso-ingest"
KEEPALIVE_SECONDS = 60
CONNECT_TIMEOUT_SECONDS = 10.0
# With a batch open, a pause this long in the broker's stream closes it.
IDLE_SECONDS = 0.002
BACKOFF_MAX_SECONDS = 30.0


@dataclass(frozen=True)
class Broker:
    """Where the broker is, from ``mqtt://user:password@host:port`` (``mqtts://`` for TLS)."""

    host: str
    port: int
    username: str | None = None
    password: str | None = None
    tls: bool = False

    @classmethod
    def from_url(cls, url: str) -> Broker:
        """Read a broker URL; raise ValueError when it is not one."""
        parts = urlsplit(url)
        if parts.scheme not in {"mqtt", "mqtts", "tcp"} or not parts.hostname:
            raise ValueError(
                _("Địa chỉ máy chủ MQTT “%(url)s” phải có dạng mqtt://tên:mật-khẩu@máy:cổng.")
                % {"url": url}
            )
        tls = parts.scheme == "mqtts"
        return cls(
            host=parts.hostname,
            port=parts.port or (8883 if tls else 1883),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            tls=tls,
        )


@dataclass
class Stats:
    """Running totals of a subscriber."""

    messages: int = 0
    redelivered: int = 0
    readings: int = 0
    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    batches: int = 0


@dataclass(frozen=True)
class Message:
    """A received message awaiting its batch's commit."""

    topic: str
    payload: bytes
    mid: int
    qos: int
    dup: bool


def station_level(topic_filter: str) -> int:
    """The level of the topic filter that holds the station code (its ``+``)."""
    levels = topic_filter.split("/")
    if "+" not in levels:
        raise ValueError(
            _("Chủ đề MQTT “%(topic)s” phải có một mức “+” cho mã trạm.") % {"topic": topic_filter}
        )
    return levels.index("+")


class Subscriber:
    """Subscribe to the stations' topics and store what arrives, acknowledging after commit.

    ``report(totals, seconds)`` is called every ``report_every`` seconds with the running
    totals and the seconds since the previous call. Override :meth:`acknowledge` to change
    what follows a commit (tests use it to crash there).
    """

    def __init__(
        self,
        url: str,
        *,
        topic: str = "tinhso/stations/+/readings",
        client_id: str = DEFAULT_CLIENT_ID,
        batch_size: int = 500,
        batch_ms: int = 200,
        report: Callable[[Stats, float], None] | None = None,
        report_every: float = 60.0,
    ) -> None:
        self.broker = Broker.from_url(url)
        self.topic = topic
        self.level = station_level(topic)
        self.batch_size = batch_size
        self.batch_seconds = batch_ms / 1000
        self.report = report
        self.report_every = report_every
        self.stats = Stats()
        self.client = Client(
            CallbackAPIVersion.VERSION2,
            client_id=client_id,
            clean_session=False,
            protocol=MQTTv311,
            manual_ack=True,
        )
        if self.broker.username:
            self.client.username_pw_set(self.broker.username, self.broker.password)
        if self.broker.tls:
            self.client.tls_set()
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self._connected = False
        self._batch: list[Message] = []
        self._batch_opened = 0.0

    # paho callbacks (all run inside ``client.loop`` on the subscriber's own thread)

    def _on_connect(
        self,
        client: Client,
        userdata: object,
        flags: ConnectFlags,
        reason_code: ReasonCode,
        properties: Properties | None,
    ) -> None:
        if reason_code.is_failure:
            log.error("MQTT broker refused the connection: %s", reason_code)
            return
        log.info("MQTT connected (session present: %s)", flags.session_present)
        client.subscribe(self.topic, qos=1)
        self._connected = True

    def _on_disconnect(
        self,
        client: Client,
        userdata: object,
        flags: DisconnectFlags,
        reason_code: ReasonCode,
        properties: Properties | None,
    ) -> None:
        self._connected = False

    def _on_message(self, client: Client, userdata: object, message: MQTTMessage) -> None:
        if not self._batch:
            self._batch_opened = time.monotonic()
        self._batch.append(
            Message(message.topic, bytes(message.payload), message.mid, message.qos, message.dup)
        )

    # the work

    def run(self, stop: threading.Event) -> None:
        """Receive, store and acknowledge until ``stop`` is set; reconnect with backoff."""
        failures = 0
        reported_at = time.monotonic()
        reported = replace(self.stats)
        while not stop.is_set():
            if self.report and time.monotonic() - reported_at >= self.report_every:
                self.report(self.stats, time.monotonic() - reported_at)
                reported_at, reported = time.monotonic(), replace(self.stats)
            if not self._connected and not self._connect(stop):
                failures += 1
                stop.wait(self._backoff(failures))
                continue
            received = len(self._batch)
            status = self.client.loop(IDLE_SECONDS if self._batch else 0.2)
            if status != MQTTErrorCode.MQTT_ERR_SUCCESS or not self._connected:
                # Unstored messages are delivered again on the next session.
                log.warning("MQTT connection lost (%s)", status)
                self._batch.clear()
                self._connected = False
                continue
            if self._batch and (
                len(self._batch) >= self.batch_size
                or len(self._batch) == received
                or time.monotonic() - self._batch_opened >= self.batch_seconds
            ):
                if self._flush():
                    failures = 0
                else:
                    failures += 1
                    self.client.disconnect()
                    self._connected = False
                    stop.wait(self._backoff(failures))
        if self._connected and self._batch:
            self._flush()
        self.client.disconnect()
        if self.report and self.stats != reported:
            self.report(self.stats, time.monotonic() - reported_at)

    def _connect(self, stop: threading.Event) -> bool:
        try:
            self.client.connect(self.broker.host, self.broker.port, KEEPALIVE_SECONDS)
        except OSError as exc:
            log.warning(
                "MQTT broker %s:%s unreachable: %s", self.broker.host, self.broker.port, exc
            )
            return False
        deadline = time.monotonic() + CONNECT_TIMEOUT_SECONDS
        while not self._connected and time.monotonic() < deadline and not stop.is_set():
            if self.client.loop(0.1) != MQTTErrorCode.MQTT_ERR_SUCCESS:
                return False
        return self._connected

    @staticmethod
    def _backoff(failures: int) -> float:
        return min(BACKOFF_MAX_SECONDS, 2.0 ** (failures - 1))

    def _flush(self) -> bool:
        """Store the open batch and acknowledge it; False (nothing acknowledged) when the
        database failed."""
        batch, self._batch = self._batch, []
        try:
            self.store(batch)
        except DatabaseError:
            log.exception(
                "Storing %s MQTT messages failed; the broker will resend them", len(batch)
            )
            connection.close()  # a fresh connection next time
            return False
        self.acknowledge(batch)
        return True

    def store(self, batch: list[Message]) -> IngestReport:
        """Store a batch's readings (each limited to its topic's station) and quarantine what
        cannot be read, in one transaction."""
        readings: list[RawReading] = []
        set_aside: list[QuarantinedReading] = []
        stations = catalogue().stations
        for message in batch:
            levels = message.topic.split("/")
            station = levels[self.level] if len(levels) > self.level else ""
            info = stations.get(station)
            station_id = info.id if info else None

            try:
                decoded = readings_from_json(message.payload)
            except (ValueError, RecursionError) as exc:
                set_aside.append(
                    _quarantined(
                        station_id,
                        QuarantineReason.MALFORMED,
                        _("Không đọc được thông điệp MQTT: %(detail)s") % {"detail": exc},
                        message.payload.decode("utf-8", "replace"),
                        message.topic,
                    )
                )
                continue
            for reading in decoded:
                named = str(reading.station).strip()
                if named and named != station:
                    set_aside.append(
                        _quarantined(
                            station_id,
                            QuarantineReason.NOT_ALLOWED,
                            _(
                                "Chủ đề của trạm “%(topic)s” không được gửi số liệu"
                                " cho trạm “%(code)s”."
                            )
                            % {"topic": station, "code": named},
                            reading.raw,
                            message.topic,
                        )
                    )
                    continue
                reading.station = station
                readings.append(reading)
        topics = {message.topic for message in batch}
        origin = topics.pop() if len(topics) == 1 else self.topic
        report = IngestReport()
        with transaction.atomic():
            if readings:
                report = ingest(readings, source=Source.MQTT, origin=origin)
            QuarantinedReading.objects.bulk_create(set_aside)
        self.stats.messages += len(batch)
        self.stats.redelivered += sum(message.dup for message in batch)
        self.stats.readings += len(readings) + sum(
            q.reason == QuarantineReason.NOT_ALLOWED for q in set_aside
        )
        self.stats.stored += report.accepted
        self.stats.duplicates += report.duplicates
        self.stats.quarantined += len(report.rejected) + len(set_aside)
        self.stats.batches += 1
        return report

    def acknowledge(self, batch: list[Message]) -> None:
        """Acknowledge a stored batch's messages (PUBACK), so the broker forgets them."""
        for message in batch:
            self.client.ack(message.mid, message.qos)


def _quarantined(
    station_id: int | None, reason: str, detail: str, raw: str, topic: str
) -> QuarantinedReading:
    return QuarantinedReading(
        station_id=station_id,
        source=Source.MQTT,
        reason=reason,
        detail=detail[:500],
        raw=raw,
        origin=topic[:255],
    )
