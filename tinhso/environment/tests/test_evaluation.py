"""Alert rules on readings, indices and silence: fired, deduplicated and resolved."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from tinhso.alerts.models import Alert, Rule, RuleKind, Severity, State
from tinhso.alerts.ticker import tick
from tinhso.environment.choices import Source
from tinhso.environment.evaluation import LOST_SIGNAL
from tinhso.environment.ingest import RawReading, ingest
from tinhso.environment.models import Exceedance, Station
from tinhso.environment.tests.factories import EnvironmentWorld, build_environment

pytestmark = pytest.mark.django_db
HOUR = timedelta(hours=1)


@pytest.fixture
def env() -> EnvironmentWorld:
    return build_environment()


def rule(code: str, kind: str, **params: Any) -> Rule:
    return Rule.objects.create(
        code=code,
        name=code,
        source="environment",
        kind=kind,
        severity=Severity.CRITICAL,
        params=params,
    )


def send(
    capture: Any, station: str, parameter: str, value: float, at: datetime | None = None
) -> None:
    at = at or timezone.now()
    with capture(execute=True):
        ingest([RawReading(station, parameter, at.isoformat(), value)], source=Source.HTTP)


def test_a_reading_above_the_applicable_limit_fires_one_alert_until_it_clears(
    env: EnvironmentWorld, django_capture_on_commit_callbacks: Any
) -> None:
    rule("vuot-quy-chuan", RuleKind.THRESHOLD, against="limit")
    now = timezone.now()
    # QCVN 40:2011 B: COD 150 mg/L × Kq 0.9 × Kf 1.0 = 135.
    send(django_capture_on_commit_callbacks, "qc-nt-01", "COD", 140, now - timedelta(minutes=10))
    send(django_capture_on_commit_callbacks, "qc-nt-01", "COD", 160, now - timedelta(minutes=5))
    alert = Alert.objects.get()
    assert (alert.state, alert.key) == (State.FIRING, "qc-nt-01/COD")
    assert "135" in alert.message
    assert Exceedance.objects.filter(station=env.waste).count() == 2
    # 130 lies in the hysteresis band (above 0.95 × 135): still firing; 100 clears it.
    send(django_capture_on_commit_callbacks, "qc-nt-01", "COD", 130, now - timedelta(minutes=3))
    assert Alert.objects.get().state == State.FIRING
    send(django_capture_on_commit_callbacks, "qc-nt-01", "COD", 100, now - timedelta(minutes=1))
    assert Alert.objects.get().state == State.RESOLVED


def test_a_threshold_rule_watches_only_its_parameter(
    env: EnvironmentWorld, django_capture_on_commit_callbacks: Any
) -> None:
    rule("pm25-cao", RuleKind.THRESHOLD, parameter="PM2.5", above=150, clear_below=120)
    send(django_capture_on_commit_callbacks, "bg-kk-01", "PM10", 400)
    assert not Alert.objects.exists()
    send(django_capture_on_commit_callbacks, "bg-kk-01", "PM2.5", 180)
    assert Alert.objects.get().key == "bg-kk-01/PM2.5"


def test_an_hourly_aqi_at_a_bad_level_fires_the_level_rule(
    env: EnvironmentWorld, django_capture_on_commit_callbacks: Any
) -> None:
    rule("aqi-xau", RuleKind.LEVEL, index="aqi_hour", at_least=151, clear_below=101)
    # NowCast needs two of the last three hours.
    send(django_capture_on_commit_callbacks, "bg-kk-01", "PM2.5", 200, timezone.now() - HOUR)
    assert not Alert.objects.exists()
    send(django_capture_on_commit_callbacks, "bg-kk-01", "PM2.5", 200)
    alert = Alert.objects.get()
    assert (alert.state, alert.key) == (State.FIRING, "bg-kk-01/aqi_hour")
    assert alert.value is not None and alert.value >= 151


def test_a_silent_station_raises_lost_signal_on_the_tick(env: EnvironmentWorld) -> None:
    Station.objects.exclude(pk=env.air.pk).update(active=False)
    Station.objects.filter(pk=env.air.pk).update(
        last_reading_at=timezone.now() - timedelta(minutes=16)
    )
    tick()
    lost = Rule.objects.get(code__contains="lost")
    assert lost.params == {"evaluator": LOST_SIGNAL}
    alert = Alert.objects.get(rule=lost)
    assert (alert.key, alert.state) == ("bg-kk-01", State.FIRING)
    Station.objects.filter(pk=env.air.pk).update(last_reading_at=timezone.now())
    tick()
    assert Alert.objects.get(rule=lost).state == State.RESOLVED


def test_a_rate_rule_fires_on_a_jump_between_hourly_means(
    env: EnvironmentWorld, django_capture_on_commit_callbacks: Any
) -> None:
    rule("cod-tang-nhanh", RuleKind.RATE, parameter="COD", max_change=50)
    now = timezone.now()
    send(django_capture_on_commit_callbacks, "qc-nt-01", "COD", 40, now - HOUR)
    send(django_capture_on_commit_callbacks, "qc-nt-01", "COD", 60, now)
    assert not Alert.objects.filter(state=State.FIRING).exists()
    send(django_capture_on_commit_callbacks, "qc-nt-01", "COD", 130, now + timedelta(minutes=1))
    alert = Alert.objects.get(state=State.FIRING)
    assert alert.key == "qc-nt-01/COD rate"
