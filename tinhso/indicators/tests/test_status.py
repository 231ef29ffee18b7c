"""Target status from observations and their projected trend, on constructed series."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from tinhso.indicators.status import (
    LABEL_EN,
    LABEL_VI,
    Comparison,
    Observation,
    TargetSpec,
    TargetStatus,
    assess,
    meets,
    milestones,
    project,
)

YEAR = timedelta(days=365)
DEADLINE = date(2025, 12, 31)
BASELINE_DAY = DEADLINE - 5 * YEAR


def online_records(*, strict: bool = False, baseline: float | None = 40.0) -> TargetSpec:
    """Work records processed online at commune level ≥ 65 % by the deadline."""
    return TargetSpec(
        baseline_value=baseline,
        baseline_day=BASELINE_DAY if baseline is not None else None,
        target_value=65.0,
        comparison=Comparison.AT_LEAST,
        deadline=DEADLINE,
        strict=strict,
    )


def yearly_before(deadline: date, values: list[float]) -> list[Observation]:
    """One observation a year (365 days apart), the last one a year before ``deadline``."""
    count = len(values)
    return [
        Observation(deadline - (count - index) * YEAR, value) for index, value in enumerate(values)
    ]


def every(start: date, step: int, values: list[float]) -> list[Observation]:
    """Observations ``step`` days apart from ``start``."""
    return [Observation(start + timedelta(days=step * i), v) for i, v in enumerate(values)]


# --- assess on a percentage target (baseline 40 %, target 65 %, margin 10 % of 25 = 2.5) ---


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        pytest.param([51.0, 56.0, 61.0], TargetStatus.ON_TRACK, id="rising-to-66"),
        pytest.param([40.0, 40.0, 40.0], TargetStatus.OFF_TRACK, id="flat-far-below"),
        pytest.param([55.0, 58.0, 61.0], TargetStatus.AT_RISK, id="rising-to-64-just-short"),
        pytest.param([60.0, 59.0, 58.0], TargetStatus.OFF_TRACK, id="falling-away"),
        pytest.param([55.0, 60.0, 66.0], TargetStatus.ACHIEVED, id="already-above"),
        pytest.param([70.0, 65.0], TargetStatus.ACHIEVED, id="exactly-on-target"),
    ],
)
def test_status_before_the_deadline_follows_the_projection(
    values: list[float], expected: TargetStatus
) -> None:
    observations = yearly_before(DEADLINE, values)
    result = assess(online_records(), observations, today=observations[-1].day)
    assert result.status is expected


def test_rising_series_projects_to_the_deadline() -> None:
    observations = yearly_before(DEADLINE, [51.0, 56.0, 61.0])
    result = assess(online_records(), observations, today=observations[-1].day)
    assert result.projected_value == pytest.approx(66.0)
    assert result.current_value == 61.0
    assert result.current_day == observations[-1].day


def test_no_observations_means_no_data() -> None:
    result = assess(online_records(), [], today=DEADLINE - YEAR)
    assert result.status is TargetStatus.NO_DATA
    assert (result.current_value, result.current_day, result.projected_value, result.gap) == (
        None,
        None,
        None,
        None,
    )
    assert result.expected_now == pytest.approx(60.0)  # the path is known even without data


def test_observations_after_today_are_ignored() -> None:
    today = DEADLINE - 2 * YEAR
    observations = [Observation(today, 50.0), Observation(today + YEAR, 70.0)]
    result = assess(online_records(), observations, today=today)
    assert result.current_value == 50.0
    assert result.status is TargetStatus.OFF_TRACK  # one observation: projected flat at 50


@pytest.mark.parametrize(
    ("at_deadline", "expected"),
    [
        pytest.param(62.0, TargetStatus.OFF_TRACK, id="missed"),
        pytest.param(65.0, TargetStatus.ACHIEVED, id="met-exactly"),
        pytest.param(68.0, TargetStatus.ACHIEVED, id="exceeded"),
    ],
)
def test_past_deadline_is_judged_on_the_last_observation_up_to_it(
    at_deadline: float, expected: TargetStatus
) -> None:
    observations = [
        Observation(DEADLINE - YEAR, 58.0),
        Observation(DEADLINE, at_deadline),
        Observation(DEADLINE + timedelta(days=90), 75.0),  # late: does not count
    ]
    result = assess(online_records(), observations, today=DEADLINE + timedelta(days=180))
    assert result.status is expected
    assert result.current_value == at_deadline
    assert result.current_day == DEADLINE


def test_past_deadline_without_an_observation_up_to_it_is_no_data() -> None:
    observations = [Observation(DEADLINE + timedelta(days=30), 70.0)]
    result = assess(online_records(), observations, today=DEADLINE + timedelta(days=60))
    assert result.status is TargetStatus.NO_DATA


def test_margin_is_a_parameter() -> None:
    observations = yearly_before(DEADLINE, [55.0, 58.0, 61.0])  # projects to 64: misses by 1
    today = observations[-1].day
    assert assess(online_records(), observations, today).status is TargetStatus.AT_RISK
    narrow = assess(online_records(), observations, today, margin=0.02)  # 0.5
    assert narrow.status is TargetStatus.OFF_TRACK


def test_margin_falls_back_to_the_target_without_a_baseline() -> None:
    # Projects to 60: misses by 5, within 10 % of 65 (6.5) but not of 65 − 40 (2.5).
    observations = yearly_before(DEADLINE, [51.0, 54.0, 57.0])
    today = observations[-1].day
    assert assess(online_records(baseline=None), observations, today).status is (
        TargetStatus.AT_RISK
    )
    assert assess(online_records(), observations, today).status is TargetStatus.OFF_TRACK


def test_projection_uses_only_the_recent_window() -> None:
    # An old outlier, then five years of steady growth projected to 66 %.
    observations = yearly_before(DEADLINE, [90.0, 10.0, 41.0, 46.0, 51.0, 56.0, 61.0])
    today = observations[-1].day
    assert assess(online_records(), observations, today).status is TargetStatus.ON_TRACK
    assert assess(online_records(), observations, today, window=7).status is (
        TargetStatus.OFF_TRACK
    )


# --- gap and expected path ---


@pytest.mark.parametrize(
    ("current", "gap"),
    [
        pytest.param(63.0, 3.0, id="ahead"),
        pytest.param(58.0, -2.0, id="behind"),
    ],
)
def test_gap_is_positive_when_ahead_of_the_path(current: float, gap: float) -> None:
    today = DEADLINE - YEAR  # the path expects 60 %
    result = assess(online_records(), [Observation(today, current)], today)
    assert result.expected_now == pytest.approx(60.0)
    assert result.gap == pytest.approx(gap)


def test_gap_needs_a_baseline() -> None:
    today = DEADLINE - YEAR
    result = assess(online_records(baseline=None), [Observation(today, 60.0)], today)
    assert result.expected_now is None
    assert result.gap is None


# --- ranks: "DTI top 15", lower is better ---

RANK_START = date(2024, 1, 1)


def dti_rank(baseline: float | None = 30.0) -> TargetSpec:
    """A rank target: DTI rank ≤ 15; the deadline is set per test."""
    return TargetSpec(
        baseline_value=baseline,
        baseline_day=RANK_START - timedelta(days=100) if baseline is not None else None,
        target_value=15,
        comparison=Comparison.AT_MOST,
        deadline=RANK_START + timedelta(days=1000),
    )


@pytest.mark.parametrize(
    ("deadline_day", "projected", "expected"),
    [
        # Ranks 25, 20, 17 on days 0, 100, 200: the line is 20⅔ − 4·(t − 1), t in 100 days.
        pytest.param(300, 38 / 3, TargetStatus.ON_TRACK, id="deadline-a-step-later"),
        pytest.param(225, 47 / 3, TargetStatus.AT_RISK, id="deadline-quarter-step-later"),
        pytest.param(200, 50 / 3, TargetStatus.OFF_TRACK, id="deadline-today"),
    ],
)
def test_rank_series_improving_towards_top_15(
    deadline_day: int, projected: float, expected: TargetStatus
) -> None:
    observations = every(RANK_START, 100, [25, 20, 17])
    spec = replace(dti_rank(), deadline=RANK_START + timedelta(days=deadline_day))
    # Margin: 10 % of |15 − 30| = 1.5 ranks.
    result = assess(spec, observations, today=RANK_START + timedelta(days=200))
    assert result.projected_value == pytest.approx(projected)
    assert result.status is expected


@pytest.mark.parametrize(
    ("rank", "expected"),
    [
        pytest.param(15, TargetStatus.ACHIEVED, id="rank-15"),
        pytest.param(12, TargetStatus.ACHIEVED, id="rank-12"),
        # Flat at 16: misses by 1 rank, within the margin of 1.5.
        pytest.param(16, TargetStatus.AT_RISK, id="rank-16"),
        pytest.param(18, TargetStatus.OFF_TRACK, id="rank-18"),
    ],
)
def test_flat_rank_is_judged_against_top_15(rank: int, expected: TargetStatus) -> None:
    observations = every(RANK_START, 100, [rank, rank])
    result = assess(dti_rank(), observations, today=RANK_START + timedelta(days=100))
    assert result.status is expected


def test_rank_gap_is_positive_when_better_than_the_path() -> None:
    spec = dti_rank()  # path: 30 on day −100, 15 on day 1000
    today = RANK_START + timedelta(days=450)  # expects 30 − 15 · 550/1100 = 22.5
    result = assess(spec, [Observation(today, 20)], today)
    assert result.expected_now == pytest.approx(22.5)
    assert result.gap == pytest.approx(2.5)


# --- "about": digital economy ≈ 25 % of GRDP (tolerance ±5 % → ±1.25) ---


def digital_economy(tolerance: float = 0.05) -> TargetSpec:
    """Digital economy ≈ 25 % of GRDP by the deadline, from 10 % five years earlier."""
    return TargetSpec(
        baseline_value=10.0,
        baseline_day=BASELINE_DAY,
        target_value=25.0,
        comparison=Comparison.ABOUT,
        deadline=DEADLINE,
        tolerance=tolerance,
    )


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        pytest.param([20.0, 24.2], TargetStatus.ACHIEVED, id="24.2-within-5pct"),
        pytest.param([20.0, 25.9], TargetStatus.ACHIEVED, id="25.9-within-5pct-above"),
        pytest.param([21.0, 22.5], TargetStatus.ON_TRACK, id="projects-to-24"),
        # Margin: 10 % of |25 − 10| = 1.5 beyond the band of ±1.25.
        pytest.param([19.0, 21.0], TargetStatus.AT_RISK, id="projects-to-23"),
        pytest.param([14.0, 16.0], TargetStatus.OFF_TRACK, id="projects-to-18"),
        pytest.param([26.5, 27.0], TargetStatus.AT_RISK, id="overshoots-to-27.5"),
        pytest.param([22.0, 30.0], TargetStatus.OFF_TRACK, id="overshoots-to-38"),
    ],
)
def test_about_target_uses_the_tolerance_band(values: list[float], expected: TargetStatus) -> None:
    observations = yearly_before(DEADLINE, values)
    result = assess(digital_economy(), observations, today=observations[-1].day)
    assert result.status is expected


@pytest.mark.parametrize(
    ("baseline", "current", "expected_now", "gap"),
    [
        pytest.param(10.0, 23.0, 22.0, 1.0, id="rising-ahead"),
        pytest.param(10.0, 21.0, 22.0, -1.0, id="rising-behind"),
        pytest.param(40.0, 27.0, 28.0, 1.0, id="falling-ahead"),
        pytest.param(25.0, 24.0, 25.0, -1.0, id="holding-any-deviation-counts-against"),
    ],
)
def test_about_gap_follows_the_direction_of_travel(
    baseline: float, current: float, expected_now: float, gap: float
) -> None:
    spec = replace(digital_economy(), baseline_value=baseline)
    today = DEADLINE - YEAR  # four fifths of the way from baseline to deadline
    result = assess(spec, [Observation(today, current)], today)
    assert result.expected_now == pytest.approx(expected_now)
    assert result.gap == pytest.approx(gap)


def test_about_tolerance_is_configurable() -> None:
    observations = yearly_before(DEADLINE, [20.0, 24.2])
    today = observations[-1].day
    assert assess(digital_economy(0.02), observations, today).status is not (TargetStatus.ACHIEVED)


# --- strict ">" ---


@pytest.mark.parametrize(
    ("value", "strict", "met"),
    [
        (65.0, True, False),
        (65.01, True, True),
        (65.0, False, True),
        (64.99, False, False),
    ],
)
def test_strict_target_is_not_met_on_the_boundary(value: float, strict: bool, met: bool) -> None:
    assert meets(online_records(strict=strict), value) is met


def test_strict_target_at_exactly_65_is_not_achieved() -> None:
    observations = yearly_before(DEADLINE, [65.0, 65.0])
    result = assess(online_records(strict=True), observations, today=observations[-1].day)
    assert result.status is not TargetStatus.ACHIEVED
    assert result.status is TargetStatus.AT_RISK  # flat on the boundary: misses by epsilon


def test_non_strict_target_tolerates_float_noise() -> None:
    assert meets(online_records(), 65.0 - 1e-12)


# --- milestones ---


def test_milestones_interpolate_linearly_from_baseline_to_target() -> None:
    start = date(2021, 1, 1)
    spec = TargetSpec(
        baseline_value=40.0,
        baseline_day=start,
        target_value=65.0,
        comparison=Comparison.AT_LEAST,
        deadline=start + timedelta(days=1000),
    )
    days = [start + timedelta(days=d) for d in (-50, 0, 400, 600, 1000, 1200)]
    assert milestones(spec, days) == [
        (days[0], 40.0),
        (days[1], 40.0),
        (days[2], pytest.approx(50.0)),
        (days[3], pytest.approx(55.0)),
        (days[4], 65.0),
        (days[5], 65.0),
    ]


def test_milestones_for_a_falling_rank() -> None:
    spec = dti_rank()  # 30 on day −100 → 15 on day 1000
    day = RANK_START + timedelta(days=450)
    assert milestones(spec, [day]) == [(day, pytest.approx(22.5))]


def test_milestones_need_a_baseline() -> None:
    assert milestones(online_records(baseline=None), [DEADLINE - YEAR, DEADLINE]) == []


# --- projection ---


def test_projection_of_no_observations_is_none() -> None:
    assert project([], DEADLINE) is None


def test_projection_of_one_observation_is_its_value() -> None:
    assert project([Observation(DEADLINE - YEAR, 42.0)], DEADLINE) == 42.0


def test_projection_of_observations_on_one_day_is_their_mean() -> None:
    day = DEADLINE - YEAR
    assert project([Observation(day, 40.0), Observation(day, 44.0)], DEADLINE) == 42.0


@pytest.mark.parametrize(
    ("at_day", "expected"),
    [(200, 151 / 3), (300, 166 / 3), (-100, 106 / 3)],
)
def test_projection_follows_the_least_squares_line(at_day: int, expected: float) -> None:
    start = date(2024, 1, 1)
    # 41, 44, 51 at t = 0, 1, 2 (t in 100 days): the fitted line is 45⅓ + 5·(t − 1).
    observations = every(start, 100, [41.0, 44.0, 51.0])
    assert project(observations, start + timedelta(days=at_day)) == pytest.approx(expected)


def test_projection_ignores_input_order() -> None:
    observations = every(date(2024, 1, 1), 100, [40.0, 45.0, 50.0])
    at = date(2024, 1, 1) + timedelta(days=300)
    assert project(list(reversed(observations)), at) == project(observations, at)


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        pytest.param(5, 6.0, id="default-drops-the-outlier"),
        pytest.param(2, 6.0, id="last-two"),
        pytest.param(7, -160 / 7, id="all-history-dominated-by-the-outlier"),
    ],
)
def test_projection_window_drops_old_history(window: int, expected: float) -> None:
    start = date(2024, 1, 1)
    observations = every(start, 10, [100.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
    assert project(observations, start + timedelta(days=70), window=window) == pytest.approx(
        expected
    )


def test_projection_rejects_an_empty_window() -> None:
    with pytest.raises(ValueError, match="window"):
        project([], DEADLINE, window=0)


# --- labels and validation ---


@pytest.mark.parametrize("status", list(TargetStatus))
def test_every_status_has_labels(status: TargetStatus) -> None:
    assert status.label_vi == LABEL_VI[status]
    assert status.label_en == LABEL_EN[status]
    assert status.label_vi and status.label_en


def test_labels_are_vietnamese() -> None:
    assert TargetStatus.ACHIEVED.label_vi == "Đã đạt"
    assert TargetStatus.NO_DATA.label_vi == "Chưa có số liệu"


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"baseline_day": None}, id="baseline-value-without-day"),
        pytest.param({"baseline_day": DEADLINE}, id="baseline-on-deadline"),
        pytest.param({"tolerance": -0.1}, id="negative-tolerance"),
        pytest.param({"comparison": Comparison.ABOUT, "strict": True}, id="strict-about"),
        pytest.param({"target_value": float("nan")}, id="nan-target"),
    ],
)
def test_invalid_specs_are_rejected(changes: dict[str, object]) -> None:
    fields: dict[str, object] = {
        "baseline_value": 40.0,
        "baseline_day": BASELINE_DAY,
        "target_value": 65.0,
        "comparison": Comparison.AT_LEAST,
        "deadline": DEADLINE,
    }
    fields.update(changes)
    with pytest.raises(ValueError):
        TargetSpec(**fields)  # type: ignore[arg-type]


def test_non_finite_observations_are_rejected() -> None:
    with pytest.raises(ValueError, match="finite"):
        Observation(DEADLINE, float("inf"))
