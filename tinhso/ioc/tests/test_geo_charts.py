"""The offline map's projection and the trend charts' geometry (no database)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from tinhso.environment import aqi
from tinhso.ioc import charts, geo


def test_the_shipped_outline_is_a_closed_polygon_marked_illustrative() -> None:
    land = geo.geography()
    assert land.outline[0] == land.outline[-1] and len(land.outline) > 10
    lons = [lon for lon, _ in land.outline]
    lats = [lat for _, lat in land.outline]
    assert 105.8 < min(lons) < 106.0 and 106.9 < max(lons) < 107.1
    assert 20.9 < min(lats) < 21.0 and 21.6 < max(lats) < 21.7
    assert {name for name, _ in land.rivers} == {"Sông Cầu", "Sông Thương"}
    assert "không phải ranh giới pháp lý" in geo.GEOJSON.read_text(encoding="utf-8")


def test_projection_keeps_the_province_inside_the_viewbox_north_up() -> None:
    project = geo.projection()
    for lon, lat in geo.geography().outline:
        x, y = project(lon, lat)
        assert 0 <= x <= project.width and 0 <= y <= project.height
    bac_giang = project(106.20, 21.28)
    south_of_it = project(106.20, 21.00)
    east_of_it = project(106.60, 21.28)
    assert south_of_it[1] > bac_giang[1] and east_of_it[0] > bac_giang[0]


def test_projection_shrinks_longitude_by_the_cosine_of_latitude() -> None:
    project = geo.Projection(106.0, 21.0, 107.0, 22.0, width=1000, padding=0)
    one_degree_east = project(107.0, 21.0)[0] - project(106.0, 21.0)[0]
    one_degree_north = project(106.0, 21.0)[1] - project(106.0, 22.0)[1]
    assert abs(one_degree_east / one_degree_north - 0.9304) < 0.001


def test_a_station_outside_the_sketch_widens_the_map_to_hold_it() -> None:
    project = geo.projection([(107.3, 21.2)])
    x, y = project(107.3, 21.2)
    assert 0 <= x <= project.width and 0 <= y <= project.height


def test_aqi_chart_places_points_on_the_hours_and_draws_the_level_bands() -> None:
    end = timezone.make_aware(datetime.datetime(2026, 11, 30, 9))
    start = end - datetime.timedelta(hours=24)
    chart = charts.aqi_chart(
        [("Trạm A", [(start + datetime.timedelta(hours=12), 50), (end, 160)])],
        start=start,
        end=end,
    )
    (line,) = chart.lines
    (x1, y1, _), (x2, y2, label) = line.marks
    assert x1 == round((chart.left + chart.right) / 2, 1) and x2 == chart.right
    assert y2 < y1  # higher AQI is drawn higher
    assert label.endswith(": 160")
    assert [b.colour for b in chart.bands][:4] == [level.hex for level in aqi.LEVELS[:4]]
    assert chart.bands[0].y + chart.bands[0].height == chart.bottom


def test_day_bars_scale_to_the_busiest_day() -> None:
    day = datetime.date(2026, 11, 24)
    chart = charts.day_bars([(day, 0), (day + datetime.timedelta(days=1), 4)])
    empty, busiest = chart.bars
    assert empty.height == 0 and busiest.height > 0
    assert busiest.y + busiest.height == chart.bottom
    assert (empty.label, busiest.value) == ("24/11", 4)
