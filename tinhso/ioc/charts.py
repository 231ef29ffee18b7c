"""Geometry of the operations centre's trend charts, drawn as inline SVG by the templates.

As the scorecard's charts (:mod:`tinhso.indicators.charts`, whose tick rule is reused here),
no JavaScript chart library: the page's Content-Security-Policy allows our own scripts only,
and a server-drawn chart is refreshed by htmx like any other partial.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils import timezone

from tinhso.environment import aqi
from tinhso.environment.charts import time_axes

PALETTE = ("#4ea1ff", "#ff9f43", "#b084f5", "#2ed3b7", "#ff6b9a", "#e0e05a", "#7ad151", "#c0c0c0")
"""Line colours for stations, distinguishable on a dark background."""


@dataclass(frozen=True)
class Line:
    """One station's line, with its points' tooltips."""

    name: str
    colour: str
    points: str
    marks: list[tuple[float, float, str]]


@dataclass(frozen=True)
class Band:
    """A horizontal band of an AQI level behind the lines, in its official colour."""

    y: float
    height: float
    colour: str
    name: str


@dataclass(frozen=True)
class LineChart:
    """The hourly AQI of several stations over the same hours."""

    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    lines: list[Line]
    bands: list[Band] = field(default_factory=list)
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    x_ticks: list[tuple[float, str]] = field(default_factory=list)

    @property
    def plot_width(self) -> float:
        return round(self.right - self.left, 1)


@dataclass(frozen=True)
class Bar:
    """A day's bar."""

    x: float
    y: float
    width: float
    height: float
    label: str
    value: int

    @property
    def centre(self) -> float:
        return round(self.x + self.width / 2, 1)


@dataclass(frozen=True)
class BarChart:
    """Counts per day."""

    width: int
    height: int
    bottom: float
    bars: list[Bar]


def aqi_chart(
    series: Sequence[tuple[str, Sequence[tuple[datetime.datetime, int]]]],
    *,
    start: datetime.datetime,
    end: datetime.datetime,
    width: int = 640,
    height: int = 240,
) -> LineChart:
    """Lay out one line per ``(name, [(hour, aqi)])`` between ``start`` and ``end``, over the
    AQI levels' bands up to the highest level reached."""
    values = [value for _, points in series for _, value in points]
    axes = time_axes(
        start,
        end,
        float(max([100, *values])),
        left=40.0,
        top=10.0,
        right=float(width - 10),
        bottom=float(height - 26),
    )
    x, y, high = axes.x, axes.y, axes.ticks[-1]

    lines = []
    for number, (name, points) in enumerate(series):
        marks = [
            (x(moment), y(value), f"{name} {timezone.localtime(moment):%H:%M}: {value}")
            for moment, value in points
        ]
        lines.append(
            Line(
                name=name,
                colour=PALETTE[number % len(PALETTE)],
                points=" ".join(f"{mx},{my}" for mx, my, _ in marks),
                marks=marks,
            )
        )
    bands = []
    for level in aqi.LEVELS:
        if level.low > high:
            break
        lower = y(level.low)
        upper = y(min(float(level.high + 1), high))
        bands.append(Band(upper, round(lower - upper, 1), level.hex, level.name_vi))
    hours = [start + datetime.timedelta(hours=h) for h in range(0, 25, 6)]
    return LineChart(
        width=width,
        height=height,
        left=axes.left,
        top=axes.top,
        right=axes.right,
        bottom=axes.bottom,
        lines=lines,
        bands=bands,
        y_ticks=axes.y_ticks(),
        x_ticks=[(x(h), f"{timezone.localtime(h):%H:%M}") for h in hours if h <= end],
    )


def day_bars(
    counts: Sequence[tuple[datetime.date, int]], *, width: int = 640, height: int = 240
) -> BarChart:
    """Lay out one bar per day, labelled ``dd/mm``."""
    bottom = float(height - 26)
    top = 18.0
    highest = max([1, *(n for _, n in counts)])
    slot = width / max(len(counts), 1)
    bars = []
    for number, (day, n) in enumerate(counts):
        bar_height = round(n / highest * (bottom - top), 1)
        bars.append(
            Bar(
                x=round(number * slot + slot * 0.15, 1),
                y=round(bottom - bar_height, 1),
                width=round(slot * 0.7, 1),
                height=bar_height,
                label=f"{day:%d/%m}",
                value=n,
            )
        )
    return BarChart(width=width, height=height, bottom=bottom, bars=bars)
