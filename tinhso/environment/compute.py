"""Hourly means, VN_AQI, VN_WQI and averaged-limit exceedances, recomputed when data arrive.

Every stored batch marks the (station, hour) pairs it touched (``StaleHour``, hours labelled by
their end). Recomputing an hour rebuilds its means from the stored readings (status 00 only),
then every index that depends on it: the hourly VN_AQI of that hour and the 11 after it (PM's
NowCast looks 12 hours back), the daily VN_AQI of the days those hours fall in (Vietnam time,
01:00…24:00 as Decision 1459 counts), the daily VN_WQI of water stations, and exceedances of
1-hour and 24-hour limits. Late data therefore recompute exactly what they change; the result
does not depend on the order readings arrived in.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from statistics import fmean
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.alerts.engine import Condition, Observation, observe
from tinhso.alerts.models import Rule, RuleKind
from tinhso.core import pagecache
from tinhso.environment import aqi, evaluation, queries, wqi
from tinhso.environment.choices import Averaging, IndexKind, Medium
from tinhso.environment.ingest import hour_label
from tinhso.environment.models import (
    Exceedance,
    HourlyMean,
    IndexValue,
    Reading,
    StaleHour,
)

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
HOUR = timedelta(hours=1)
STALE_BATCH = 2000


def recompute_stale(limit: int = STALE_BATCH) -> int:
    """Recompute up to ``limit`` marked hours (oldest first); return how many were done.
    :func:`recompute` clears their marks."""
    rows = list(StaleHour.objects.order_by("hour").values_list("station_id", "hour")[:limit])
    recompute(rows)
    return len(rows)


def drain_stale(seconds: float = 10.0) -> int:
    """Recompute marked hours, batch after batch, for at most about ``seconds`` (the periodic
    job of ``tinhso tick``); return how many were done."""
    deadline = time.monotonic() + seconds
    total = 0
    while time.monotonic() < deadline and (done := recompute_stale()):
        total += done
    return total


def recompute_all() -> int:
    """Mark every hour that has readings and recompute them all (after a bulk load)."""
    hours = {
        (station_id, hour_label(observed))
        for station_id, observed in Reading.objects.filter(status=0).values_list(
            "station_id", "observed_at"
        )
    }
    recompute(hours)  # clears every mark: marks come from stored readings only
    return len(hours)


def recompute(hours: Iterable[tuple[int, datetime]]) -> None:
    """Recompute the given (station, hour) pairs and everything that depends on them."""
    by_station: dict[int, set[datetime]] = defaultdict(set)
    for station_id, hour in hours:
        by_station[station_id].add(hour)
    if not by_station:
        return
    ctx = evaluation.context()
    observations: list[Observation] = []
    for station_id, station_hours in by_station.items():
        station = ctx.stations.get(station_id)
        if station is None:
            continue
        StaleHour.objects.filter(station_id=station_id, hour__in=station_hours).delete()
        means = _rebuild_means(station_id, station_hours)
        observations += _hourly_limits(station, station_hours, means, ctx)
        if station.medium == Medium.AIR:
            observations += _air_indices(station, station_hours, ctx)
        elif station.medium == Medium.SURFACE_WATER:
            observations += _water_indices(station, station_hours, ctx)
    if observations:
        observe(observations)
    pagecache.forget(queries.public_tag())


def _day_of(hour: datetime) -> datetime:
    """The Vietnam-time day (its 00:00) an hour labelled by its end belongs to."""
    local = (hour - HOUR).astimezone(VIETNAM)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def _rebuild_means(station_id: int, hours: set[datetime]) -> dict[tuple[int, datetime], float]:
    """Rebuild the hourly means of ``hours``; return them by (parameter, hour)."""
    buckets: dict[tuple[int, datetime], list[float]] = defaultdict(list)
    for day in {_day_of(h) for h in hours}:
        start, end = day, day + timedelta(days=1)
        for parameter_id, observed, value in Reading.objects.filter(
            station_id=station_id, status=0, observed_at__gt=start, observed_at__lte=end
        ).values_list("parameter_id", "observed_at", "value"):
            label = hour_label(observed)
            if label in hours:
                buckets[(parameter_id, label)].append(value)
    rows = [
        HourlyMean(
            station_id=station_id,
            parameter_id=parameter_id,
            hour=hour,
            mean=fmean(values),
            maximum=max(values),
            count=len(values),
        )
        for (parameter_id, hour), values in buckets.items()
    ]
    HourlyMean.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["station", "parameter", "hour"],
        update_fields=["mean", "maximum", "count"],
    )
    return {key: row.mean for key, row in zip(buckets, rows, strict=True)}


def _load_means(
    station_id: int, start: datetime, end: datetime, codes: Mapping[int, str]
) -> dict[str, dict[datetime, float]]:
    """Hourly means of a station between two hour labels (inclusive), by parameter code."""
    series: dict[str, dict[datetime, float]] = defaultdict(dict)
    for parameter_id, hour, mean in HourlyMean.objects.filter(
        station_id=station_id, hour__gte=start, hour__lte=end
    ).values_list("parameter_id", "hour", "mean"):
        series[codes.get(parameter_id, "")][hour] = mean
    return series


def _upsert_indices(rows: list[IndexValue]) -> None:
    IndexValue.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["station", "kind", "period"],
        update_fields=["value", "dominant", "detail", "computed_at"],
    )


def _air_indices(
    station: evaluation.StationFacts, hours: set[datetime], ctx: evaluation.Context
) -> list[Observation]:
    """Hourly VN_AQI of the hours and the 11 after each (NowCast); daily VN_AQI of their days."""
    latest_label = hour_label(timezone.now())
    affected = sorted(
        {
            label
            for h in hours
            for k in range(aqi.NOWCAST_HOURS)
            if (label := h + k * HOUR) <= latest_label
        }
    )
    if not affected:
        return []
    days = sorted({_day_of(h) for h in affected})
    start = min(affected[0] - (aqi.NOWCAST_HOURS - 1) * HOUR, days[0] - 7 * HOUR)
    end = max(affected[-1], days[-1] + timedelta(days=1))
    series = _load_means(station.id, start, end, ctx.parameter_codes)
    series = {code: values for code, values in series.items() if code in aqi.PARAMETERS}
    now = timezone.now()
    rows: list[IndexValue] = []
    newest: IndexValue | None = None
    for label in affected:
        values: dict[str, list[float | None] | float | None] = {}
        for code, by_hour in series.items():
            if code in aqi.PM_PARAMETERS:
                values[code] = [by_hour.get(label - i * HOUR) for i in range(aqi.NOWCAST_HOURS)]
            elif label in by_hour:
                values[code] = by_hour[label]
        if not any(v is not None and v != [None] * aqi.NOWCAST_HOURS for v in values.values()):
            continue
        row = _index_row(station.id, IndexKind.AQI_HOUR, label, aqi.hourly(values), now)
        rows.append(row)
        newest = row
    for day in days:
        labels = [day + (i + 1) * HOUR for i in range(24)]
        day_means = {
            code: [by_hour.get(label) for label in labels] for code, by_hour in series.items()
        }
        if not any(v is not None for values in day_means.values() for v in values):
            continue
        o3_before = [series.get("O3", {}).get(day - i * HOUR) for i in range(6, -1, -1)]
        inputs = aqi.daily_inputs(day_means, o3_previous_day=o3_before)
        rows.append(_index_row(station.id, IndexKind.AQI_DAY, day, aqi.daily(inputs), now))
    _upsert_indices(rows)
    if newest is None or newest.period != affected[-1]:
        return []
    return _level_observations(station, IndexKind.AQI_HOUR, newest, ctx)


def _index_row(
    station_id: int, kind: str, period: datetime, result: aqi.AqiResult, now: datetime
) -> IndexValue:
    return IndexValue(
        station_id=station_id,
        kind=kind,
        period=period,
        value=result.aqi,
        dominant=result.dominant or "",
        detail={
            "parameters": {
                code: {"value": p.value, "aqi": p.aqi} for code, p in result.parameters.items()
            }
        },
        computed_at=now,
    )


def _water_indices(
    station: evaluation.StationFacts, hours: set[datetime], ctx: evaluation.Context
) -> list[Observation]:
    """Daily VN_WQI of the days of ``hours`` from the day's mean of each parameter."""
    days = sorted({_day_of(h) for h in hours})
    series = _load_means(
        station.id, days[0] + HOUR, days[-1] + timedelta(days=1), ctx.parameter_codes
    )
    now = timezone.now()
    rows: list[IndexValue] = []
    for day in days:
        labels = {day + (i + 1) * HOUR for i in range(24)}
        daily = {
            code: fmean(values)
            for code, by_hour in series.items()
            if (values := [v for h, v in by_hour.items() if h in labels])
        }
        temperature = daily.pop("Temp", None)
        result = wqi.compute(daily, table=ctx.wqi_table, temperature=temperature)
        rows.append(
            IndexValue(
                station_id=station.id,
                kind=IndexKind.WQI_DAY,
                period=day,
                value=result.wqi,
                dominant="",
                detail={
                    "sub_indices": result.sub_indices,
                    "groups": result.groups,
                    "missing_reason": result.missing_reason or "",
                    "means": daily,
                },
                computed_at=now,
            )
        )
    _upsert_indices(rows)
    newest = rows[-1] if rows else None
    if newest is None or newest.value is None:
        return []
    return _level_observations(station, IndexKind.WQI_DAY, newest, ctx)


def _level_observations(
    station: evaluation.StationFacts,
    kind: str,
    row: IndexValue,
    ctx: evaluation.Context,
) -> list[Observation]:
    """Level rules (``kind=level``) on the newest index of a station."""
    observations = []
    for rule in ctx.rules:
        if rule.kind != RuleKind.LEVEL or rule.params.get("index") != kind:
            continue
        if not evaluation.applies(rule, station):
            continue
        condition = level_condition(rule, row.value)
        name = IndexKind(kind).label
        observations.append(
            evaluation.station_observation(
                rule,
                station,
                kind,
                condition,
                float(row.value) if row.value is not None else None,
                row.period,
                _("%(index)s tại %(station)s: %(value)s")
                % {"index": name, "station": station.name, "value": row.value},
            )
        )
    return observations


def level_condition(rule: Rule, value: int | None) -> Condition:
    """A level rule's condition: ``at_least``/``clear_below`` (AQI) or ``below``/
    ``clear_above`` (WQI); no value holds the state."""
    if value is None:
        return Condition.HOLD
    params = rule.params
    if "at_least" in params:
        if value >= params["at_least"]:
            return Condition.TRIGGER
        return (
            Condition.CLEAR
            if value < params.get("clear_below", params["at_least"])
            else (Condition.HOLD)
        )
    if "below" in params:
        if value < params["below"]:
            return Condition.TRIGGER
        return (
            Condition.CLEAR
            if value > params.get("clear_above", params["below"])
            else (Condition.HOLD)
        )
    return Condition.HOLD


def _hourly_limits(
    station: evaluation.StationFacts,
    hours: set[datetime],
    means: Mapping[tuple[int, datetime], float],
    ctx: evaluation.Context,
) -> list[Observation]:
    """Exceedances of 1-hour limits by the rebuilt means; limit and rate rules on the newest."""
    hourly = {
        parameter_id: limit
        for (parameter_id, averaging), limit in station.limits.items()
        if averaging == Averaging.HOUR
    }
    exceedances = []
    for (parameter_id, hour), mean in means.items():
        limit = hourly.get(parameter_id)
        if limit is None:
            continue
        condition, low, high = evaluation.limit_condition(limit, station, mean, 1.0)
        if condition == Condition.TRIGGER:
            exceedances.append(
                Exceedance(
                    station_id=station.id,
                    parameter_id=parameter_id,
                    limit=limit,
                    period=hour,
                    value=mean,
                    allowed_min=low,
                    allowed_max=high,
                )
            )
    Exceedance.objects.bulk_create(exceedances, ignore_conflicts=True)
    newest_hour = max(hours)
    observations = []
    for (parameter_id, hour), mean in means.items():
        if hour != newest_hour:
            continue
        code = ctx.parameter_codes.get(parameter_id, "")
        limit = hourly.get(parameter_id)
        for rule in ctx.rules:
            if not evaluation.applies(rule, station, code):
                continue
            if limit is not None and rule.params.get("against") == "limit":
                observations.append(
                    evaluation.exceedance_observation(
                        rule, station, limit, code, mean, hour, suffix=" 1h"
                    )
                )
            elif rule.kind == RuleKind.RATE and "max_change" in rule.params:
                before = HourlyMean.objects.filter(
                    station_id=station.id, parameter_id=parameter_id, hour=hour - HOUR
                ).first()
                if before is None:
                    continue
                change = abs(mean - before.mean)
                observations.append(
                    evaluation.station_observation(
                        rule,
                        station,
                        f"{code} rate",
                        Condition.TRIGGER
                        if change > float(rule.params["max_change"])
                        else Condition.CLEAR,
                        change,
                        hour,
                        _("%(param)s tại %(station)s thay đổi %(change)s trong một giờ")
                        % {"param": code, "station": station.name, "change": f"{change:g}"},
                    )
                )
    return observations
