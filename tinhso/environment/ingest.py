"""Storing readings from every channel (HTTP, MQTT, Circular 10 files) in one idempotent way.

Each channel turns what it received into :class:`RawReading` values and calls :func:`ingest`,
which validates them, stores the good ones keyed by (station, parameter, observed time) — a
reading seen twice is stored once — and sets every bad one aside in the quarantine with its
reason, so nothing is lost silently. The whole batch is one transaction audited once; on
PostgreSQL the rows travel by ``COPY`` into a temporary table and one
``INSERT … ON CONFLICT DO NOTHING RETURNING`` keeps the new ones.

After the commit the batch's readings are checked against the alert rules and the hours they
touched are marked for recomputation of means and indices (late data included).
"""

from __future__ import annotations

import json
import math
import time as _time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.audit import record_write
from tinhso.environment.choices import QuarantineReason, Source
from tinhso.environment.models import Parameter, QuarantinedReading, StaleHour, Station

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
# A datalogger's clock may run a little ahead; beyond this a reading is "in the future".
FUTURE_TOLERANCE = timedelta(minutes=10)
CATALOGUE_TTL_SECONDS = 10.0
MAX_REMEMBERED_NAMES = 1000
STATUS_CODES = {"00": 0, "01": 1, "02": 2, "0": 0, "1": 1, "2": 2}


@dataclass
class RawReading:
    """A reading as received, before validation; ``raw`` (the line, or the JSON object) is kept
    if it is quarantined."""

    station: str
    parameter: str
    time: str | datetime
    value: Any
    unit: str | None = None
    status: Any = 0
    raw: str | dict[str, Any] = ""

    def raw_text(self) -> str:
        """What was received, as text for the quarantine (serialised only when needed)."""
        if isinstance(self.raw, dict):
            return json.dumps(self.raw, ensure_ascii=False)
        if self.raw:
            return self.raw
        parts = (self.station, self.parameter, self.value, self.unit or "", self.time, self.status)
        return "\t".join(str(part) for part in parts)


@dataclass(frozen=True)
class Rejection:
    """A reading set aside, with the position it had in the batch."""

    index: int
    reason: str
    detail: str


class StoredReading(NamedTuple):
    """A reading stored by this batch (what rules and recomputation look at)."""

    station_id: int
    parameter_id: int
    observed_at: datetime
    value: float
    status: int


@dataclass
class IngestReport:
    """What happened to a batch: stored, already there, set aside."""

    accepted: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    stored: list[StoredReading] = field(default_factory=list)
    hours: set[tuple[int, datetime]] = field(default_factory=set)

    def as_dict(self) -> dict[str, Any]:
        """The report as the API answers it (positions are 0-based, in the order received)."""
        return {
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "quarantined": len(self.rejected),
            "errors": [
                {"index": r.index, "reason": r.reason, "message": r.detail} for r in self.rejected
            ],
        }


@dataclass(frozen=True)
class _StationInfo:
    id: int
    active: bool
    parameter_ids: frozenset[int]


@dataclass(frozen=True)
class _ParameterInfo:
    id: int
    code: str
    unit: str
    min_value: float | None
    max_value: float | None


@dataclass
class Catalogue:
    """Stations and parameters as ingestion needs them, read once every few seconds."""

    stations: dict[str, _StationInfo]
    parameters: dict[str, _ParameterInfo]
    loaded_at: float
    seen: dict[str, _ParameterInfo] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Catalogue:
        """Read the catalogue from the database."""
        links: dict[int, set[int]] = {}
        for station_id, parameter_id in Station.parameters.through.objects.values_list(
            "station_id", "parameter_id"
        ):
            links.setdefault(station_id, set()).add(parameter_id)
        stations = {
            code: _StationInfo(pk, active, frozenset(links.get(pk, ())))
            for pk, code, active in Station.objects.values_list("pk", "code", "active")
        }
        parameters: dict[str, _ParameterInfo] = {}
        for p in Parameter.objects.all():
            info = _ParameterInfo(p.pk, p.code, p.unit, p.min_value, p.max_value)
            for name in [p.code, *p.symbols]:
                parameters[_symbol_key(name)] = info
        return cls(stations, parameters, _time.monotonic())

    def parameter(self, name: object) -> _ParameterInfo | None:
        """The parameter a code or symbol names, spelling as received (remembered when known:
        a batch names the same few parameters thousands of times)."""
        text = str(name)
        found = self.seen.get(text)
        if found is None:
            found = self.parameters.get(_symbol_key(text))
            if found is not None and len(self.seen) < MAX_REMEMBERED_NAMES:
                self.seen[text] = found
        return found


_catalogue: Catalogue | None = None


def catalogue() -> Catalogue:
    """The cached catalogue (reloaded after ``CATALOGUE_TTL_SECONDS`` or :func:`forget`)."""
    global _catalogue
    if _catalogue is None or _time.monotonic() - _catalogue.loaded_at > CATALOGUE_TTL_SECONDS:
        _catalogue = Catalogue.load()
    return _catalogue


def forget_catalogue() -> None:
    """Drop the cached catalogue (after stations or parameters change)."""
    global _catalogue
    _catalogue = None


def _symbol_key(name: str) -> str:
    return name.strip().casefold().replace(",", ".")


def normalise_unit(unit: str) -> str:
    """Spelling-insensitive unit: ``µg/m³``, ``ug/m3`` and ``μg/Nm3`` compare equal."""
    text = unit.strip().casefold().replace(" ", "")
    for a, b in (("µ", "u"), ("μ", "u"), ("³", "3"), ("/nm3", "/m3"), ("mgl", "mg/l")):
        text = text.replace(a, b)
    return text


def parse_time(value: str | datetime) -> datetime | None:
    """An aware datetime from ISO 8601 or Circular 10's ``YYYYMMDDhhmmss`` (Vietnam time when
    no offset is given); None when unreadable."""
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        try:
            if len(text) == 14 and text.isdigit():
                moment = datetime.strptime(text, "%Y%m%d%H%M%S")
            else:
                moment = datetime.fromisoformat(text)
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VIETNAM)
    return moment


def parse_value(value: Any) -> float | None:
    """A finite float from a number or a numeric string (decimal comma accepted)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip().replace(",", "."))
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _check(
    reading: RawReading,
    cat: Catalogue,
    allowed: frozenset[int] | None,
    now: datetime,
) -> tuple[int, int, datetime, float, int] | tuple[str, str, int | None]:
    """The stored tuple of a valid reading, or ``(reason, detail, station id)``."""
    station = cat.stations.get(str(reading.station).strip())
    if station is None:
        return (
            QuarantineReason.UNKNOWN_STATION,
            _("Không có trạm mã “%(code)s”.") % {"code": reading.station},
            None,
        )
    if allowed is not None and station.id not in allowed:
        return (
            QuarantineReason.NOT_ALLOWED,
            _("Mã truy cập này không được gửi số liệu cho trạm “%(code)s”.")
            % {"code": reading.station},
            None,
        )
    parameter = cat.parameter(reading.parameter)
    if parameter is None or (station.parameter_ids and parameter.id not in station.parameter_ids):
        return (
            QuarantineReason.UNKNOWN_PARAMETER,
            _("Trạm không đo thông số “%(name)s”.") % {"name": reading.parameter},
            station.id,
        )
    value = parse_value(reading.value)
    if value is None:
        return (
            QuarantineReason.BAD_VALUE,
            _("Giá trị “%(value)s” không phải là số.") % {"value": reading.value},
            station.id,
        )
    if (parameter.min_value is not None and value < parameter.min_value) or (
        parameter.max_value is not None and value > parameter.max_value
    ):
        return (
            QuarantineReason.OUT_OF_RANGE,
            _("%(code)s = %(value)s nằm ngoài khoảng hợp lý %(low)s–%(high)s %(unit)s.")
            % {
                "code": parameter.code,
                "value": value,
                "low": parameter.min_value,
                "high": parameter.max_value,
                "unit": parameter.unit,
            },
            station.id,
        )
    if reading.unit and normalise_unit(reading.unit) != normalise_unit(parameter.unit):
        return (
            QuarantineReason.WRONG_UNIT,
            _("Đơn vị “%(got)s” khác đơn vị của %(code)s (%(unit)s).")
            % {"got": reading.unit, "code": parameter.code, "unit": parameter.unit},
            station.id,
        )
    observed = parse_time(reading.time)
    if observed is None:
        return (
            QuarantineReason.BAD_TIME,
            _("Không đọc được thời gian đo “%(time)s”.") % {"time": reading.time},
            station.id,
        )
    if observed > now + FUTURE_TOLERANCE:
        return (
            QuarantineReason.FUTURE_TIME,
            _("Thời gian đo %(time)s ở tương lai.") % {"time": observed.isoformat()},
            station.id,
        )
    status = STATUS_CODES.get(str(reading.status).strip())
    if status is None:
        return (
            QuarantineReason.BAD_STATUS,
            _("Mã trạng thái “%(status)s” không phải 00, 01 hoặc 02.") % {"status": reading.status},
            station.id,
        )
    return station.id, parameter.id, observed, value, status


def ingest(
    readings: Sequence[RawReading],
    *,
    source: Source,
    allowed_station_ids: Iterable[int] | None = None,
    origin: str = "",
    actor: Any = None,
    now: datetime | None = None,
) -> IngestReport:
    """Validate, store and quarantine ``readings`` in one transaction; then evaluate the rules.

    ``allowed_station_ids`` limits which stations the sender may report for (a station
    token's); None allows all (a trusted channel such as the MQTT broker's ACL). ``actor`` is
    the person who sent the batch (an upload), None for a machine channel.
    """
    now = now or timezone.now()
    cat = catalogue()
    allowed = None if allowed_station_ids is None else frozenset(allowed_station_ids)
    report = IngestReport()
    good: dict[tuple[int, int, datetime], tuple[int, float, int]] = {}
    quarantine: list[QuarantinedReading] = []

    def set_aside(index: int, reason: str, detail: str, station_id: int | None) -> None:
        report.rejected.append(Rejection(index, reason, detail))
        reading = readings[index]
        quarantine.append(
            QuarantinedReading(
                station_id=station_id,
                source=source,
                reason=reason,
                detail=detail[:500],
                raw=reading.raw_text(),
                origin=origin[:255],
                received_at=now,
            )
        )

    for index, reading in enumerate(readings):
        checked = _check(reading, cat, allowed, now)
        if len(checked) == 3:
            set_aside(index, str(checked[0]), str(checked[1]), checked[2])  # type: ignore[arg-type]
            continue
        station_id, parameter_id, observed, value, status = checked  # type: ignore[misc]
        key = (station_id, parameter_id, observed)
        seen = good.get(key)
        if seen is None:
            good[key] = (index, value, status)
        elif seen[1] == value:
            report.duplicates += 1
        else:
            set_aside(
                index,
                QuarantineReason.CONFLICT,
                _("Cùng thời điểm, trong cùng lô đã có giá trị %(value)s.") % {"value": seen[1]},
                station_id,
            )

    with transaction.atomic():
        inserted, existing = _store(good, source, now)
        for key, (index, value, _status) in good.items():
            if key in inserted:
                continue
            stored_value = existing.get(key)
            if stored_value is None or stored_value == value:
                report.duplicates += 1
            else:
                set_aside(
                    index,
                    QuarantineReason.CONFLICT,
                    _("Đã lưu giá trị %(stored)s cho cùng trạm, thông số và thời điểm.")
                    % {"stored": stored_value},
                    key[0],
                )
        if quarantine:
            QuarantinedReading.objects.bulk_create(quarantine, batch_size=1000)
        report.stored = [
            StoredReading(key[0], key[1], key[2], value, status)
            for key, (_index, value, status) in good.items()
            if key in inserted
        ]
        report.accepted = len(report.stored)
        report.hours = mark_stale(report.stored)
        record_write(
            actor=actor,
            action="environment.readings.ingest",
            changes={
                "source": [None, Source(source).label],
                "accepted": [None, report.accepted],
                "duplicates": [None, report.duplicates],
                "quarantined": [None, len(report.rejected)],
            },
            batch_count=report.accepted + len(report.rejected),
        )
    if report.stored:
        transaction.on_commit(lambda: _after_commit(report), robust=True)
    return report


def _after_commit(report: IngestReport) -> None:
    from tinhso.environment import evaluation  # the rules sit above ingestion

    evaluation.after_ingest(report.stored, report.hours)


def readings_from_json(body: bytes) -> list[RawReading]:
    """The readings of a JSON batch: ``{"station", "readings": [...]}``, a list of readings or
    one reading object; raise ValueError when it is none of these."""
    document = json.loads(body)
    default = ""
    if isinstance(document, dict) and "readings" not in document and "parameter" in document:
        document = [document]
    elif isinstance(document, dict):
        default = str(document.get("station", ""))
        document = document.get("readings")
    if not isinstance(document, list):
        raise ValueError(_("cần một danh sách “readings”"))
    readings = []
    for item in document:
        if not isinstance(item, dict):
            raise ValueError(_("mỗi số liệu phải là một đối tượng JSON"))
        readings.append(
            RawReading(
                station=str(item.get("station", default)),
                parameter=str(item.get("parameter", "")),
                time=str(item.get("time", "")),
                value=item.get("value"),
                unit=item.get("unit"),
                status=item.get("status", "00"),
                raw=item,
            )
        )
    return readings


Key = tuple[int, int, datetime]


def _store(
    good: dict[Key, tuple[int, float, int]], source: Source, now: datetime
) -> tuple[set[Key], dict[Key, float]]:
    """Insert the new readings; return their keys, and the stored value of each key that was
    already there.

    The rows go to a temporary table first (``COPY`` on PostgreSQL), numbered; one
    ``INSERT … SELECT … ON CONFLICT DO NOTHING`` keeps the new ones and answers with their
    numbers, so no timestamp travels back.
    """
    keys = list(good)
    inserted: set[Key] = set()
    existing: dict[Key, float] = {}
    if not keys:
        return inserted, existing
    insert = (
        "INSERT INTO environment_reading"
        " (station_id, parameter_id, observed_at, value, status, source, received_at)"
        " SELECT station_id, parameter_id, observed_at, value, status, %s, %s"
        " FROM environment_incoming WHERE true"
        " ON CONFLICT (station_id, parameter_id, observed_at) DO NOTHING"
    )
    stored_values = (
        "SELECT i.idx, r.value FROM environment_reading r JOIN environment_incoming i"
        " ON r.station_id = i.station_id AND r.parameter_id = i.parameter_id"
        " AND r.observed_at = i.observed_at"
    )
    params = [int(source), connection.ops.adapt_datetimefield_value(now)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE TEMPORARY TABLE IF NOT EXISTS environment_incoming ("
                " idx integer, station_id bigint, parameter_id bigint, observed_at timestamptz,"
                " value double precision, status smallint) ON COMMIT DELETE ROWS"
            )
            with cursor.cursor.copy(
                "COPY environment_incoming"
                " (idx, station_id, parameter_id, observed_at, value, status) FROM STDIN"
            ) as copy:
                for idx, key in enumerate(keys):
                    _index, value, status = good[key]
                    copy.write_row((idx, key[0], key[1], key[2], value, status))
            cursor.execute(
                f"WITH new AS ({insert} RETURNING station_id, parameter_id, observed_at)"  # noqa: S608 -- constant SQL
                " SELECT i.idx FROM environment_incoming i JOIN new"
                " ON i.station_id = new.station_id AND i.parameter_id = new.parameter_id"
                " AND i.observed_at = new.observed_at",
                params,
            )
            new = {idx for (idx,) in cursor.fetchall()}
            if len(new) < len(keys):
                cursor.execute(stored_values)
                before = {idx: value for idx, value in cursor.fetchall() if idx not in new}
            else:
                before = {}
        else:
            cursor.execute(
                "CREATE TEMPORARY TABLE IF NOT EXISTS environment_incoming ("
                " idx integer, station_id integer, parameter_id integer, observed_at text,"
                " value real, status integer)"
            )
            cursor.execute("DELETE FROM environment_incoming")
            adapt = connection.ops.adapt_datetimefield_value
            cursor.executemany(
                "INSERT INTO environment_incoming VALUES (%s, %s, %s, %s, %s, %s)",
                [
                    (idx, key[0], key[1], adapt(key[2]), good[key][1], good[key][2])
                    for idx, key in enumerate(keys)
                ],
            )
            # SQLite writes one transaction at a time (they begin IMMEDIATE): what is there
            # before the insert is exactly what the insert skips.
            cursor.execute(stored_values)
            before = dict(cursor.fetchall())
            cursor.execute(insert, params)
            new = set(range(len(keys))) - set(before)
        inserted = {keys[idx] for idx in new}
        existing = {keys[idx]: value for idx, value in before.items()}
        # Each station's "last heard" moves forward, never back (late data).
        cursor.execute(
            "UPDATE environment_station SET last_reading_at = m.latest FROM"
            " (SELECT station_id, max(observed_at) AS latest FROM environment_incoming"
            " GROUP BY station_id) AS m"
            " WHERE environment_station.id = m.station_id"
            " AND (environment_station.last_reading_at IS NULL"
            " OR environment_station.last_reading_at < m.latest)"
        )
        if connection.vendor != "postgresql":
            cursor.execute("DELETE FROM environment_incoming")
    return inserted, existing


def hour_label(moment: datetime) -> datetime:
    """The end of the hour a reading belongs to: 08:05 → 09:00, 09:00 exactly → 09:00."""
    floor = moment.replace(minute=0, second=0, microsecond=0)
    return floor if floor == moment else floor + timedelta(hours=1)


def mark_stale(stored: Iterable[StoredReading]) -> set[tuple[int, datetime]]:
    """Record the (station, hour) pairs whose means and indices the new readings change,
    inside the batch's transaction so that a crash cannot lose them; return them."""
    labels: dict[datetime, datetime] = {}
    hours = set()
    for reading in stored:
        if reading.status == 0:
            label = labels.get(reading.observed_at)
            if label is None:
                label = labels[reading.observed_at] = hour_label(reading.observed_at)
            hours.add((reading.station_id, label))
    StaleHour.objects.bulk_create(
        [StaleHour(station_id=s, hour=h) for s, h in hours], ignore_conflicts=True
    )
    return hours
