"""The public air and water quality pages: what Decision 1459 asks a published index to carry,
the page cache, the station's chart, and what stays off the public pages."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tinhso.core import pagecache
from tinhso.environment import aqi, queries, wqi
from tinhso.environment.choices import IndexKind, Medium, Source
from tinhso.environment.models import HourlyMean, IndexValue, Reading, Station
from tinhso.environment.tests.factories import EnvironmentWorld, build_environment

pytestmark = pytest.mark.django_db
BOARD = "/moi-truong/"
CSS = Path(__file__).resolve().parents[1] / "static" / "environment" / "environment.css"


@pytest.fixture
def env() -> EnvironmentWorld:
    return build_environment()


def last_hour() -> datetime.datetime:
    """The end of the hour that just finished, the label of its hourly index."""
    return timezone.now().replace(minute=0, second=0, microsecond=0)


def hourly_index(station: Station, hour: datetime.datetime, value: int, **extra: Any) -> IndexValue:
    return IndexValue.objects.create(
        station=station, kind=IndexKind.AQI_HOUR, period=hour, value=value, **extra
    )


@pytest.fixture
def air_hour(env: EnvironmentWorld) -> IndexValue:
    """An hourly AQI of 120 (Kém) at the air station, dominated by PM2.5, with the hour's means."""
    hour = last_hour()
    for code, mean in (("PM2.5", 52.0), ("NO2", 40.0), ("O3", 60.0)):
        HourlyMean.objects.create(
            station=env.air,
            parameter=env.parameters[code],
            hour=hour,
            mean=mean,
            maximum=mean,
            count=12,
        )
    return hourly_index(
        env.air,
        hour,
        120,
        dominant="PM2.5",
        detail={
            "parameters": {
                "PM2.5": {"value": 61.4, "aqi": 119.6},
                "NO2": {"value": 40.0, "aqi": 20.0},
                "O3": {"value": 60.0, "aqi": 18.75},
            }
        },
    )


def test_the_board_shows_the_level_colour_advice_and_dominant_parameter(
    client: Client, env: EnvironmentWorld, air_hour: IndexValue
) -> None:
    page = client.get(BOARD).content.decode()
    card = page[page.index('id="station-bg-kk-01"') :]
    card = card[: card.index("</article>")]
    poor = aqi.level_for(120)
    assert "swatch-ff7e00" in card and poor.name_vi == "Kém" and "Kém" in card
    assert poor.health in card
    assert poor.advice_normal in card and poor.advice_sensitive in card
    assert re.search(r'class="dominant">\s*Bụi PM2,5', card)
    # Every parameter of the hour is listed, the dominant one highlighted.
    dominant_rows = re.findall(r'<tr class="dominant"[^>]*data-parameter="([^"]+)"', card)
    assert dominant_rows == ["PM2.5"]
    assert 'data-parameter="NO2"' in card and 'data-parameter="O3"' in card
    assert "VN_AQI theo Quyết định 1459/QĐ-TCMT" in card
    assert "Sở Nông nghiệp và Môi trường tỉnh Bắc Ninh" in card  # the data source
    local = timezone.localtime(air_hour.period)
    assert f"{local:%d/%m/%Y %H:%M}" in card


def test_the_board_shows_yesterdays_daily_index(
    client: Client, env: EnvironmentWorld, air_hour: IndexValue
) -> None:
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    IndexValue.objects.create(
        station=env.air,
        kind=IndexKind.AQI_DAY,
        period=queries.day_start(yesterday),
        value=45,
        dominant="O3_8h",
    )
    page = client.get(BOARD).content.decode()
    assert f"VN_AQI ngày {yesterday:%d/%m/%Y}" in page
    assert "45 · Tốt" in page and "O3 (trung bình 8 giờ)" in page


def test_the_board_shows_the_water_index_marked_unverified(
    client: Client, env: EnvironmentWorld
) -> None:
    IndexValue.objects.create(
        station=env.river,
        kind=IndexKind.WQI_DAY,
        period=queries.day_start(timezone.localdate()),
        value=68,
    )
    page = client.get(BOARD).content.decode()
    card = page[page.index('id="station-cau-nm-01"') :]
    card = card[: card.index("</article>")]
    fair = wqi.level_for(68)
    assert fair.name_vi in card and fair.use_vi in card and "swatch-ffff00" in card
    assert "bảng tra chưa đối chiếu văn bản gốc" in page


def test_wastewater_stations_are_not_public(
    client: Client, env: EnvironmentWorld, air_hour: IndexValue
) -> None:
    page = client.get(BOARD).content.decode()
    assert env.waste.name not in page
    assert client.get(reverse("environment:station", args=[env.waste.code])).status_code == 404


def test_without_stations_the_board_says_there_is_no_data(client: Client, db: None) -> None:
    response = client.get(BOARD)
    assert response.status_code == 200
    assert 'id="env-empty"' in response.content.decode()


def test_a_station_without_an_index_says_so(client: Client, env: EnvironmentWorld) -> None:
    page = client.get(BOARD).content.decode()
    assert 'id="env-empty"' not in page
    card = page[page.index('id="station-bg-kk-01"') :]
    assert "Chưa có số liệu." in card[: card.index("</article>")]


def test_the_legend_lists_every_level_with_its_colour(
    client: Client, env: EnvironmentWorld
) -> None:
    page = client.get(BOARD).content.decode()
    legend = page[page.index('id="aqi-legend"') :]
    for level in aqi.LEVELS:
        assert f'class="swatch-{level.hex[1:]}">{level.low}–{level.high}: {level.name_vi}' in legend


def _luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def test_every_level_colour_has_a_class_with_the_official_colour_and_readable_text() -> None:
    css = CSS.read_text(encoding="utf-8")
    colours = [level.hex for level in aqi.LEVELS] + [
        row["hex"] for row in wqi.shipped_table()["levels"]
    ]
    for official in colours:
        colour = official.lstrip("#").lower()
        rule = re.search(rf"\.swatch-{colour} \{{ background: #{colour}; color: #(\w+);", css)
        assert rule, colour
        text = rule.group(1)
        text = "".join(c * 2 for c in text) if len(text) == 3 else text
        lighter, darker = sorted((_luminance(colour), _luminance(text)), reverse=True)
        assert (lighter + 0.05) / (darker + 0.05) >= 4.5, colour


def test_anonymous_visitors_get_the_board_from_the_cache_until_indices_change(
    client: Client, env: EnvironmentWorld, air_hour: IndexValue, django_assert_num_queries: Any
) -> None:
    first = client.get(BOARD)
    with django_assert_num_queries(0):
        again = client.get(BOARD)
    assert again.content == first.content
    IndexValue.objects.filter(pk=air_hour.pk).update(value=40)
    assert client.get(BOARD).content == first.content  # still the cached page
    pagecache.forget(queries.public_tag())
    assert "Tốt" in client.get(BOARD).content.decode()


def test_the_board_reads_a_fixed_number_of_queries(
    client: Client, env: EnvironmentWorld, air_hour: IndexValue, django_assert_max_num_queries: Any
) -> None:
    for number in range(2, 6):
        station = Station.objects.create(
            code=f"kk-{number}",
            name=f"Trạm không khí {number}",
            kind=env.air.kind,
            medium=Medium.AIR,
            agency=env.so_nnmt,
            unit=env.air.unit,
            latitude=21.3,
            longitude=106.2,
        )
        hourly_index(station, last_hour(), 30 * number, dominant="PM10")
    with django_assert_max_num_queries(8):
        page = client.get(BOARD + "?fresh=1").content.decode()
    assert "Trạm không khí 5" in page


def test_the_station_page_draws_48_hours_of_aqi_as_coloured_points(
    client: Client, env: EnvironmentWorld
) -> None:
    hour = last_hour()
    for back, value in ((0, 160), (1, 120), (2, 80), (30, 40), (60, 300)):  # 60 h: outside
        hourly_index(env.air, hour - datetime.timedelta(hours=back), value, dominant="PM2.5")
    page = client.get(reverse("environment:station", args=[env.air.code])).content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    points = re.findall(r'<circle class="point (swatch-\w+)" cx="([\d.]+)"', svg)
    assert [swatch for swatch, _x in points] == [
        "swatch-00e400",
        "swatch-ffff00",
        "swatch-ff7e00",
        "swatch-ff0000",
    ]
    xs = [float(x) for _swatch, x in points]
    assert xs == sorted(xs) and 40 <= xs[0] < xs[-1] <= 628
    assert "Xấu" in page  # the latest (160) with its advice
    assert aqi.level_for(160).advice_sensitive in page


def test_the_station_page_lists_the_latest_readings(client: Client, env: EnvironmentWorld) -> None:
    now = timezone.now()
    for minutes, value in ((10, 31.0), (5, 33.5)):
        Reading.objects.create(
            station=env.air,
            parameter=env.parameters["PM2.5"],
            observed_at=now - datetime.timedelta(minutes=minutes),
            value=value,
            source=Source.HTTP,
            received_at=now,
        )
    page = client.get(reverse("environment:station", args=[env.air.code])).content.decode()
    row = page[page.index('data-parameter="PM2.5"', page.index('id="readings"')) :]
    row = row[: row.index("</tr>")]
    assert '<td class="num">33,5</td>' in row and "31" not in row
    assert "Chưa có chỉ số trong khoảng thời gian này." in page


def test_the_station_page_is_cached_for_anonymous_visitors(
    client: Client, env: EnvironmentWorld, air_hour: IndexValue, django_assert_num_queries: Any
) -> None:
    url = reverse("environment:station", args=[env.air.code])
    first = client.get(url)
    with django_assert_num_queries(0):
        assert client.get(url).content == first.content
