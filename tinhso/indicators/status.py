"""Status of a target ("chỉ tiêu") computed from its observations and their projected trend.

Pure Python, no database: callers pass a :class:`TargetSpec` and a series of
:class:`Observation` and get an :class:`Assessment` back.

Comparisons
    ``AT_LEAST`` (≥, e.g. "records processed online > 65 %"), ``AT_MOST`` (≤, e.g. a rank
    "top 15": lower is better, integer targets work through the same logic) and ``ABOUT``
    (≈, e.g. "digital economy ≈ 25 % of GRDP"): met when ``|value − target| ≤ tolerance ×
    |target|``; the tolerance is relative, ±5 % by default (a target of 0 therefore needs an
    exact hit).

    A strict target (">" or "<", ``strict=True``) is treated as "≥" (or "≤") shifted by a tiny
    ``epsilon`` (:data:`EPSILON`, a parameter of :func:`meets` and :func:`assess`): "> 65" is met
    by ``value ≥ 65 + ε``, so a value of exactly 65 does not meet it. A non-strict target
    accepts values up to ε on the wrong side, so floating-point noise (a projection of
    64.99999999999 for a series that lands on 65) does not flip the verdict. ``strict`` is
    rejected for ``ABOUT``.

Rules of :func:`assess`
    * Observations dated after ``today`` are ignored; none left → ``NO_DATA``.
    * Deadline in the past (``deadline < today``): the verdict rests on the last observation on
      or before the deadline: it meets the target → ``ACHIEVED``, else ``OFF_TRACK``. Without
      any observation on or before the deadline the outcome is unknown → ``NO_DATA``.
    * Otherwise, the latest observation already meets the target → ``ACHIEVED``.
    * Otherwise the trend is projected to the deadline (:func:`project`: least-squares line
      through the most recent ``window`` observations): the projection meets the target →
      ``ON_TRACK``; it misses by at most ``margin`` → ``AT_RISK``; else ``OFF_TRACK``.
      ``margin`` is relative (default 10 %) to ``|target − baseline|``, or to ``|target|``
      when there is no baseline or the baseline equals the target.
    * For ``ABOUT`` "misses by" is the distance beyond the tolerance band, so within
      tolerance → ``ON_TRACK`` and within tolerance + margin → ``AT_RISK``.

Milestones and gap
    With a baseline (value and day) the expected path is the straight line from the baseline to
    the target at the deadline (:func:`milestones`), flat before the baseline day and after the
    deadline. ``Assessment.expected_now`` is that path at ``today`` and ``Assessment.gap`` is
    ``current − expected`` oriented so that positive means ahead of the path: as is for
    ``AT_LEAST``, negated for ``AT_MOST``, and for ``ABOUT`` oriented by the direction of
    travel from baseline to target (when baseline equals target, any deviation counts
    against: ``−|current − expected|``).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType

__all__ = [
    "DEFAULT_MARGIN",
    "DEFAULT_WINDOW",
    "EPSILON",
    "LABEL_EN",
    "LABEL_VI",
    "Assessment",
    "Comparison",
    "Observation",
    "TargetSpec",
    "TargetStatus",
    "assess",
    "meets",
    "milestones",
    "project",
    "shortfall",
]

EPSILON = 1e-9
"""Absolute shift that turns "≥" into ">" (and absorbs float noise for non-strict targets)."""

DEFAULT_WINDOW = 5
"""How many of the most recent observations the projection uses."""

DEFAULT_MARGIN = 0.10
"""Relative miss, of ``|target − baseline|`` (or ``|target|``), still counted ``AT_RISK``."""


class Comparison(StrEnum):
    """How an observed value is compared with the target value."""

    AT_LEAST = "at_least"
    """≥ (with ``strict``: >)."""
    AT_MOST = "at_most"
    """≤ (with ``strict``: <); also ranks such as "top 15"."""
    ABOUT = "about"
    """≈ within a relative tolerance of the target."""


class TargetStatus(StrEnum):
    """Where a target stands; see the module docstring for the rules."""

    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"

    @property
    def label_vi(self) -> str:
        """Vietnamese label, for reports."""
        return LABEL_VI[self]

    @property
    def label_en(self) -> str:
        """English label."""
        return LABEL_EN[self]


LABEL_VI: Mapping[TargetStatus, str] = MappingProxyType(
    {
        TargetStatus.ACHIEVED: "Đã đạt",
        TargetStatus.ON_TRACK: "Đúng tiến độ",
        TargetStatus.AT_RISK: "Có nguy cơ không đạt",
        TargetStatus.OFF_TRACK: "Chậm tiến độ",
        TargetStatus.NO_DATA: "Chưa có số liệu",
    }
)
"""Vietnamese label of every status."""

LABEL_EN: Mapping[TargetStatus, str] = MappingProxyType(
    {
        TargetStatus.ACHIEVED: "Achieved",
        TargetStatus.ON_TRACK: "On track",
        TargetStatus.AT_RISK: "At risk",
        TargetStatus.OFF_TRACK: "Off track",
        TargetStatus.NO_DATA: "No data",
    }
)
"""English label of every status."""


@dataclass(frozen=True)
class Observation:
    """One measured value of an indicator on a day."""

    day: date
    value: float

    def __post_init__(self) -> None:
        if not math.isfinite(self.value):
            raise ValueError(f"observation value must be finite, got {self.value!r}")


@dataclass(frozen=True)
class TargetSpec:
    """A target: reach ``target_value`` (per ``comparison``) by ``deadline``.

    The baseline (value and day, both or neither) anchors the expected path and the margin.
    ``tolerance`` is relative to the target and used by ``ABOUT`` only; ``strict`` turns
    ``AT_LEAST``/``AT_MOST`` into ">"/"<".
    """

    baseline_value: float | None
    baseline_day: date | None
    target_value: float
    comparison: Comparison
    deadline: date
    tolerance: float = 0.05
    strict: bool = False

    def __post_init__(self) -> None:
        if (self.baseline_value is None) != (self.baseline_day is None):
            raise ValueError("baseline_value and baseline_day go together: give both or neither")
        if self.baseline_day is not None and self.baseline_day >= self.deadline:
            raise ValueError("baseline_day must be before the deadline")
        if not math.isfinite(self.target_value):
            raise ValueError("target_value must be finite")
        if self.baseline_value is not None and not math.isfinite(self.baseline_value):
            raise ValueError("baseline_value must be finite")
        if not (math.isfinite(self.tolerance) and self.tolerance >= 0):
            raise ValueError("tolerance must be a finite number ≥ 0")
        if self.strict and self.comparison is Comparison.ABOUT:
            raise ValueError("strict applies to AT_LEAST and AT_MOST, not ABOUT")

    @property
    def has_baseline(self) -> bool:
        """Whether both baseline value and day are known."""
        return self.baseline_value is not None and self.baseline_day is not None


@dataclass(frozen=True)
class Assessment:
    """The outcome of :func:`assess`.

    ``current_value``/``current_day`` are the observation the verdict rests on (the latest one
    up to ``today``, or up to the deadline once it has passed); ``projected_value`` is the trend
    at the deadline; ``expected_now`` and ``gap`` need a baseline (see the module docstring).
    """

    status: TargetStatus
    current_value: float | None
    current_day: date | None
    projected_value: float | None
    expected_now: float | None
    gap: float | None


def shortfall(spec: TargetSpec, value: float, *, epsilon: float = EPSILON) -> float:
    """How far ``value`` is from meeting the target: 0 when it meets it, else a positive amount.

    For ``ABOUT`` this is the distance beyond the tolerance band. A strict target missed by
    landing exactly on it has a shortfall of ``epsilon``.
    """
    target = spec.target_value
    if spec.comparison is Comparison.ABOUT:
        allowed = spec.tolerance * abs(target) + epsilon
        return max(0.0, abs(value - target) - allowed)
    shift = epsilon if spec.strict else -epsilon
    if spec.comparison is Comparison.AT_LEAST:
        return max(0.0, (target + shift) - value)
    return max(0.0, value - (target - shift))


def meets(spec: TargetSpec, value: float, *, epsilon: float = EPSILON) -> bool:
    """Whether ``value`` meets the target, respecting comparison, tolerance and strictness."""
    return shortfall(spec, value, epsilon=epsilon) == 0.0


def _expected_at(spec: TargetSpec, day: date) -> float | None:
    """The baseline-to-target path at ``day``, clamped to the ends; None without a baseline."""
    if spec.baseline_value is None or spec.baseline_day is None:
        return None
    if day <= spec.baseline_day:
        return spec.baseline_value
    if day >= spec.deadline:
        return spec.target_value
    fraction = (day - spec.baseline_day).days / (spec.deadline - spec.baseline_day).days
    return spec.baseline_value + fraction * (spec.target_value - spec.baseline_value)


def milestones(spec: TargetSpec, days: Sequence[date]) -> list[tuple[date, float]]:
    """The expected value on each of ``days``: linear from baseline to target at the deadline.

    Days before the baseline get the baseline value, days after the deadline the target value.
    Without a baseline there is no path and the result is empty.
    """
    result: list[tuple[date, float]] = []
    for day in days:
        expected = _expected_at(spec, day)
        if expected is None:
            return []
        result.append((day, expected))
    return result


def project(
    observations: Iterable[Observation], at: date, *, window: int = DEFAULT_WINDOW
) -> float | None:
    """The least-squares line through the most recent ``window`` observations, evaluated at ``at``.

    Time is measured in days. With one observation (or several on the same day) the result is
    that value (their mean); with none it is None. Only recent history counts so that an old
    trend does not dominate.
    """
    if window < 1:
        raise ValueError("window must be at least 1")
    recent = sorted(observations, key=lambda o: o.day)[-window:]
    if not recent:
        return None
    xs = [float((o.day - at).days) for o in recent]
    ys = [o.value for o in recent]
    if len(set(xs)) == 1:
        return statistics.fmean(ys)
    # Time is measured from ``at``, so the intercept is the value there.
    _slope, intercept = statistics.linear_regression(xs, ys)
    return intercept


def _margin(spec: TargetSpec, margin: float) -> float:
    """The absolute margin: ``margin`` of ``|target − baseline|``, or of ``|target|``."""
    span = 0.0
    if spec.baseline_value is not None:
        span = abs(spec.target_value - spec.baseline_value)
    if span == 0.0:
        span = abs(spec.target_value)
    return margin * span


def _gap(spec: TargetSpec, current: float, expected: float) -> float:
    """``current − expected`` oriented so that positive means ahead of the path."""
    difference = current - expected
    if spec.comparison is Comparison.AT_LEAST:
        return difference
    if spec.comparison is Comparison.AT_MOST:
        return -difference
    baseline = spec.baseline_value if spec.baseline_value is not None else expected
    direction = spec.target_value - baseline
    if direction > 0:
        return difference
    if direction < 0:
        return -difference
    return -abs(difference)


def assess(
    spec: TargetSpec,
    observations: Iterable[Observation],
    today: date,
    *,
    window: int = DEFAULT_WINDOW,
    margin: float = DEFAULT_MARGIN,
    epsilon: float = EPSILON,
) -> Assessment:
    """Assess the target on ``today`` from its observations; the rules are in the module docstring.

    ``window`` is passed to :func:`project`; ``margin`` is the relative miss still counted
    ``AT_RISK``; ``epsilon`` is the strictness shift of :func:`meets`.
    """
    if not (math.isfinite(margin) and margin >= 0):
        raise ValueError("margin must be a finite number ≥ 0")
    known = sorted((o for o in observations if o.day <= today), key=lambda o: o.day)
    expected_now = _expected_at(spec, today)
    deadline_passed = spec.deadline < today
    if deadline_passed:
        known = [o for o in known if o.day <= spec.deadline]
    if not known:
        return Assessment(TargetStatus.NO_DATA, None, None, None, expected_now, None)

    current = known[-1]
    projected = project(known, spec.deadline, window=window)
    gap = None if expected_now is None else _gap(spec, current.value, expected_now)

    def verdict(status: TargetStatus) -> Assessment:
        return Assessment(status, current.value, current.day, projected, expected_now, gap)

    if meets(spec, current.value, epsilon=epsilon):
        return verdict(TargetStatus.ACHIEVED)
    if deadline_passed:
        return verdict(TargetStatus.OFF_TRACK)
    assert projected is not None  # there is at least one observation
    miss = shortfall(spec, projected, epsilon=epsilon)
    if miss == 0.0:
        return verdict(TargetStatus.ON_TRACK)
    if miss <= _margin(spec, margin):
        return verdict(TargetStatus.AT_RISK)
    return verdict(TargetStatus.OFF_TRACK)
