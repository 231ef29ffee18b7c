"""Storing readings: idempotent on (station, parameter, time); bad ones set aside with a reason."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tinhso.environment.choices import QuarantineReason, Source
from tinhso.environment.ingest import RawReading, ingest
from tinhso.environment.models import QuarantinedReading, Reading, StaleHour
from tinhso.environment.tests.factories import EnvironmentWorld, build_environment

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = datetime(2026, 11, 30, 8, 5, tzinfo=VN)


@pytest.fixture
def env() -> EnvironmentWorld:
    return build_environment()


def pm(value: object, at: datetime = T0, station: str = "bg-kk-01", **extra: Any) -> RawReading:
    return RawReading(station=station, parameter="PM2.5", time=at.isoformat(), value=value, **extra)


def test_a_batch_sent_twice_is_stored_once(env: EnvironmentWorld) -> None:
    batch = [pm(30 + i, T0 + timedelta(minutes=5 * i)) for i in range(6)]
    first = ingest(batch, source=Source.HTTP)
    again = ingest(batch, source=Source.HTTP)
    assert (first.accepted, first.duplicates) == (6, 0)
    assert (again.accepted, again.duplicates, len(again.rejected)) == (0, 6, 0)
    assert Reading.objects.count() == 6
    env.air.refresh_from_db()
    assert env.air.last_reading_at == T0 + timedelta(minutes=25)


def test_each_bad_reading_is_quarantined_with_its_reason_and_the_good_ones_kept(
    env: EnvironmentWorld,
) -> None:
    batch = [
        pm(31),
        pm("abc", T0 + timedelta(minutes=5)),
        pm(-4, T0 + timedelta(minutes=10)),
        pm(12, T0 + timedelta(minutes=15), unit="mg/L"),
        pm(12, T0 + timedelta(minutes=20), status="07"),
        RawReading("bg-kk-01", "BOD5", T0.isoformat(), 3),
        RawReading("khong-co", "PM2.5", T0.isoformat(), 3),
        pm(12, at=timezone.now() + timedelta(hours=2)),
        RawReading("bg-kk-01", "PM2.5", "hôm qua", 3),
        pm(32, T0 + timedelta(minutes=25), unit="ug/m3", status="00"),
    ]
    report = ingest(batch, source=Source.HTTP, origin="test")
    reasons = {r.index: r.reason for r in report.rejected}
    assert reasons == {
        1: QuarantineReason.BAD_VALUE,
        2: QuarantineReason.OUT_OF_RANGE,
        3: QuarantineReason.WRONG_UNIT,
        4: QuarantineReason.BAD_STATUS,
        5: QuarantineReason.UNKNOWN_PARAMETER,
        6: QuarantineReason.UNKNOWN_STATION,
        7: QuarantineReason.FUTURE_TIME,
        8: QuarantineReason.BAD_TIME,
    }
    assert report.accepted == 2
    assert QuarantinedReading.objects.count() == 8
    kept = QuarantinedReading.objects.get(reason=QuarantineReason.BAD_VALUE)
    assert "abc" in kept.raw and kept.station == env.air and kept.origin == "test"


def test_a_different_value_for_a_stored_time_is_quarantined_not_overwritten(
    env: EnvironmentWorld,
) -> None:
    ingest([pm(30)], source=Source.HTTP)
    report = ingest([pm(45)], source=Source.MQTT)
    assert [r.reason for r in report.rejected] == [QuarantineReason.CONFLICT]
    assert Reading.objects.get().value == 30


def test_a_token_cannot_send_for_another_station(env: EnvironmentWorld) -> None:
    reading = RawReading("qc-nt-01", "COD", T0.isoformat(), 50)
    report = ingest([reading], source=Source.HTTP, allowed_station_ids={env.air.pk})
    assert [r.reason for r in report.rejected] == [QuarantineReason.NOT_ALLOWED]


def test_a_circular_10_symbol_and_local_time_are_understood(env: EnvironmentWorld) -> None:
    report = ingest(
        [RawReading("bg-kk-01", "PM2,5", "20261130080500", "31,5", "µg/m3", "00")],
        source=Source.FILE,
    )
    assert report.accepted == 1
    reading = Reading.objects.get()
    assert (reading.value, reading.observed_at) == (31.5, T0)


def test_stored_readings_mark_their_hour_for_recomputation(env: EnvironmentWorld) -> None:
    ingest([pm(30), pm(20, T0 - timedelta(hours=3))], source=Source.HTTP)
    hours = sorted(h.astimezone(VN).hour for h in StaleHour.objects.values_list("hour", flat=True))
    assert hours == [6, 9]
