"""What follows a stored batch: alert rules on the new readings, and hours to recompute.

Rules of the environment (``alerts.Rule`` with ``source="environment"``) are data an operator
edits; their ``params`` say what they watch:

* ``kind=threshold``: ``{"parameter": "PM2.5", "above": 150, "clear_below": 120}`` (or
  ``below``/``clear_above``), optionally ``"medium"`` and ``"stations": [codes]``, checked on
  each station's newest reading of the batch;
* ``kind=threshold`` with ``{"against": "limit"}``: the station's applicable limit (QCVN, with
  Cmax = C·Kq·Kf where the limit says so) on readings, and on hourly means for 1-hour limits,
  ``"clear_ratio"`` (default 0.95) giving the hysteresis;
* ``kind=level``: ``{"index": "aqi_hour", "at_least": 151, "clear_below": 101}`` or
  ``{"index": "wqi_day", "below": 51, "clear_above": 60}`` on the newest computed index;
* ``kind=rate``: ``{"parameter": "COD", "max_change": 50}``, the change between two
  consecutive hourly means;
* lost signal is a registered rule (``environment.lost_signal``) run by the alert ticker.

Only readings with status 00 (measuring) count; calibration and error readings are stored and
ignored here.
"""

from __future__ import annotations

import time as _time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.alerts.engine import Condition, Observation, observe, threshold_condition
from tinhso.alerts.models import Rule, RuleKind
from tinhso.environment import exceedance
from tinhso.environment.choices import Averaging
from tinhso.environment.ingest import StoredReading
from tinhso.environment.models import Exceedance, Limit, Parameter, Station, WqiTable

SOURCE = "environment"
LOST_SIGNAL = "environment.lost_signal"
# Past this many station-hours a batch's recomputation is left to ``tinhso tick``.
RECOMPUTE_INLINE_MAX = 48
CONTEXT_TTL_SECONDS = 10.0
DEFAULT_CLEAR_RATIO = 0.95


@dataclass(frozen=True)
class StationFacts:
    """What rules need to know of a station."""

    id: int
    code: str
    name: str
    medium: str
    agency_id: int
    unit_id: int
    kq: float | None
    kf: float | None
    limits: dict[tuple[int, str], Limit]


@dataclass
class Context:
    """Stations, limits and enabled rules, read once every few seconds."""

    stations: dict[int, StationFacts]
    parameter_codes: dict[int, str]
    rules: list[Rule]
    wqi_table: dict[str, Any] | None
    loaded_at: float

    @classmethod
    def load(cls) -> Context:
        limits: dict[int, dict[tuple[int, str], Limit]] = {}
        for limit in Limit.objects.all():
            limits.setdefault(limit.limit_set_id, {})[(limit.parameter_id, limit.averaging)] = limit
        stations = {
            s.pk: StationFacts(
                s.pk,
                s.code,
                s.name,
                s.medium,
                s.agency_id,
                s.unit_id,
                s.kq,
                s.kf,
                limits.get(s.limit_set_id, {}) if s.limit_set_id else {},
            )
            for s in Station.objects.all()
        }
        codes = dict(Parameter.objects.values_list("pk", "code"))
        rules = list(Rule.objects.filter(source=SOURCE, enabled=True))
        table = WqiTable.objects.filter(active=True).values_list("data", flat=True).first()
        return cls(stations, codes, rules, table, _time.monotonic())


_context: Context | None = None


def context() -> Context:
    """The cached :class:`Context`."""
    global _context
    if _context is None or _time.monotonic() - _context.loaded_at > CONTEXT_TTL_SECONDS:
        _context = Context.load()
    return _context


def forget_context() -> None:
    """Drop the cached context (after rules, stations or limits change)."""
    global _context
    _context = None


def after_ingest(stored: Sequence[StoredReading], hours: set[tuple[int, datetime]]) -> None:
    """Evaluate the reading rules on a committed batch and recompute its ``hours`` (the
    (station, hour) pairs it touched) at once when they are few; more are left marked for
    ``tinhso tick`` (a bulk load must not hold its sender up)."""
    evaluate_readings(stored)
    if len(hours) <= RECOMPUTE_INLINE_MAX:
        from tinhso.environment import compute  # computation sits above the rules

        compute.recompute(hours)


def _latest_per_series(stored: Iterable[StoredReading]) -> dict[tuple[int, int], StoredReading]:
    latest: dict[tuple[int, int], StoredReading] = {}
    for reading in stored:
        if reading.status != 0:
            continue
        key = (reading.station_id, reading.parameter_id)
        if key not in latest or reading.observed_at > latest[key].observed_at:
            latest[key] = reading
    return latest


def applies(rule: Rule, station: StationFacts, parameter_code: str | None = None) -> bool:
    params = rule.params
    if parameter_code is not None and params.get("parameter") not in (None, parameter_code):
        return False
    if params.get("medium") not in (None, station.medium):
        return False
    codes = params.get("stations")
    return not codes or station.code in codes


def station_observation(
    rule: Rule,
    station: StationFacts,
    key: str,
    condition: Condition,
    value: float | None,
    at: datetime,
    title: str,
    message: str = "",
) -> Observation:
    """An observation of ``rule`` about one series (``key``) of ``station``."""
    return Observation(
        rule=rule,
        key=f"{station.code}/{key}",
        condition=condition,
        value=value,
        at=at,
        title=title,
        message=message,
        agency_id=station.agency_id,
        unit_id=station.unit_id,
        link=f"/moi-truong/tram/{station.code}/",
    )


def limit_condition(
    limit: Limit, station: StationFacts, value: float, clear_ratio: float
) -> tuple[Condition, float | None, float | None]:
    """Whether ``value`` is outside the limit as it applies at ``station`` (with hysteresis);
    also the applied bounds."""
    high = (
        exceedance.cmax(limit.max_value, station.kq, station.kf, limit.apply_k)
        if limit.max_value is not None
        else None
    )
    low = limit.min_value
    if exceedance.exceeds(value, low, high):
        return Condition.TRIGGER, low, high
    inside_margin = (high is None or value <= high * clear_ratio) and (
        low is None or value >= low / clear_ratio
    )
    return (Condition.CLEAR if inside_margin else Condition.HOLD), low, high


def evaluate_readings(stored: Sequence[StoredReading]) -> None:
    """Threshold and limit rules on the newest reading of each series of the batch; every
    reading outside an instant limit is recorded as an :class:`Exceedance`."""
    ctx = context()
    observations: list[Observation] = []
    exceedances: list[Exceedance] = []
    latest = _latest_per_series(stored)
    limit_rules = [
        r for r in ctx.rules if r.kind == RuleKind.THRESHOLD and r.params.get("against") == "limit"
    ]
    plain_rules = [
        r for r in ctx.rules if r.kind == RuleKind.THRESHOLD and r.params.get("against") != "limit"
    ]
    for reading in stored:
        if reading.status != 0:
            continue
        station = ctx.stations.get(reading.station_id)
        limit = station.limits.get((reading.parameter_id, Averaging.INSTANT)) if station else None
        if station is None or limit is None:
            continue
        condition, low, high = limit_condition(limit, station, reading.value, 1.0)
        if condition == Condition.TRIGGER:
            exceedances.append(
                Exceedance(
                    station_id=station.id,
                    parameter_id=reading.parameter_id,
                    limit=limit,
                    period=reading.observed_at,
                    value=reading.value,
                    allowed_min=low,
                    allowed_max=high,
                )
            )
    if exceedances:
        Exceedance.objects.bulk_create(exceedances, ignore_conflicts=True)
    for (station_id, parameter_id), reading in latest.items():
        station = ctx.stations.get(station_id)
        code = ctx.parameter_codes.get(parameter_id)
        if station is None or code is None:
            continue
        for rule in plain_rules:
            if applies(rule, station, code):
                observations.append(
                    station_observation(
                        rule,
                        station,
                        code,
                        threshold_condition(rule, reading.value),
                        reading.value,
                        reading.observed_at,
                        _("%(param)s tại %(station)s: %(value)s")
                        % {"param": code, "station": station.name, "value": reading.value},
                    )
                )
        limit = station.limits.get((parameter_id, Averaging.INSTANT))
        if limit is None:
            continue
        for rule in limit_rules:
            if applies(rule, station, code):
                observations.append(
                    exceedance_observation(
                        rule, station, limit, code, reading.value, reading.observed_at
                    )
                )
    if observations:
        observe(observations)


def exceedance_observation(
    rule: Rule,
    station: StationFacts,
    limit: Limit,
    code: str,
    value: float,
    at: datetime,
    suffix: str = "",
) -> Observation:
    """The observation of a limit rule for one value of a series."""
    ratio = float(rule.params.get("clear_ratio", DEFAULT_CLEAR_RATIO))
    condition, low, high = limit_condition(limit, station, value, ratio)
    bounds = " – ".join(f"{b:g}" for b in (low, high) if b is not None)
    return station_observation(
        rule,
        station,
        code + suffix,
        condition,
        value,
        at,
        _("Vượt quy chuẩn: %(param)s tại %(station)s") % {"param": code, "station": station.name},
        _("%(param)s = %(value)s, giới hạn áp dụng %(bounds)s (%(set)s).")
        % {"param": code, "value": f"{value:g}", "bounds": bounds, "set": limit.limit_set},
    )


def stations_silent_since(now: datetime) -> list[tuple[Station, bool]]:
    """Each active station and whether it has been silent past three expected intervals."""
    result = []
    for station in Station.objects.filter(active=True).only(
        "pk",
        "code",
        "name",
        "agency_id",
        "unit_id",
        "expected_every_minutes",
        "last_reading_at",
        "created",
    ):
        since = station.last_reading_at or station.created
        allowed = timedelta(minutes=3 * station.expected_every_minutes)
        result.append((station, now - since > allowed))
    return result


def lost_signal(rule: Rule, now: datetime) -> list[Observation]:
    """The registered "lost signal" rule: a station silent past three expected intervals."""
    observations = []
    for station, silent in stations_silent_since(now):
        last = station.last_reading_at
        last_text = (
            timezone.localtime(last).strftime("%d/%m/%Y %H:%M") if last else _("chưa bao giờ")
        )
        observations.append(
            Observation(
                rule=rule,
                key=station.code,
                condition=Condition.TRIGGER if silent else Condition.CLEAR,
                at=now,
                title=_("Mất tín hiệu: %(station)s") % {"station": station.name},
                message=_("Không nhận được dữ liệu từ %(last)s.") % {"last": last_text},
                agency_id=station.agency_id,
                unit_id=station.unit_id,
                link=f"/moi-truong/tram/{station.code}/",
            )
        )
    return observations
