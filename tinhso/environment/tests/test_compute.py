"""Means and indices follow the stored readings, late data included."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tinhso.environment import aqi, compute
from tinhso.environment.choices import IndexKind, Source
from tinhso.environment.ingest import RawReading, ingest
from tinhso.environment.models import HourlyMean, IndexValue
from tinhso.environment.tests.factories import EnvironmentWorld, build_environment

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = datetime(2026, 11, 20, tzinfo=VN)


@pytest.fixture
def env() -> EnvironmentWorld:
    return build_environment()


def pm25(hour: int, value: float, minute: int = 30, status: str = "00") -> RawReading:
    at = DAY + timedelta(hours=hour, minutes=minute)
    return RawReading("bg-kk-01", "PM2.5", at.isoformat(), value, status=status)


def hourly_aqi(label_hour: int) -> IndexValue:
    return IndexValue.objects.get(kind=IndexKind.AQI_HOUR, period=DAY + timedelta(hours=label_hour))


def test_the_hourly_index_is_the_nowcast_of_the_stored_means(env: EnvironmentWorld) -> None:
    ingest([pm25(h, 20 + h) for h in range(3)], source=Source.HTTP)
    compute.recompute_stale()
    # Hours labelled by their end: 00:30 belongs to 01:00 … 02:30 to 03:00.
    expected = aqi.hourly({"PM2.5": [22, 21, 20] + [None] * 9})
    row = hourly_aqi(3)
    assert (row.value, row.dominant) == (expected.aqi, "PM2.5")
    assert row.detail["parameters"]["PM2.5"]["value"] == expected.parameters["PM2.5"].value


def test_late_data_recompute_the_hour_and_the_hours_after_it(env: EnvironmentWorld) -> None:
    ingest([pm25(h, 20) for h in range(3)], source=Source.HTTP)
    compute.recompute_stale()
    before = hourly_aqi(3).value
    # A reading of 01:10 arrives late, much higher: the 02:00 mean and both indices change.
    ingest([pm25(1, 140, minute=10)], source=Source.HTTP)
    assert compute.recompute_stale() == 1
    mean = HourlyMean.objects.get(station=env.air, hour=DAY + timedelta(hours=2))
    assert (mean.mean, mean.count) == (80, 2)
    expected = aqi.hourly({"PM2.5": [20, 80, 20] + [None] * 9}).aqi
    assert hourly_aqi(3).value == expected != before


def test_calibration_readings_are_kept_out_of_the_means(env: EnvironmentWorld) -> None:
    ingest([pm25(0, 20), pm25(0, 500, minute=40, status="01")], source=Source.HTTP)
    compute.recompute_stale()
    assert HourlyMean.objects.get(station=env.air).mean == 20


def test_a_full_day_gives_a_daily_index(env: EnvironmentWorld) -> None:
    ingest([pm25(h, 55.7) for h in range(24)], source=Source.HTTP)
    compute.recompute_stale()
    daily = IndexValue.objects.get(kind=IndexKind.AQI_DAY, period=DAY)
    assert (daily.value, daily.dominant) == (aqi.daily({"PM2.5": 55.7}).aqi, "PM2.5")
