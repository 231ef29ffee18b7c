"""The public air and water quality pages (``/moi-truong/``), for citizens, without login.

Decision 1459 Bảng 3 says what a published VN_AQI must carry on the web: the station and its
location, the level's colour, the dominant parameter (with every parameter shown and the
dominant one highlighted), the health advice, the method's name and the data source. The board
shows that for every active ambient-air station, and the latest VN_WQI of every surface-water
station (its tables are not yet checked against the signed decision, and the page says so).

Wastewater stations are not public: their readings belong to the discharging facility and the
environment department, and show on the staff pages (``staff_views``) only.

Anonymous visitors get both pages from the public page cache until the indices change
(``pagecache.forget(queries.public_tag())``) or the entry expires.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from tinhso.core import pagecache
from tinhso.core.htmx import is_htmx
from tinhso.environment import aqi, charts, queries, wqi
from tinhso.environment.choices import IndexKind
from tinhso.environment.models import Station


def _cache_bare(request: HttpRequest) -> None:
    # Only the bare address is cached: query strings are endless.
    if not request.GET and not is_htmx(request):
        pagecache.depends_on(request, queries.public_tag())


def legend() -> dict[str, Any]:
    """The colour scales: the six VN_AQI levels and the six VN_WQI levels."""
    return {
        "aqi_levels": [
            {"level": level, "swatch": f"swatch-{level.hex.lstrip('#')}"} for level in aqi.LEVELS
        ],
        "wqi_levels": [
            {"level": level, "swatch": f"swatch-{level.hex.lstrip('#')}"}
            for level in (wqi.level_for(row["min"]) for row in wqi.shipped_table()["levels"])
        ],
        "aqi_method": queries.AQI_METHOD,
        "wqi_method": queries.WQI_METHOD,
    }


@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """``/moi-truong/``: every public station with its latest VN_AQI or VN_WQI."""
    _cache_bare(request)
    air, water = queries.public_board()
    return render(request, "environment/board.html", {"air": air, "water": water, **legend()})


def station_context(station: Station, now: datetime.datetime | None = None) -> dict[str, Any]:
    """What a station's page shows to everyone: latest index, history chart, latest readings."""
    now = now or timezone.now()
    context: dict[str, Any] = {
        "station": station,
        "readings": queries.latest_readings(station),
        **legend(),
    }
    kind = queries.index_kind(station)
    if kind is None:
        return context
    names = queries.parameter_names()
    values = [queries.shown(index, names) for index in queries.history(station, kind, now)]
    hourly = kind == IndexKind.AQI_HOUR
    chart = charts.history_chart(
        values,
        start=now - queries.history_span(kind),
        end=now,
        tick_every=datetime.timedelta(hours=6) if hourly else datetime.timedelta(days=5),
    )
    return {
        **context,
        "kind": kind,
        "hourly": hourly,
        "latest": values[-1] if values else None,
        "history": list(reversed(values)),
        "chart": chart if any(v.value is not None for v in values) else None,
    }


@require_GET
def station_page(request: HttpRequest, code: str) -> HttpResponse:
    """``/moi-truong/tram/<code>/``: a public station's index over time and latest readings."""
    _cache_bare(request)
    station = queries.public_station(code)
    if station is None:
        raise Http404(code)
    return render(request, "environment/station.html", station_context(station))
