"""Reads of the environment app shared by its pages: the public air and water quality board,
a station's latest values and history, and the staff lists.

Only ambient-air and surface-water stations are public (:data:`PUBLIC_MEDIA`): a wastewater
station's readings belong to its facility's operator and the environment department, so they
show on the staff pages only.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.accounts.permissions import Perm, scope_queryset
from tinhso.core.text import fold
from tinhso.environment import aqi, wqi
from tinhso.environment.choices import IndexKind, Medium
from tinhso.environment.exceedance import cmax
from tinhso.environment.models import (
    Exceedance,
    HourlyMean,
    IndexValue,
    Limit,
    Parameter,
    QuarantinedReading,
    Reading,
    Station,
)

PUBLIC_MEDIA = (Medium.AIR, Medium.SURFACE_WATER)
AQI_METHOD = "VN_AQI theo Quyết định 1459/QĐ-TCMT"
WQI_METHOD = "VN_WQI theo Quyết định 1460/QĐ-TCMT"
HISTORY_HOURS = 48
WQI_HISTORY_DAYS = 30
# Sub-indices of the daily O3 rule, named as the calculator names them.
O3_COLUMNS = {"O3_1h": "O3", "O3_8h": "O3"}


def public_tag() -> str:
    """The page-cache tag of every public environment page: forget it when indices change."""
    return "environment:public"


@dataclass(frozen=True)
class Shown:
    """An index as a page shows it: value, level (name, colour, advice) and the colour's class.

    ``level`` is an :class:`aqi.Level` or a :class:`wqi.WqiLevel`; None when the index could
    not be computed (insufficient data).
    """

    kind: str
    value: int | None
    period: datetime.datetime
    level: Any
    dominant: str
    dominant_name: str
    detail: dict[str, Any]

    @property
    def swatch(self) -> str:
        """The CSS class that paints the level's official colour (``swatch-00e400``)."""
        return f"swatch-{self.level.hex.lstrip('#').lower()}" if self.level else "swatch-none"


def level_of(kind: str, value: int | None) -> Any:
    """The AQI or WQI level of an index value, or None without a value."""
    if value is None:
        return None
    if kind == IndexKind.WQI_DAY:
        return wqi.level_for(value)
    return aqi.level_for(value)


def parameter_name(code: str, names: dict[str, str]) -> str:
    """A parameter's display name, for the calculator's ``O3_1h``/``O3_8h`` too."""
    if code == "O3_1h":
        return _("O3 (trung bình 1 giờ)")
    if code == "O3_8h":
        return _("O3 (trung bình 8 giờ)")
    return names.get(code, code)


def shown(index: IndexValue, names: dict[str, str]) -> Shown:
    """An :class:`IndexValue` ready for a page."""
    return Shown(
        kind=index.kind,
        value=index.value,
        period=index.period,
        level=level_of(index.kind, index.value),
        dominant=index.dominant,
        dominant_name=parameter_name(index.dominant, names) if index.dominant else "",
        detail=index.detail if isinstance(index.detail, dict) else {},
    )


def parameter_names() -> dict[str, str]:
    """Every parameter's name by code (one query)."""
    return dict(Parameter.objects.values_list("code", "name"))


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of ``day`` in Vietnam, the period of a daily index."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


# --- the public board -------------------------------------------------------------------------


@dataclass
class MeanRow:
    """One parameter of the hour an AQI was computed for: its mean, its sub-index if any."""

    code: str
    name: str
    unit: str
    mean: float | None
    used: float | None
    sub_index: float | None
    dominant: bool


@dataclass
class BoardStation:
    """A public station with its latest indices."""

    station: Station
    latest: Shown | None
    yesterday: Shown | None = None
    means: list[MeanRow] = field(default_factory=list)


def _latest_index_ids(stations: QuerySet[Station], kind: str) -> dict[int, int]:
    latest = IndexValue.objects.filter(station=OuterRef("pk"), kind=kind).order_by("-period")
    return {
        station: index
        for station, index in stations.annotate(
            latest_index=Subquery(latest.values("pk")[:1])
        ).values_list("pk", "latest_index")
        if index is not None
    }


def _hour_rows(
    index: IndexValue, means: dict[str, HourlyMean], units: dict[str, str]
) -> list[MeanRow]:
    """The parameters of an hourly AQI: the hour's means, with the calculator's inputs."""
    detail = index.detail.get("parameters", {}) if isinstance(index.detail, dict) else {}
    names = {code: mean.parameter.name for code, mean in means.items()}
    codes = sorted(set(means) | set(detail), key=_aqi_order)
    rows = []
    for code in codes:
        mean = means.get(code)
        entry = detail.get(code) or {}
        rows.append(
            MeanRow(
                code=code,
                name=names.get(code, code),
                unit=units.get(code, ""),
                mean=mean.mean if mean else None,
                used=entry.get("value"),
                sub_index=entry.get("aqi"),
                dominant=code == index.dominant,
            )
        )
    return rows


def _aqi_order(code: str) -> tuple[int, str]:
    order = aqi.PARAMETERS
    return (order.index(code), code) if code in order else (len(order), code)


def public_board(
    now: datetime.datetime | None = None,
) -> tuple[list[BoardStation], list[BoardStation]]:
    """The public air stations and surface-water stations with their latest indices.

    Air: the latest hourly VN_AQI with the hour's parameters and yesterday's daily VN_AQI.
    Water: the latest daily VN_WQI. Six queries whatever the number of stations.
    """
    now = now or timezone.now()
    stations = Station.objects.filter(active=True, medium__in=PUBLIC_MEDIA).select_related(
        "unit", "agency"
    )
    names = parameter_names()
    hourly_ids = _latest_index_ids(stations.filter(medium=Medium.AIR), IndexKind.AQI_HOUR)
    water_ids = _latest_index_ids(stations.filter(medium=Medium.SURFACE_WATER), IndexKind.WQI_DAY)
    yesterday = day_start(timezone.localdate(now) - datetime.timedelta(days=1))
    indices = IndexValue.objects.filter(
        Q(pk__in=[*hourly_ids.values(), *water_ids.values()])
        | Q(kind=IndexKind.AQI_DAY, period=yesterday, station__in=hourly_ids)
    )
    latest: dict[int, IndexValue] = {}
    daily: dict[int, IndexValue] = {}
    for index in indices:
        (daily if index.kind == IndexKind.AQI_DAY else latest)[index.station_id] = index
    hours = Q()
    for station_id in hourly_ids:
        hours |= Q(station_id=station_id, hour=latest[station_id].period)
    means: dict[int, dict[str, HourlyMean]] = {}
    units: dict[str, str] = {}
    if hourly_ids:
        for mean in HourlyMean.objects.filter(hours).select_related("parameter"):
            means.setdefault(mean.station_id, {})[mean.parameter.code] = mean
            units[mean.parameter.code] = mean.parameter.unit
    air: list[BoardStation] = []
    water: list[BoardStation] = []
    for station in stations.order_by("name"):
        newest = latest.get(station.pk)
        entry = BoardStation(station, shown(newest, names) if newest else None)
        if station.medium == Medium.AIR:
            if newest is not None:
                entry.means = _hour_rows(newest, means.get(station.pk, {}), units)
            if station.pk in daily:
                entry.yesterday = shown(daily[station.pk], names)
            air.append(entry)
        else:
            water.append(entry)
    return air, water


# --- a station's page ------------------------------------------------------------------------


def public_station(code: str) -> Station | None:
    """The active public station with ``code``, or None (wastewater stations are not public)."""
    return (
        Station.objects.filter(code=code, active=True, medium__in=PUBLIC_MEDIA)
        .select_related("unit", "agency")
        .first()
    )


def index_kind(station: Station) -> str | None:
    """The index a station's chart follows: hourly VN_AQI for air, daily VN_WQI for surface
    water, none for wastewater (judged against its limits instead)."""
    return {Medium.AIR: IndexKind.AQI_HOUR, Medium.SURFACE_WATER: IndexKind.WQI_DAY}.get(
        Medium(station.medium)
    )


def history_span(kind: str) -> datetime.timedelta:
    """How far back a station's chart reaches: 48 hours of hourly AQI, 30 days of daily WQI."""
    if kind == IndexKind.AQI_HOUR:
        return datetime.timedelta(hours=HISTORY_HOURS)
    return datetime.timedelta(days=WQI_HISTORY_DAYS)


def history(station: Station, kind: str, now: datetime.datetime) -> list[IndexValue]:
    """The station's ``kind`` index over :func:`history_span`, oldest first."""
    return list(
        IndexValue.objects.filter(
            station=station, kind=kind, period__gt=now - history_span(kind)
        ).order_by("period")
    )


@dataclass(frozen=True)
class LatestReading:
    """A parameter of a station with its newest reading (None if it never sent one)."""

    parameter: Parameter
    value: float | int | None
    observed_at: datetime.datetime | None
    status: int | None


def latest_readings(station: Station) -> list[LatestReading]:
    """Each parameter the station measures with its newest reading, in one query."""
    newest = Reading.objects.filter(station=station, parameter=OuterRef("pk")).order_by(
        "-observed_at"
    )
    parameters = station.parameters.annotate(
        latest_value=Subquery(newest.values("value")[:1]),
        latest_at=Subquery(newest.values("observed_at")[:1]),
        latest_status=Subquery(newest.values("status")[:1]),
    ).order_by("code")
    return [
        LatestReading(p, trim(p.latest_value), p.latest_at, p.latest_status)  # type: ignore[attr-defined]
        for p in parameters
    ]


# --- staff ----------------------------------------------------------------------------------


def staff_stations(user: Any, perm: Perm = Perm.DATA_VIEW) -> QuerySet[Station]:
    """The stations whose unit or managing agency lies in the user's scope for ``perm``."""
    return scope_queryset(
        user, perm, Station.objects.all(), unit_field="unit", agency_field="agency"
    )


def search_stations(stations: QuerySet[Station], text: str) -> QuerySet[Station]:
    """Narrow ``stations`` to those whose code, name, operator or industrial zone contains
    ``text``, with or without diacritics (the scoped list is small: folded here, one query)."""
    key = fold(text)
    if not key:
        return stations
    matching = [
        pk
        for pk, *texts in stations.order_by().values_list(
            "pk", "code", "name", "operator", "industrial_zone", "facility"
        )
        if any(key in fold(value) for value in texts)
    ]
    return stations.filter(pk__in=matching)


def staff_quarantine(user: Any) -> QuerySet[QuarantinedReading]:
    """Quarantined readings of the stations in the user's scope (those of no known station only
    for a province-wide grant)."""
    return scope_queryset(
        user,
        Perm.DATA_VIEW,
        QuarantinedReading.objects.select_related("station"),
        unit_field="station__unit",
        agency_field="station__agency",
    )


def trim(value: float | None) -> float | int | None:
    """A measured or limit value as people write it: 135 rather than 135.0, at most 4 decimals."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 4)


@dataclass(frozen=True)
class LimitInForce:
    """A limit of the station's limit set (C) with the allowed range after Kq·Kf (Cmax)."""

    limit: Limit
    low: float | int | None
    high: float | int | None
    allowed_min: float | int | None
    allowed_max: float | int | None


def limits_in_force(station: Station) -> list[LimitInForce]:
    """The limits of the station's limit set, each with Cmax = C·Kq·Kf where it applies."""
    if station.limit_set_id is None:
        return []
    limits = Limit.objects.filter(limit_set_id=station.limit_set_id).select_related("parameter")
    return [
        LimitInForce(
            limit,
            trim(limit.min_value),
            trim(limit.max_value),
            trim(limit.min_value),
            None
            if limit.max_value is None
            else trim(cmax(limit.max_value, station.kq, station.kf, limit.apply_k)),
        )
        for limit in limits
    ]


@dataclass(frozen=True)
class ExceedanceRow:
    """An exceedance with its values as people write them."""

    exceedance: Exceedance
    value: float | int | None
    allowed_min: float | int | None
    allowed_max: float | int | None


def recent_exceedances(station: Station, count: int) -> list[ExceedanceRow]:
    """The station's latest ``count`` exceedances, newest first (one query)."""
    rows = (
        Exceedance.objects.filter(station=station)
        .select_related("parameter", "limit")
        .order_by("-period")[:count]
    )
    return [
        ExceedanceRow(row, trim(row.value), trim(row.allowed_min), trim(row.allowed_max))
        for row in rows
    ]
