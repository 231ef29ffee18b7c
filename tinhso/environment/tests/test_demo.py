"""The environment's demo (``tinhso demo``, step ``environment``), run with two days of history."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.db.models import Count
from django.utils import timezone

from tinhso.accounts.demo import create_demo_accounts
from tinhso.alerts.models import Rule, RuleKind, Severity
from tinhso.core import registry
from tinhso.directory import loaders
from tinhso.directory.choices import UnitLevel
from tinhso.directory.demo import load_demo_agencies
from tinhso.environment import demo
from tinhso.environment.choices import IndexKind, Medium
from tinhso.environment.demo_stations import STATIONS
from tinhso.environment.models import IndexValue, Reading, Station, StationToken

HISTORY_DAYS = 2


@pytest.fixture
def loaded(db: None, settings: Any, django_capture_on_commit_callbacks: Any) -> str:
    """The Bắc Giang transition, the demo agencies and accounts, then the environment demo
    (with what follows each committed batch: exceedances and alert rules)."""
    settings.TINHSO_DEMO = True
    loaders.apply(loaders.bac_giang_transition_plan(coordinates=False), source="demo")
    load_demo_agencies()
    create_demo_accounts()
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        demo.load_demo(out, history_days=HISTORY_DAYS)
    return out.getvalue()


def test_the_demo_step_is_registered_after_the_accounts() -> None:
    steps = [step.key for step in registry.demo_loaders()]
    assert steps.index("environment") > steps.index("accounts")


def test_about_twenty_stations_of_the_three_media_send_readings(loaded: str) -> None:
    stations = Station.objects.select_related("agency", "unit")
    assert 18 <= stations.count() <= 24
    assert {s.medium for s in stations} == set(Medium.values)
    assert {s.agency.name for s in stations} == {"Sở Nông nghiệp và Môi trường tỉnh Bắc Ninh"}
    assert {s.unit.level for s in stations} == {UnitLevel.COMMUNE}
    assert all(105.9 <= s.longitude <= 107.05 and 20.95 <= s.latitude <= 21.65 for s in stations)
    per_station = dict(
        Reading.objects.values_list("station__code")
        .annotate(n=Count("pk"))
        .values_list("station__code", "n")
    )
    assert set(per_station) == {s.code for s in stations}
    hours = HISTORY_DAYS * 24 + 1
    air = next(s for s in STATIONS if s.medium == Medium.AIR)
    # Every hour of every parameter, but for the hours the station was silent.
    assert hours * 4 < per_station[air.code] <= hours * len(air.parameter_codes)
    assert "21 stations" in loaded


def test_the_stations_carry_the_regulation_in_force(loaded: str) -> None:
    outfall = Station.objects.select_related("limit_set").get(code="qc-nt-01")
    assert outfall.limit_set is not None
    assert (outfall.limit_set.code, outfall.limit_set.column) == ("QCVN 40:2011/BTNMT", "A")
    assert outfall.kq is not None and outfall.kf is not None
    assert "(dữ liệu mẫu)" in outfall.operator
    assert set(outfall.parameters.values_list("code", flat=True)) >= {"COD", "TSS", "pH"}
    air = Station.objects.select_related("limit_set").get(code="bg-kk-01")
    today = timezone.localdate()
    assert air.limit_set is not None and air.limit_set.valid_from is not None
    assert air.limit_set.valid_from <= today
    assert air.limit_set.valid_to is None or air.limit_set.valid_to >= today


def test_the_limit_set_version_follows_the_day(loaded: str) -> None:
    code = "QCVN 05:2023/BTNMT"
    versions = [
        getattr(demo.applicable_limit_set(code, "", datetime.date(year, 6, 1)), "version", None)
        for year in (2025, 2026)
    ]
    assert versions == ["2023", "2026"]


def test_each_station_group_has_a_token(loaded: str) -> None:
    tokens = StationToken.objects.annotate(n=Count("stations"))
    assert sorted(t.n for t in tokens) == sorted(
        sum(1 for s in STATIONS if s.group == g) for g in {s.group for s in STATIONS}
    )


def test_the_history_has_indices_of_every_hour_and_day(loaded: str) -> None:
    air = Station.objects.filter(medium=Medium.AIR).count()
    hourly = IndexValue.objects.filter(kind=IndexKind.AQI_HOUR)
    assert hourly.count() > air * HISTORY_DAYS * 24 * 0.8
    assert IndexValue.objects.filter(kind=IndexKind.WQI_DAY, value__isnull=False).exists()


def test_the_demo_rules_watch_the_stations(loaded: str) -> None:
    rules = {
        r.code: r
        for r in Rule.objects.filter(source="environment", kind__in=["threshold", "level"])
    }
    assert set(rules) == {code for code, *_ in demo.DEMO_RULES}
    assert rules["moi-truong-pm25-cao"].params == {
        "parameter": "PM2.5",
        "above": 150,
        "clear_below": 120,
    }
    assert rules["moi-truong-vuot-quy-chuan"].severity == Severity.CRITICAL
    assert rules["moi-truong-aqi-kem"].kind == RuleKind.LEVEL


def test_a_second_load_changes_nothing(loaded: str) -> None:
    def counts() -> tuple[int, ...]:
        return tuple(
            model.objects.count() for model in (Station, Reading, StationToken, Rule, IndexValue)
        )

    before = counts()
    demo.load_demo(history_days=HISTORY_DAYS)
    assert counts() == before
