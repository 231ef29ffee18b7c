"""Reporting periods, Decree 09/2019 cut-off windows and submission deadlines."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from tinhso.indicators.periods import (
    CutoffRule,
    DeadlineRule,
    Period,
    PeriodType,
    data_window,
    deadline,
    locked_after,
    period_for_day,
    periods_between,
)

M = PeriodType.MONTHLY
Q = PeriodType.QUARTERLY
S = PeriodType.SIX_MONTHLY
Y = PeriodType.YEARLY

DECREE_09 = CutoffRule(start_day=15)


def codes(periods: list[Period]) -> list[str]:
    return [period.code for period in periods]


# -- codes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "period"),
    [
        ("202403", Period(M, 2024, 3)),
        ("202412", Period(M, 2024, 12)),
        ("2024Q1", Period(Q, 2024, 1)),
        ("2024Q4", Period(Q, 2024, 4)),
        ("2024S1", Period(S, 2024, 1)),
        ("2024S2", Period(S, 2024, 2)),
        ("2024", Period(Y, 2024)),
    ],
)
def test_codes_round_trip_for_each_period_type(code: str, period: Period) -> None:
    assert Period.parse(code) == period
    assert period.code == code
    assert str(period) == code
    assert Period.parse(period.code) == period


@pytest.mark.parametrize(
    "code",
    ["202413", "202400", "2024Q5", "2024Q0", "2024S3", "2024S0", "abc", "", "24", "0000",
     "2024q1", "2024-03", " 202403", "202403 ", "2024Q12", "2024W1", "٢٠٢٤"],
)  # fmt: skip
def test_bad_codes_are_rejected_with_a_vietnamese_then_english_message(code: str) -> None:
    with pytest.raises(ValueError, match=r"^Mã kỳ báo cáo không hợp lệ: .*\(invalid period code"):
        Period.parse(code)


@pytest.mark.parametrize(
    ("period_type", "year", "index"),
    [(M, 2024, 13), (M, 2024, 0), (Q, 2024, 5), (S, 2024, 3), (Y, 2024, 2), (M, 0, 1)],
)
def test_periods_with_an_impossible_index_or_year_cannot_be_built(
    period_type: PeriodType, year: int, index: int
) -> None:
    with pytest.raises(ValueError, match=r"\(.*(must be|out of range)"):
        Period(period_type, year, index)


def test_period_type_values_are_the_dhis2_period_type_names() -> None:
    assert [str(t) for t in PeriodType] == ["Monthly", "Quarterly", "SixMonthly", "Yearly"]
    assert Period("Quarterly", 2024, 2).type is Q  # type: ignore[arg-type]


# -- calendar dates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [
        ("202402", date(2024, 2, 1), date(2024, 2, 29)),
        ("202302", date(2023, 2, 1), date(2023, 2, 28)),
        ("202412", date(2024, 12, 1), date(2024, 12, 31)),
        ("2024Q1", date(2024, 1, 1), date(2024, 3, 31)),
        ("2024Q2", date(2024, 4, 1), date(2024, 6, 30)),
        ("2024S2", date(2024, 7, 1), date(2024, 12, 31)),
        ("2024", date(2024, 1, 1), date(2024, 12, 31)),
    ],
)
def test_start_and_end_are_the_inclusive_calendar_dates(code: str, start: date, end: date) -> None:
    period = Period.parse(code)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize(
    ("period_type", "day", "code"),
    [
        (M, date(2024, 3, 31), "202403"),
        (Q, date(2024, 3, 31), "2024Q1"),
        (Q, date(2024, 4, 1), "2024Q2"),
        (S, date(2024, 6, 30), "2024S1"),
        (S, date(2024, 7, 1), "2024S2"),
        (Y, date(2024, 12, 31), "2024"),
        (M, datetime(2024, 5, 2, 23, 59), "202405"),
    ],
)
def test_containing_finds_the_calendar_period_of_a_day(
    period_type: PeriodType, day: date, code: str
) -> None:
    assert Period.containing(period_type, day).code == code


def test_periods_sort_chronologically_within_a_type() -> None:
    shuffled = [Period.parse(c) for c in ["202401", "202312", "202402", "202310"]]
    assert codes(sorted(shuffled)) == ["202310", "202312", "202401", "202402"]
    assert Period.parse("2023Q4") < Period.parse("2024Q1") < Period.parse("2024Q2")


def test_periods_are_hashable_and_immutable() -> None:
    period = Period.parse("2024Q1")
    assert {period, Period(Q, 2024, 1)} == {period}
    with pytest.raises(AttributeError):
        period.year = 2025  # type: ignore[misc]


@pytest.mark.parametrize(
    ("period_type", "first_day", "last_day", "expected"),
    [
        (M, date(2024, 1, 20), date(2024, 3, 5), ["202401", "202402", "202403"]),
        (M, date(2023, 12, 31), date(2024, 1, 1), ["202312", "202401"]),
        (M, date(2024, 3, 1), date(2024, 3, 1), ["202403"]),
        (Q, date(2023, 11, 1), date(2024, 4, 1), ["2023Q4", "2024Q1", "2024Q2"]),
        (S, date(2024, 1, 1), date(2025, 12, 31), ["2024S1", "2024S2", "2025S1", "2025S2"]),
        (Y, date(2022, 6, 1), date(2024, 1, 1), ["2022", "2023", "2024"]),
    ],
)
def test_periods_between_lists_every_overlapping_period_in_order(
    period_type: PeriodType, first_day: date, last_day: date, expected: list[str]
) -> None:
    assert codes(periods_between(period_type, first_day, last_day)) == expected


def test_periods_between_rejects_a_reversed_range() -> None:
    with pytest.raises(ValueError, match="before first day"):
        periods_between(M, date(2024, 3, 1), date(2024, 2, 1))


# -- navigation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "previous", "following"),
    [
        ("202401", "202312", "202402"),
        ("202412", "202411", "202501"),
        ("2024Q1", "2023Q4", "2024Q2"),
        ("2024Q4", "2024Q3", "2025Q1"),
        ("2024S1", "2023S2", "2024S2"),
        ("2024", "2023", "2025"),
    ],
)
def test_next_and_previous_cross_year_boundaries(code: str, previous: str, following: str) -> None:
    period = Period.parse(code)
    assert period.previous().code == previous
    assert period.next().code == following
    assert period.next().previous() == period


@pytest.mark.parametrize(
    ("code", "n", "expected"),
    [
        ("202403", 0, "202403"),
        ("202403", -3, "202312"),
        ("202403", -15, "202212"),
        ("202403", 10, "202501"),
        ("2024Q1", -5, "2022Q4"),
        ("2024S2", 3, "2026S1"),
        ("2024", -2, "2022"),
    ],
)
def test_offset_moves_by_whole_periods_like_dhis2_period_offset(
    code: str, n: int, expected: str
) -> None:
    assert Period.parse(code).offset(n).code == expected


def test_offset_beyond_the_supported_years_raises() -> None:
    with pytest.raises(ValueError, match="year out of range"):
        Period.parse("000101").offset(-1)


@pytest.mark.parametrize(
    ("code", "expected"),
    [("202402", "202302"), ("2024Q3", "2023Q3"), ("2024S2", "2023S2"), ("2024", "2023")],
)
def test_same_period_last_year_keeps_the_month_quarter_or_half(code: str, expected: str) -> None:
    period = Period.parse(code)
    assert period.same_period_last_year().code == expected
    assert period.same_period_last_year() == period.offset(-period.type.per_year)


# -- children and year to date ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "child_type", "expected"),
    [
        ("2024Q1", M, ["202401", "202402", "202403"]),
        ("2024Q4", M, ["202410", "202411", "202412"]),
        ("2024S2", Q, ["2024Q3", "2024Q4"]),
        ("2024S1", M, ["202401", "202402", "202403", "202404", "202405", "202406"]),
        ("2024", S, ["2024S1", "2024S2"]),
        ("2024", Q, ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]),
        ("2024", M, [f"2024{m:02d}" for m in range(1, 13)]),
        ("202405", M, ["202405"]),
    ],
)
def test_children_are_the_finer_periods_making_up_a_period(
    code: str, child_type: PeriodType, expected: list[str]
) -> None:
    assert codes(Period.parse(code).children(child_type)) == expected


@pytest.mark.parametrize(("code", "coarser"), [("202405", Q), ("2024Q2", S), ("2024S1", Y)])
def test_children_of_a_coarser_type_are_rejected(code: str, coarser: PeriodType) -> None:
    with pytest.raises(ValueError, match="cannot be its children"):
        Period.parse(code).children(coarser)


@pytest.mark.parametrize(
    ("code", "last_month"),
    [("202401", 1), ("202403", 3), ("2024Q2", 6), ("2024S1", 6), ("2024S2", 12), ("2024", 12)],
)
def test_year_to_date_months_run_from_january_to_the_period_end(code: str, last_month: int) -> None:
    assert codes(Period.parse(code).year_to_date_months()) == [
        f"2024{m:02d}" for m in range(1, last_month + 1)
    ]


# -- Decree 09/2019 data cut-off windows -----------------------------------------------------


@pytest.mark.parametrize(
    ("code", "first", "last"),
    [
        ("202403", date(2024, 2, 15), date(2024, 3, 14)),
        ("202401", date(2023, 12, 15), date(2024, 1, 14)),
        ("2024Q1", date(2023, 12, 15), date(2024, 3, 14)),
        ("2024Q2", date(2024, 3, 15), date(2024, 6, 14)),
        ("2024S1", date(2023, 12, 15), date(2024, 6, 14)),
        ("2024S2", date(2024, 6, 15), date(2024, 12, 14)),
        ("2024", date(2023, 12, 15), date(2024, 12, 14)),
    ],
)
def test_data_window_follows_the_decree_09_table(code: str, first: date, last: date) -> None:
    assert CutoffRule() == DECREE_09
    assert data_window(Period.parse(code), DECREE_09) == (first, last)


@pytest.mark.parametrize("code", ["202402", "202312", "2024Q1", "2024S2", "2024"])
def test_the_calendar_rule_gives_the_period_itself(code: str) -> None:
    period = Period.parse(code)
    assert data_window(period, CutoffRule.calendar()) == (period.start, period.end)


@pytest.mark.parametrize(
    ("start_day", "code", "first", "last"),
    [
        # No 31 February: the March window starts on the last day of February.
        (31, "202403", date(2024, 2, 29), date(2024, 3, 30)),
        (31, "202303", date(2023, 2, 28), date(2023, 3, 30)),
        (30, "202403", date(2024, 2, 29), date(2024, 3, 29)),
        # February's own window then ends the day before, so windows never overlap.
        (31, "202402", date(2024, 1, 31), date(2024, 2, 28)),
        (29, "202302", date(2023, 1, 29), date(2023, 2, 27)),
        (29, "202402", date(2024, 1, 29), date(2024, 2, 28)),
        # 31 April does not exist either.
        (31, "202405", date(2024, 4, 30), date(2024, 5, 30)),
    ],
)
def test_data_window_clamps_a_missing_day_to_the_end_of_the_month(
    start_day: int, code: str, first: date, last: date
) -> None:
    assert data_window(Period.parse(code), CutoffRule(start_day)) == (first, last)


@pytest.mark.parametrize("start_day", [1, 2, 15, 28, 29, 30, 31])
def test_consecutive_windows_meet_with_no_gap_or_overlap(start_day: int) -> None:
    rule = CutoffRule(start_day)
    for period_type in PeriodType:
        period = Period.containing(period_type, date(2023, 1, 1))
        for _ in range(30 // period_type.months):
            assert data_window(period.next(), rule)[0] == data_window(period, rule)[1] + timedelta(
                days=1
            )
            period = period.next()


@pytest.mark.parametrize("start_day", [0, 32, -1])
def test_cutoff_start_day_must_be_a_day_of_the_month(start_day: int) -> None:
    with pytest.raises(ValueError, match=r"cut-off start day must be 1 to 31"):
        CutoffRule(start_day)


@pytest.mark.parametrize(
    ("period_type", "day", "code"),
    [
        (M, date(2024, 3, 14), "202403"),
        (M, date(2024, 3, 15), "202404"),
        (M, date(2024, 3, 20), "202404"),
        (M, date(2024, 2, 15), "202403"),
        (M, date(2024, 2, 14), "202402"),
        (Q, date(2024, 3, 14), "2024Q1"),
        (Q, date(2024, 3, 15), "2024Q2"),
        (S, date(2024, 6, 15), "2024S2"),
        (M, date(2024, 12, 14), "202412"),
        (M, date(2024, 12, 20), "202501"),
        (Q, date(2024, 12, 20), "2025Q1"),
        (S, date(2024, 12, 20), "2025S1"),
        (Y, date(2024, 12, 14), "2024"),
        (Y, date(2024, 12, 20), "2025"),
        (Y, date(2024, 12, 15), "2025"),
        (M, datetime(2024, 3, 15, 0, 0), "202404"),
    ],
)
def test_period_for_day_switches_on_the_cutoff_day(
    period_type: PeriodType, day: date, code: str
) -> None:
    period = period_for_day(period_type, day, DECREE_09)
    assert period.code == code
    first, last = data_window(period, DECREE_09)
    assert first <= date(day.year, day.month, day.day) <= last


@pytest.mark.parametrize(
    ("rule", "day", "code"),
    [
        (CutoffRule.calendar(), date(2024, 3, 31), "202403"),
        (CutoffRule.calendar(), date(2024, 4, 1), "202404"),
        (CutoffRule(31), date(2024, 2, 28), "202402"),
        (CutoffRule(31), date(2024, 2, 29), "202403"),
        (CutoffRule(31), date(2024, 3, 30), "202403"),
        (CutoffRule(31), date(2024, 3, 31), "202404"),
    ],
)
def test_period_for_day_agrees_with_calendar_and_clamped_windows(
    rule: CutoffRule, day: date, code: str
) -> None:
    assert period_for_day(M, day, rule).code == code


def test_every_day_falls_in_exactly_the_window_of_its_period() -> None:
    for start_day in (1, 15, 29, 31):
        rule = CutoffRule(start_day)
        day = date(2023, 11, 1)
        while day <= date(2025, 3, 31):
            for period_type in PeriodType:
                first, last = data_window(period_for_day(period_type, day, rule), rule)
                assert first <= day <= last, (start_day, period_type, day)
            day += timedelta(days=1)


# -- submission deadlines and locking ----------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "rule", "expected"),
    [
        ("202403", DeadlineRule(day_of_last_month=20), date(2024, 3, 20)),
        ("2024Q1", DeadlineRule(day_of_last_month=20), date(2024, 3, 20)),
        ("2024S1", DeadlineRule(day_of_last_month=20), date(2024, 6, 20)),
        ("2024", DeadlineRule(day_of_last_month=20), date(2024, 12, 20)),
        ("202402", DeadlineRule(day_of_last_month=31), date(2024, 2, 29)),
        ("202403", DeadlineRule(days_after_period_end=0), date(2024, 3, 31)),
        ("202403", DeadlineRule(days_after_period_end=10), date(2024, 4, 10)),
        ("2024Q4", DeadlineRule(days_after_period_end=15), date(2025, 1, 15)),
        ("202402", DeadlineRule(days_after_period_end=1), date(2024, 3, 1)),
    ],
)
def test_deadline_follows_the_configured_rule(
    code: str, rule: DeadlineRule, expected: date
) -> None:
    assert deadline(Period.parse(code), rule) == expected


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"days_after_period_end": 5, "day_of_last_month": 20},
        {"days_after_period_end": -1},
        {"day_of_last_month": 0},
        {"day_of_last_month": 32},
    ],
)
def test_deadline_rules_must_set_exactly_one_valid_field(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError, match=r"\(.*\)$"):
        DeadlineRule(**kwargs)


@pytest.mark.parametrize(
    ("code", "expiry_days", "expected"),
    [
        ("202401", 10, date(2024, 2, 10)),
        ("202401", 0, date(2024, 1, 31)),
        ("2024Q4", 31, date(2025, 1, 31)),
        ("202402", 1, date(2024, 3, 1)),
    ],
)
def test_locked_after_is_the_last_editable_day(code: str, expiry_days: int, expected: date) -> None:
    assert locked_after(Period.parse(code), expiry_days) == expected


def test_locked_after_rejects_negative_expiry_days() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        locked_after(Period.parse("202401"), -1)
