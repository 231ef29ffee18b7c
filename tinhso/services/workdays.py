"""The working-day calendar of the one-stop desks (ngày làm việc).

A day is a working day when the national calendar says so — Monday to Friday, less the public
holidays of the Labour Code with Tết by the lunar calendar and the make-up working Saturdays
the government announces, all from the ``holidays`` package — unless the province declares it
otherwise (:class:`~tinhso.services.models.CalendarDay`, editable by an operator).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from functools import lru_cache

import holidays

from tinhso.services.choices import DayKind
from tinhso.services.models import CalendarDay

# A deadline never lies further away than this; a bound keeps a bad input from looping.
MAX_SPAN_DAYS = 3660


@lru_cache(maxsize=64)
def _national(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=year)


def nationally_working(day: datetime.date) -> bool:
    """Whether ``day`` is a working day by the national calendar alone."""
    return bool(_national(day.year).is_working_day(day))


class WorkingCalendar:
    """Working days: the national calendar with the province's declared days on top.

    Build one per request or task (:func:`calendar`) — it reads the province's declared days
    once, so computing many deadlines costs one query.
    """

    def __init__(self, declared: dict[datetime.date, str]) -> None:
        self.declared = declared

    def is_working(self, day: datetime.date) -> bool:
        """Whether officers work on ``day``."""
        kind = self.declared.get(day)
        if kind is not None:
            return kind == DayKind.WORKING
        return nationally_working(day)

    def _after(self, start: datetime.date) -> Iterator[datetime.date]:
        day = start
        for _ in range(MAX_SPAN_DAYS):
            day += datetime.timedelta(days=1)
            if self.is_working(day):
                yield day
        raise ValueError("no working day within ten years (không có ngày làm việc trong 10 năm)")

    def add(self, start: datetime.date, days: int) -> datetime.date:
        """The date ``days`` working days after ``start``, ``start`` itself not counted.

        With ``days == 0`` the result is ``start`` if it is a working day (a same-day
        procedure), else the next working day.
        """
        if days < 0:
            raise ValueError("days must not be negative (số ngày không được âm)")
        if days == 0:
            return start if self.is_working(start) else next(self._after(start))
        for count, day in enumerate(self._after(start), start=1):
            if count == days:
                return day
        raise AssertionError("unreachable")

    def between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 if ``end <= start``)."""
        count = 0
        day = start
        while day < end:
            day += datetime.timedelta(days=1)
            count += self.is_working(day)
        return count

    def previous(self, day: datetime.date) -> datetime.date:
        """The last working day before ``day``."""
        for _ in range(MAX_SPAN_DAYS):
            day -= datetime.timedelta(days=1)
            if self.is_working(day):
                return day
        raise ValueError("no working day within ten years (không có ngày làm việc trong 10 năm)")


def calendar() -> WorkingCalendar:
    """The current working calendar, with the province's declared days read from the database."""
    return WorkingCalendar(dict(CalendarDay.objects.values_list("date", "kind")))
