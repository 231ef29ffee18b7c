"""Reporting periods, Decree 09/2019 data cut-off windows and submission deadlines.

A :class:`Period` is one monthly, quarterly, six-monthly or yearly reporting period, written
with DHIS2-style ISO codes: ``202403`` (March 2024), ``2024Q1``, ``2024S1`` and ``2024``.

Decree 09/2019/NĐ-CP sets a data cut-off (thời gian chốt số liệu) that does not follow the
calendar: with the cut-off on the 15th, the March report covers 15/02 to 14/03. Our reference
marks that rule, and the submission deadline, as UNVERIFIED, so both are configuration
(:class:`CutoffRule`, :class:`DeadlineRule`) passed in by the caller, never hard-coded here.

Pure Python (no Django): everything works on :class:`datetime.date` values.
"""

from __future__ import annotations

import calendar
import enum
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

__all__ = [
    "CutoffRule",
    "DeadlineRule",
    "Period",
    "PeriodType",
    "data_window",
    "deadline",
    "locked_after",
    "period_for_day",
    "periods_between",
]


class PeriodType(enum.StrEnum):
    """How long a reporting period is; the values are DHIS2's ``periodType`` names."""

    MONTHLY = "Monthly"
    QUARTERLY = "Quarterly"
    SIX_MONTHLY = "SixMonthly"
    YEARLY = "Yearly"

    @property
    def months(self) -> int:
        """Return the number of calendar months in one period of this type (1, 3, 6 or 12)."""
        return _MONTHS[self]

    @property
    def per_year(self) -> int:
        """Return how many periods of this type make up a year (12, 4, 2 or 1)."""
        return 12 // _MONTHS[self]


_MONTHS: dict[PeriodType, int] = {
    PeriodType.MONTHLY: 1,
    PeriodType.QUARTERLY: 3,
    PeriodType.SIX_MONTHLY: 6,
    PeriodType.YEARLY: 12,
}

# [0-9] rather than \d: \d also matches non-ASCII digits such as "٢".
_CODE = re.compile(
    r"(?P<year>[0-9]{4})(?:(?P<month>[0-9]{2})|Q(?P<quarter>[0-9])|S(?P<half>[0-9]))?"
)


def _days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _shift_month(year: int, month: int, months: int) -> tuple[int, int]:
    """Return (year, month) ``months`` calendar months after (negative: before) year/month."""
    ordinal = year * 12 + (month - 1) + months
    return ordinal // 12, ordinal % 12 + 1


def _clamped(year: int, month: int, day: int) -> date:
    """Return day ``day`` of year/month, or the month's last day if the month is shorter."""
    return date(year, month, min(day, _days_in_month(year, month)))


@dataclass(frozen=True, order=True)
class Period:
    """One reporting period: its type, year and 1-based index within the year.

    ``index`` is the month (1-12), quarter (1-4) or half (1-2); it is always 1 for a year.
    Periods of one type sort chronologically (the dataclass compares type, then year, then
    index, so a mixed list is grouped by type first).
    """

    type: PeriodType
    year: int
    index: int = 1

    def __post_init__(self) -> None:
        try:
            period_type = PeriodType(self.type)
        except ValueError:
            raise ValueError(
                f"Loại kỳ báo cáo không hợp lệ: {self.type!r} (invalid period type: {self.type!r})"
            ) from None
        object.__setattr__(self, "type", period_type)
        if not date.min.year <= self.year <= date.max.year:
            raise ValueError(
                f"Năm ngoài phạm vi {date.min.year}-{date.max.year}: {self.year} "
                f"(year out of range {date.min.year}-{date.max.year}: {self.year})"
            )
        if not 1 <= self.index <= period_type.per_year:
            raise ValueError(
                f"Chỉ số kỳ {period_type} phải từ 1 đến {period_type.per_year}: {self.index} "
                f"({period_type} period index must be 1 to {period_type.per_year}: {self.index})"
            )

    # -- codes ---------------------------------------------------------------------------

    @classmethod
    def parse(cls, code: str) -> Period:
        """Return the period written as the DHIS2-style ISO ``code``.

        Accepts ``YYYYMM`` (monthly), ``YYYYQn`` (quarterly), ``YYYYSn`` (six-monthly) and
        ``YYYY`` (yearly), exactly, with no surrounding spaces. Raises :class:`ValueError`
        with a message in Vietnamese, then English in parentheses, for anything else,
        e.g. ``202413``, ``2024Q5``, ``2024S3`` or ``abc``.
        """
        match = _CODE.fullmatch(code) if isinstance(code, str) else None
        if match is None:
            raise ValueError(
                f"Mã kỳ báo cáo không hợp lệ: {code!r}; dạng đúng là YYYY, YYYYMM, YYYYQn "
                f"hoặc YYYYSn (invalid period code: {code!r}; expected YYYY, YYYYMM, YYYYQn "
                f"or YYYYSn)"
            )
        year = int(match["year"])
        if year < 1:
            raise ValueError(
                f"Mã kỳ báo cáo không hợp lệ: {code!r}; năm phải từ 0001 "
                f"(invalid period code: {code!r}; the year must be 0001 or later)"
            )
        parts: tuple[PeriodType, str | None, str, str] = (PeriodType.YEARLY, None, "", "")
        if match["month"] is not None:
            parts = (PeriodType.MONTHLY, match["month"], "tháng", "month")
        elif match["quarter"] is not None:
            parts = (PeriodType.QUARTERLY, match["quarter"], "quý", "quarter")
        elif match["half"] is not None:
            parts = (PeriodType.SIX_MONTHLY, match["half"], "nửa năm", "half-year")
        period_type, raw_index, vi_name, en_name = parts
        if raw_index is None:
            return cls(period_type, year)
        index = int(raw_index)
        if not 1 <= index <= period_type.per_year:
            top = period_type.per_year
            raise ValueError(
                f"Mã kỳ báo cáo không hợp lệ: {code!r}; {vi_name} phải từ 1 đến {top} "
                f"(invalid period code: {code!r}; the {en_name} must be 1 to {top})"
            )
        return cls(period_type, year, index)

    @cached_property
    def code(self) -> str:
        """Return the DHIS2-style ISO code: ``202403``, ``2024Q1``, ``2024S1`` or ``2024``.

        Cached on the (immutable) period: aggregation asks for it many times.
        """
        if self.type is PeriodType.MONTHLY:
            return f"{self.year:04d}{self.index:02d}"
        if self.type is PeriodType.QUARTERLY:
            return f"{self.year:04d}Q{self.index}"
        if self.type is PeriodType.SIX_MONTHLY:
            return f"{self.year:04d}S{self.index}"
        return f"{self.year:04d}"

    def __str__(self) -> str:
        return self.code

    # -- calendar dates ------------------------------------------------------------------

    @property
    def first_month(self) -> int:
        """Return the calendar month (1-12) the period starts in."""
        return (self.index - 1) * self.type.months + 1

    @property
    def last_month(self) -> int:
        """Return the calendar month (1-12) the period ends in."""
        return self.index * self.type.months

    @property
    def start(self) -> date:
        """Return the first calendar day of the period."""
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        """Return the last calendar day of the period (inclusive)."""
        return date(self.year, self.last_month, _days_in_month(self.year, self.last_month))

    @classmethod
    def containing(cls, type: PeriodType, day: date) -> Period:
        """Return the period of ``type`` whose calendar dates include ``day``."""
        period_type = PeriodType(type)
        return cls(period_type, day.year, (day.month - 1) // period_type.months + 1)

    # -- navigation ----------------------------------------------------------------------

    def offset(self, n: int) -> Period:
        """Return the period ``n`` periods of the same type later (negative ``n``: earlier).

        This is the DHIS2 indicator ``periodOffset``: ``Period.parse("202401").offset(-1)`` is
        ``202312``. Raises :class:`ValueError` past year 9999 or before year 1.
        """
        per_year = self.type.per_year
        year, position = divmod(self.year * per_year + (self.index - 1) + n, per_year)
        return Period(self.type, year, position + 1)

    def next(self) -> Period:
        """Return the period of the same type that follows this one."""
        return self.offset(1)

    def previous(self) -> Period:
        """Return the period of the same type that precedes this one."""
        return self.offset(-1)

    def same_period_last_year(self) -> Period:
        """Return the same month, quarter, half or year one year earlier (cùng kỳ năm trước)."""
        return Period(self.type, self.year - 1, self.index)

    def children(self, type: PeriodType) -> list[Period]:
        """Return the periods of the finer (or equal) ``type`` that make up this period.

        ``Period.parse("2024Q1").children(PeriodType.MONTHLY)`` is 202401, 202402, 202403;
        a year has 12 months, 4 quarters or 2 halves. Raises :class:`ValueError` if ``type``
        is coarser than this period's type.
        """
        child_type = PeriodType(type)
        if child_type.months > self.type.months:
            raise ValueError(
                f"Kỳ {child_type} dài hơn kỳ {self.code} ({self.type}) nên không thể là kỳ con "
                f"({child_type} periods are longer than {self.code} ({self.type}), "
                f"so they cannot be its children)"
            )
        return periods_between(child_type, self.start, self.end)

    def year_to_date_months(self) -> list[Period]:
        """Return the months from January to the end of this period (lũy kế từ đầu năm).

        For ``2024Q2`` that is 202401 to 202406; for ``202403`` it is 202401 to 202403.
        """
        return [
            Period(PeriodType.MONTHLY, self.year, month) for month in range(1, self.last_month + 1)
        ]


def _as_date(day: date) -> date:
    """Return ``day`` as a plain date (a datetime is a date subclass that compares badly)."""
    return date(day.year, day.month, day.day)


def periods_between(type: PeriodType, first_day: date, last_day: date) -> list[Period]:
    """Return, in order, every period of ``type`` that overlaps ``first_day``-``last_day``.

    Both days are inclusive, so partial periods at either end are included:
    ``periods_between(MONTHLY, date(2024, 1, 20), date(2024, 3, 5))`` is 202401, 202402 and
    202403. Raises :class:`ValueError` if ``last_day`` is before ``first_day``.
    """
    if last_day < first_day:
        raise ValueError(
            f"Ngày cuối {last_day:%d/%m/%Y} trước ngày đầu {first_day:%d/%m/%Y} "
            f"(last day {last_day.isoformat()} is before first day {first_day.isoformat()})"
        )
    period = Period.containing(type, first_day)
    last = Period.containing(type, last_day)
    periods = [period]
    while period < last:
        period = period.next()
        periods.append(period)
    return periods


# -- Decree 09/2019 data cut-off windows ---------------------------------------------------


@dataclass(frozen=True)
class CutoffRule:
    """When a period's data window (thời gian chốt số liệu) starts and ends.

    With ``start_day`` D > 1, a period's window runs from day D of the month before the
    period's first month to day D-1 of the period's last month: for D=15 the March report
    covers 15/02-14/03 and the Q1 report 15/12 of the previous year to 14/03 (Decree
    09/2019, marked UNVERIFIED in our reference, hence configuration). ``start_day=1``
    (:meth:`calendar`) is the calendar: the window is the period's own dates.

    A day the month does not have is replaced by the nearest possible one, the month's last
    day: with D=31 the March 2024 window starts on 29/02/2024. Windows of consecutive
    periods always meet with no gap or overlap, so each window ends the day before the next
    one starts (with D=31 the February 2024 window ends on 28/02).
    """

    start_day: int = 15

    def __post_init__(self) -> None:
        if isinstance(self.start_day, bool) or not 1 <= self.start_day <= 31:
            raise ValueError(
                f"Ngày bắt đầu chốt số liệu phải từ 1 đến 31: {self.start_day!r} "
                f"(cut-off start day must be 1 to 31: {self.start_day!r})"
            )

    @classmethod
    def calendar(cls) -> CutoffRule:
        """Return the rule whose windows are the calendar periods themselves."""
        return cls(start_day=1)


def _lag(rule: CutoffRule) -> int:
    """Return how many months before a period's first month its data window starts."""
    return 0 if rule.start_day == 1 else 1


def _window_start(rule: CutoffRule, year: int, month: int) -> date:
    """Return the first day of the data window of the period whose first month is year/month."""
    start_year, start_month = _shift_month(year, month, -_lag(rule))
    return _clamped(start_year, start_month, rule.start_day)


def data_window(period: Period, rule: CutoffRule) -> tuple[date, date]:
    """Return the first and last day (both inclusive) of ``period``'s data window.

    With ``CutoffRule()`` (15th): 03/2024 is 15/02/2024-14/03/2024, Q1/2024 is
    15/12/2023-14/03/2024, H1 is 15/12 of the previous year-14/06, H2 is 15/06-14/12 and the
    year is 15/12 of the previous year-14/12. See :class:`CutoffRule` for short months.
    """
    after = _shift_month(period.year, period.last_month, 1)
    first = _window_start(rule, period.year, period.first_month)
    last = _window_start(rule, *after) - timedelta(days=1)
    return first, last


def period_for_day(type: PeriodType, day: date, rule: CutoffRule) -> Period:
    """Return the period of ``type`` whose data window under ``rule`` contains ``day``.

    With the cut-off on the 15th, 14/03/2024 belongs to March 2024 and 20/03/2024 to April;
    20/12/2024 belongs to 01/2025 and to the year 2025.
    """
    day = _as_date(day)
    # The month whose window starts in day's month; if day is before that start, day is
    # still in the window of the month before.
    year, month = _shift_month(day.year, day.month, _lag(rule))
    if day < _window_start(rule, year, month):
        year, month = _shift_month(year, month, -1)
    return Period.containing(type, date(year, month, 1))


# -- submission deadlines and locking -------------------------------------------------------


@dataclass(frozen=True)
class DeadlineRule:
    """When a period's report is due; set exactly one of the two fields.

    ``days_after_period_end``: that many days after the period's last calendar day (0 is the
    last day itself). ``day_of_last_month``: that day of the period's last month, e.g. 20 for
    reports to the Government (Decree 09/2019, UNVERIFIED in our reference); a day the month
    does not have becomes its last day.
    """

    days_after_period_end: int | None = None
    day_of_last_month: int | None = None

    def __post_init__(self) -> None:
        if (self.days_after_period_end is None) == (self.day_of_last_month is None):
            raise ValueError(
                "Cần đặt đúng một trong days_after_period_end và day_of_last_month "
                "(set exactly one of days_after_period_end and day_of_last_month)"
            )
        if self.days_after_period_end is not None and self.days_after_period_end < 0:
            raise ValueError(
                f"Số ngày sau kỳ không được âm: {self.days_after_period_end} "
                f"(days after period end must not be negative: {self.days_after_period_end})"
            )
        if self.day_of_last_month is not None and not 1 <= self.day_of_last_month <= 31:
            raise ValueError(
                f"Ngày hạn nộp phải từ 1 đến 31: {self.day_of_last_month} "
                f"(deadline day of month must be 1 to 31: {self.day_of_last_month})"
            )


def deadline(period: Period, rule: DeadlineRule) -> date:
    """Return the last day on which ``period``'s report may be submitted on time."""
    if rule.day_of_last_month is not None:
        return _clamped(period.year, period.last_month, rule.day_of_last_month)
    assert rule.days_after_period_end is not None  # guaranteed by DeadlineRule
    return period.end + timedelta(days=rule.days_after_period_end)


def locked_after(period: Period, expiry_days: int) -> date:
    """Return the last day data for ``period`` can be entered; it is locked from the next day.

    As DHIS2's ``expiryDays``: the lock falls ``expiry_days`` days after the period's last
    calendar day, so monthly 01/2024 with 10 expiry days is editable until 10/02/2024.
    DHIS2 reads 0 as "never locked"; here 0 locks the day after the period ends, so a caller
    with no expiry should not call this. Raises :class:`ValueError` for negative values.
    """
    if expiry_days < 0:
        raise ValueError(
            f"Số ngày hết hạn không được âm: {expiry_days} "
            f"(expiry days must not be negative: {expiry_days})"
        )
    return period.end + timedelta(days=expiry_days)
