"""Reads of the environment app for the operations centre: what each station shows on the map,
the environment KPIs and the trend series — all narrowed to the stations the viewer may see.

Every function runs a fixed number of queries whatever the number of stations.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.accounts.permissions import Perm, scope_queryset
from tinhso.alerts.models import OPEN_STATES, Alert
from tinhso.environment import aqi, wqi
from tinhso.environment.choices import IndexKind, Medium
from tinhso.environment.evaluation import SOURCE as ENVIRONMENT_SOURCE
from tinhso.environment.evaluation import stations_silent_since
from tinhso.environment.models import Exceedance, IndexValue, Station

AQI_RECENT = datetime.timedelta(hours=2)
"""An hourly AQI older than this is no longer "now": the station is drawn grey."""
WQI_RECENT = datetime.timedelta(days=2)
"""A daily WQI labelled by the start of its day: yesterday's still counts."""
EXCEEDANCE_RECENT = datetime.timedelta(hours=2)
NO_DATA = "#9aa0a6"
ALARM = "#ff0000"
WITHIN_LIMITS = "#00e400"
STATION_FIELDS = ("pk", "code", "name", "medium", "latitude", "longitude", "unit_id", "agency_id")


def visible_stations(user: Any) -> QuerySet[Station]:
    """The active stations whose unit or managing agency lies in ``user``'s ``data.view`` scope."""
    return scope_queryset(
        user,
        Perm.DATA_VIEW,
        Station.objects.filter(active=True),
        unit_field="unit",
        agency_field="agency",
    ).only(*STATION_FIELDS)


def visible_exceedances(user: Any) -> QuerySet[Exceedance]:
    """Exceedances of the stations ``user`` may see."""
    return scope_queryset(
        user,
        Perm.DATA_VIEW,
        Exceedance.objects.all(),
        unit_field="station__unit",
        agency_field="station__agency",
    )


def station_url(code: str) -> str:
    """The station's page in the environment app."""
    return reverse("environment:station", args=[code])


@dataclass(frozen=True)
class StationState:
    """A station as the map draws it: its colour, shape, and what the tooltip says."""

    station: Station
    colour: str
    status: str
    index_value: int | None = None
    index_name: str = ""
    dominant: str = ""
    alarm: bool = False

    @property
    def square(self) -> bool:
        """Wastewater stations are squares; air and surface water, circles."""
        return self.station.medium == Medium.WASTEWATER

    @property
    def url(self) -> str:
        return station_url(self.station.code)


def _latest_indices(stations: Sequence[Station], now: datetime.datetime) -> dict[int, IndexValue]:
    """Each station's newest recent AQI (hourly) or WQI (daily), in one query."""
    recent = Q(kind=IndexKind.AQI_HOUR, period__gte=now - AQI_RECENT) | Q(
        kind=IndexKind.WQI_DAY, period__gte=now - WQI_RECENT
    )
    latest: dict[int, IndexValue] = {}
    rows = IndexValue.objects.filter(
        recent, station_id__in=[s.pk for s in stations], value__isnull=False
    ).only("station_id", "kind", "period", "value", "dominant")
    for index in rows.order_by("period"):
        latest[index.station_id] = index
    return latest


def _stations_in_alarm(stations: Sequence[Station], now: datetime.datetime) -> set[int]:
    """Wastewater stations with an open environment alert on one of their parameters or an
    exceedance in the last two hours (two queries)."""
    waste = {s.code: s.pk for s in stations if s.medium == Medium.WASTEWATER}
    if not waste:
        return set()
    # Environment alerts on a station's parameter are keyed "<station code>/<parameter>".
    keys = Alert.objects.filter(
        rule__source=ENVIRONMENT_SOURCE, state__in=OPEN_STATES, key__contains="/"
    ).values_list("key", flat=True)
    alarmed = {waste[code] for code in (k.split("/", 1)[0] for k in keys) if code in waste}
    alarmed.update(
        Exceedance.objects.filter(
            station_id__in=waste.values(), period__gte=now - EXCEEDANCE_RECENT
        ).values_list("station_id", flat=True)
    )
    return alarmed


def station_states(user: Any, now: datetime.datetime | None = None) -> list[StationState]:
    """What the map shows of each station ``user`` may see (four queries)."""
    now = now or timezone.now()
    stations = list(visible_stations(user))
    latest = _latest_indices(stations, now)
    alarmed = _stations_in_alarm(stations, now)
    states = []
    for station in stations:
        index = latest.get(station.pk)
        if station.medium == Medium.WASTEWATER:
            if station.pk in alarmed:
                states.append(StationState(station, ALARM, _("Vượt quy chuẩn"), alarm=True))
            else:
                states.append(StationState(station, WITHIN_LIMITS, _("Trong giới hạn")))
        elif index is not None and index.value is not None:
            if index.kind == IndexKind.AQI_HOUR:
                level: Any = aqi.level_for(index.value)
                name = "VN_AQI"
            else:
                level = wqi.level_for(index.value)
                name = "VN_WQI"
            states.append(
                StationState(station, level.hex, level.name_vi, index.value, name, index.dominant)
            )
        else:
            states.append(StationState(station, NO_DATA, _("Không có số liệu gần đây")))
    return states


# -- KPIs ---------------------------------------------------------------------------------------


def stations_reporting(user: Any, now: datetime.datetime | None = None) -> tuple[int, int]:
    """How many of the stations ``user`` may see are sending data, of how many (the rule of
    the "lost signal" alert: silent past three expected intervals)."""
    now = now or timezone.now()
    visible = set(visible_stations(user).values_list("pk", flat=True))
    silent = [flag for station, flag in stations_silent_since(now) if station.pk in visible]
    return sum(1 for flag in silent if not flag), len(visible)


def exceedances_today(user: Any, now: datetime.datetime | None = None) -> int:
    """Exceedances since midnight (Vietnam time) at the stations ``user`` may see."""
    now = now or timezone.now()
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return visible_exceedances(user).filter(period__gte=midnight).count()


def worst_aqi(user: Any, now: datetime.datetime | None = None) -> int | None:
    """The highest recent hourly AQI among the stations ``user`` may see."""
    now = now or timezone.now()
    found = IndexValue.objects.filter(
        kind=IndexKind.AQI_HOUR,
        period__gte=now - AQI_RECENT,
        station__in=visible_stations(user).values("pk"),
    ).aggregate(worst=Max("value"))["worst"]
    return int(found) if found is not None else None


# -- trends -------------------------------------------------------------------------------------


def aqi_series(
    user: Any, now: datetime.datetime | None = None, hours: int = 24
) -> list[tuple[Station, list[tuple[datetime.datetime, int]]]]:
    """The hourly AQI of the last ``hours`` of each air station ``user`` may see (two
    queries); stations without any value are left out."""
    now = now or timezone.now()
    stations = {s.pk: s for s in visible_stations(user).filter(medium=Medium.AIR)}
    points: dict[int, list[tuple[datetime.datetime, int]]] = defaultdict(list)
    rows = IndexValue.objects.filter(
        kind=IndexKind.AQI_HOUR,
        station_id__in=stations.keys(),
        period__gt=now - datetime.timedelta(hours=hours),
        period__lte=now,
        value__isnull=False,
    ).values_list("station_id", "period", "value")
    for station_id, period, value in rows.order_by("period"):
        if value is not None:
            points[station_id].append((period, value))
    return [(stations[pk], points[pk]) for pk in sorted(points, key=lambda p: stations[p].code)]


def exceedances_per_day(
    user: Any, now: datetime.datetime | None = None, days: int = 7
) -> list[tuple[datetime.date, int]]:
    """Exceedances per day (Vietnam time) over the last ``days`` days, today included, at the
    stations ``user`` may see (one query)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    first = today - datetime.timedelta(days=days - 1)
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time()))
    zone = timezone.get_current_timezone()
    counts = dict(
        visible_exceedances(user)
        .filter(period__gte=start)
        .annotate(day=TruncDate("period", tzinfo=zone))
        .order_by()
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    return [
        (first + datetime.timedelta(days=i), int(counts.get(first + datetime.timedelta(days=i), 0)))
        for i in range(days)
    ]
