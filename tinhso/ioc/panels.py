"""What each panel of the operations centre's screen shows, for one viewer.

The full page renders the four panels at once; each panel's partial is then refreshed by htmx
polling. Both go through the functions here, so a panel reads the same on first load and on
every refresh.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from tinhso.alerts.queries import open_alerts
from tinhso.core import registry as core_registry
from tinhso.environment import aqi
from tinhso.ioc import charts, geo, kpis, monitoring
from tinhso.ioc.registry import KpiValue, measure
from tinhso.ioc.registry import kpis as registered_kpis

ALERT_LIMIT = 50
STATION_RADIUS = 9
SQUARE = 16


@dataclass(frozen=True)
class Marker:
    """A station placed on the map."""

    state: monitoring.StationState
    x: float
    y: float

    @property
    def corner(self) -> tuple[float, float]:
        """The top-left corner of a wastewater station's square."""
        return round(self.x - SQUARE / 2, 1), round(self.y - SQUARE / 2, 1)


def map_panel(user: Any) -> dict[str, Any]:
    """The map: the province's sketch, rivers, places and the stations ``user`` may see."""
    states = monitoring.station_states(user)
    project = geo.projection((s.station.longitude, s.station.latitude) for s in states)
    land = geo.geography()
    markers = [Marker(s, *project(s.station.longitude, s.station.latitude)) for s in states]
    # Wastewater in alarm drawn last, on top of the others.
    markers.sort(key=lambda m: (m.state.alarm, m.state.square))
    return {
        "width": project.width,
        "height": project.height,
        "outline": project.path(land.outline, closed=True),
        "rivers": [(name, project.path(line)) for name, line in land.rivers],
        "places": [(name, *project(*point)) for name, point in land.places],
        "markers": markers,
        "radius": STATION_RADIUS,
        "square": SQUARE,
        "levels": aqi.LEVELS,
        "no_data": monitoring.NO_DATA,
        "alarm": monitoring.ALARM,
        "within_limits": monitoring.WITHIN_LIMITS,
    }


def alerts_panel(user: Any) -> dict[str, Any]:
    """The open alerts ``user`` may see, most severe first, then the newest."""
    return {"alerts": open_alerts(user, limit=ALERT_LIMIT)}


def kpi_panel(user: Any) -> dict[str, Any]:
    """The registered KPIs for ``user``, the home page's tiles and the headline targets."""
    figures: list[tuple[Any, KpiValue]] = [(kpi, measure(kpi, user)) for kpi in registered_kpis()]
    tiles = [(tile, tile.value()) for tile in core_registry.tiles()]
    return {"figures": figures, "tiles": tiles, "targets": kpis.headline_targets()}


def trends_panel(user: Any, now: datetime.datetime | None = None) -> dict[str, Any]:
    """The last 24 hours of hourly AQI per air station and exceedances over the last 7 days."""
    now = now or timezone.now()
    # Hourly values are labelled by the hour's end: the axis runs to the end of this hour.
    end = now.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=1)
    series = monitoring.aqi_series(user, now)
    return {
        "aqi_chart": charts.aqi_chart(
            [(station.name, points) for station, points in series],
            start=end - datetime.timedelta(hours=24),
            end=end,
        ),
        "exceedance_chart": charts.day_bars(monitoring.exceedances_per_day(user, now)),
    }
