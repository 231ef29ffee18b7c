"""Geometry of a station's index history, drawn as inline SVG by
``environment/partials/_history_chart.html`` (no JavaScript chart library; the CSP allows our
own origin only). Points carry their level's colour class; the data table sits under the chart.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from tinhso.environment.queries import Shown
from tinhso.indicators.charts import nice_ticks


@dataclass(frozen=True)
class TimeAxes:
    """A plot area: time runs left to right between ``start`` and ``end``, values up from 0
    to the highest of ``ticks`` (the scorecard's tick rule). Shared with the operations
    centre's trend charts."""

    left: float
    top: float
    right: float
    bottom: float
    start: datetime.datetime
    end: datetime.datetime
    ticks: list[float]

    def x(self, moment: datetime.datetime) -> float:
        span = (self.end - self.start).total_seconds() or 1.0
        return round(
            self.left + (moment - self.start).total_seconds() / span * (self.right - self.left), 1
        )

    def y(self, value: float) -> float:
        return round(self.bottom - value / (self.ticks[-1] or 1.0) * (self.bottom - self.top), 1)

    def y_ticks(self) -> list[tuple[float, str]]:
        return [(self.y(t), f"{t:g}") for t in self.ticks]


def time_axes(
    start: datetime.datetime,
    end: datetime.datetime,
    highest: float,
    *,
    left: float,
    top: float,
    right: float,
    bottom: float,
) -> TimeAxes:
    """The axes of a chart whose values reach ``highest``."""
    return TimeAxes(left, top, right, bottom, start, end, nice_ticks(0.0, highest))


@dataclass(frozen=True)
class Point:
    """An index value on the chart, coloured by its level, with its spoken label."""

    x: float
    y: float
    swatch: str
    label: str


@dataclass(frozen=True)
class HistoryChart:
    """A line of index values over time with value and time ticks."""

    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    line: str
    points: list[Point]
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, str]]


def history_chart(
    values: Sequence[Shown],
    *,
    start: datetime.datetime,
    end: datetime.datetime,
    tick_every: datetime.timedelta,
    width: int = 640,
    height: int = 240,
) -> HistoryChart:
    """Lay out ``values`` (with an index value) between ``start`` and ``end``.

    Time runs left to right; the value axis starts at 0. A tick marks every ``tick_every``
    (Vietnam time, aligned to midnight), labelled with ``tick_format`` (``strftime``).
    """
    drawn = [v for v in values if v.value is not None]
    axes = time_axes(
        start,
        end,
        float(max((v.value or 0 for v in drawn), default=50) or 50),
        left=40.0,
        top=12.0,
        right=float(width - 12),
        bottom=float(height - 28),
    )
    x, y = axes.x, axes.y

    points = [
        Point(
            x(v.period),
            y(float(v.value or 0)),
            v.swatch,
            f"{timezone.localtime(v.period):%d/%m/%Y %H:%M}: {v.value}"
            + (f" ({v.level.name_vi})" if v.level else ""),
        )
        for v in drawn
    ]
    local_start = timezone.localtime(start)
    tick = local_start.replace(hour=0, minute=0, second=0, microsecond=0)
    x_ticks = []
    while tick <= end:
        if tick >= start:
            x_ticks.append((x(tick), tick.strftime("%d/%m" if tick.hour == 0 else "%H:%M")))
        tick = timezone.localtime(tick + tick_every)
    return HistoryChart(
        width=width,
        height=height,
        left=axes.left,
        top=axes.top,
        right=axes.right,
        bottom=axes.bottom,
        line=" ".join(f"{p.x},{p.y}" for p in points),
        points=points,
        y_ticks=axes.y_ticks(),
        x_ticks=x_ticks,
    )
