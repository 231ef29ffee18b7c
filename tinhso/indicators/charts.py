"""Geometry of the scorecard's charts, drawn as inline SVG by the templates.

No JavaScript chart library: the Content-Security-Policy allows scripts and styles from our own
origin only, and a server-drawn chart works without scripts, prints, and comes with its data
table. This module computes coordinates; ``indicators/scorecard/partials/_chart.html`` and
``_sparkline.html`` draw them, styled by ``static/indicators/scorecard.css``.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.formats import number_format

__all__ = ["Chart", "Mark", "Sparkline", "nice_ticks", "sparkline", "trend_chart"]


@dataclass(frozen=True)
class Mark:
    """A point drawn on a chart, with the label read out by assistive technology."""

    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Chart:
    """A trend chart: the series, its projection to the deadline, the target and the path."""

    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    line: str
    marks: list[Mark]
    projection: tuple[float, float, float, float] | None
    target_y: float | None
    path: str
    deadline_x: float
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    x_ticks: list[tuple[float, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Sparkline:
    """A small line of the series, with the target as a reference line."""

    width: int
    height: int
    line: str
    last: Mark | None
    target_y: float | None


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About ``count`` round values covering ``low``-``high`` (steps of 1, 2 or 5 × 10ⁿ)."""
    if high <= low:
        low, high = low - 1, high + 1
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high:
        ticks.append(round(value, 10))
    return ticks


def _label(value: float) -> str:
    decimals = 0 if float(value).is_integer() else 1
    return str(number_format(value, decimals))


def _scale(low: float, high: float, start: float, end: float) -> Callable[[float], float]:
    """The linear map from ``low``-``high`` onto ``start``-``end`` (pixels)."""
    span = high - low or 1.0
    return lambda value: start + (value - low) / span * (end - start)


def trend_chart(
    points: Sequence[tuple[datetime.date, float, str]],
    *,
    deadline: datetime.date,
    target: float | None,
    projected: float | None = None,
    path: Sequence[tuple[datetime.date, float]] = (),
    width: int = 640,
    height: int = 280,
) -> Chart:
    """Lay out a trend chart of ``points`` (day, value, label) up to ``deadline``.

    The projection runs from the last point to ``projected`` at the deadline; ``target`` is a
    horizontal line; ``path`` the expected milestones. Time runs left to right from the first
    point (or milestone) to the deadline.
    """
    left, top, right, bottom = 56.0, 16.0, float(width - 16), float(height - 36)
    days = [p[0] for p in points] + [d for d, _ in path] + [deadline]
    first, last = min(days), max(days)
    values = [p[1] for p in points] + [v for _, v in path]
    values += [v for v in (target, projected) if v is not None]
    ticks = nice_ticks(min(values, default=0.0), max(values, default=1.0))
    x_of = _scale(float(first.toordinal()), float(last.toordinal()), left, right)
    y_of = _scale(ticks[0], ticks[-1], bottom, top)

    def x(day: datetime.date) -> float:
        return round(x_of(float(day.toordinal())), 1)

    def y(value: float) -> float:
        return round(y_of(value), 1)

    marks = [Mark(x(day), y(value), label) for day, value, label in points]
    projection = None
    if points and projected is not None and points[-1][0] < deadline:
        projection = (marks[-1].x, marks[-1].y, x(deadline), y(projected))
    # A year is marked at its last day, where its yearly value (and December's) is drawn.
    years = range(first.year, last.year + 1)
    step = max(1, math.ceil(len(years) / 8))
    x_ticks = [
        (x(datetime.date(year, 12, 31)), str(year))
        for year in years[::step]
        if first <= datetime.date(year, 12, 31) <= last
    ]
    return Chart(
        width=width,
        height=height,
        left=left,
        top=top,
        right=right,
        bottom=bottom,
        line=" ".join(f"{m.x},{m.y}" for m in marks),
        marks=marks,
        projection=projection,
        target_y=y(target) if target is not None else None,
        path=" ".join(f"{x(day)},{y(value)}" for day, value in path),
        deadline_x=x(deadline),
        y_ticks=[(y(tick), _label(tick)) for tick in ticks],
        x_ticks=x_ticks,
    )


def sparkline(
    points: Sequence[tuple[datetime.date, float]],
    *,
    target: float | None,
    width: int = 120,
    height: int = 32,
) -> Sparkline:
    """Lay out a sparkline of ``points`` (day, value) with the target as a reference line."""
    values = [v for _, v in points] + ([target] if target is not None else [])
    low, high = min(values, default=0.0), max(values, default=1.0)
    if high == low:
        low, high = low - 1, high + 1
    days = [d.toordinal() for d, _ in points] or [0]
    x_of = _scale(float(min(days)), float(max(days)), 2.0, float(width - 4))
    y_of = _scale(low, high, float(height - 3), 3.0)
    coords = [(round(x_of(float(d.toordinal())), 1), round(y_of(v), 1)) for d, v in points]
    if len(coords) == 1:
        coords = [(2.0, coords[0][1]), (float(width - 4), coords[0][1])]
    last = Mark(coords[-1][0], coords[-1][1], _label(points[-1][1])) if points else None
    return Sparkline(
        width=width,
        height=height,
        line=" ".join(f"{cx},{cy}" for cx, cy in coords),
        last=last,
        target_y=round(y_of(target), 1) if target is not None else None,
    )
