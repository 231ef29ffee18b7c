"""The working-day calendar: weekends, lunar Tết, make-up Saturdays and the province's days."""

from __future__ import annotations

import datetime as dt

import pytest

from tinhso.services import actions
from tinhso.services.choices import DayKind
from tinhso.services.workdays import WorkingCalendar, calendar

D = dt.date


def national() -> WorkingCalendar:
    return WorkingCalendar({})


def test_tet_2026_is_skipped():
    # Tết Bính Ngọ: Mon 16/02 to Fri 20/02/2026 off, weekends either side.
    cal = national()
    assert not any(cal.is_working(D(2026, 2, day)) for day in range(14, 23))
    # Received Fri 13/02, 1 working day → Mon 23/02.
    assert cal.add(D(2026, 2, 13), 1) == D(2026, 2, 23)
    assert cal.add(D(2026, 2, 12), 3) == D(2026, 2, 24)


def test_tet_2027_is_skipped():
    # Tết Đinh Mùi: 04/02 (29 Tết) to 10/02/2027 off.
    cal = national()
    assert cal.is_working(D(2027, 2, 3))
    assert not cal.is_working(D(2027, 2, 4))
    assert not cal.is_working(D(2027, 2, 10))
    assert cal.add(D(2027, 2, 3), 1) == D(2027, 2, 11)
    assert cal.add(D(2027, 2, 3), 5) == D(2027, 2, 17)


def test_received_day_is_not_counted_and_weekends_are_skipped():
    cal = national()
    assert cal.add(D(2026, 11, 27), 1) == D(2026, 11, 30)  # Fri → Mon
    assert cal.add(D(2026, 11, 28), 1) == D(2026, 11, 30)  # received on a Saturday
    assert cal.add(D(2026, 11, 30), 0) == D(2026, 11, 30)  # same-day procedure
    assert cal.add(D(2026, 11, 29), 0) == D(2026, 11, 30)  # same day, but a Sunday


def test_make_up_saturday_of_the_national_calendar_counts():
    # 22/08/2026 (Sat) is worked in exchange for Mon 31/08/2026 off.
    cal = national()
    assert cal.is_working(D(2026, 8, 22))
    assert not cal.is_working(D(2026, 8, 31))
    assert cal.add(D(2026, 8, 21), 1) == D(2026, 8, 22)
    assert cal.add(D(2026, 8, 28), 1) == D(2026, 9, 3)  # 31/08, 01–02/09 off


def test_province_declared_days_override_the_national_calendar():
    cal = WorkingCalendar({D(2026, 12, 7): DayKind.OFF, D(2026, 12, 12): DayKind.WORKING})
    assert not cal.is_working(D(2026, 12, 7))
    assert cal.is_working(D(2026, 12, 12))
    assert cal.add(D(2026, 12, 4), 1) == D(2026, 12, 8)
    assert cal.add(D(2026, 12, 11), 1) == D(2026, 12, 12)


@pytest.mark.django_db
def test_declared_compensatory_day_changes_appointment_dates():
    assert calendar().add(D(2026, 12, 4), 2) == D(2026, 12, 8)
    actions.declare_day(D(2026, 12, 7), actor=None, kind=DayKind.OFF, reason="Nghỉ bù")
    assert calendar().add(D(2026, 12, 4), 2) == D(2026, 12, 9)
    actions.declare_day(D(2026, 12, 5), actor=None, kind=DayKind.WORKING, reason="Làm bù")
    assert calendar().add(D(2026, 12, 4), 2) == D(2026, 12, 8)
    assert actions.undeclare_day(D(2026, 12, 5), actor=None)
    assert calendar().add(D(2026, 12, 4), 2) == D(2026, 12, 9)


def test_working_days_between():
    cal = national()
    assert cal.between(D(2026, 11, 27), D(2026, 12, 1)) == 2  # Mon, Tue
    assert cal.between(D(2026, 12, 1), D(2026, 11, 27)) == 0
    assert cal.previous(D(2026, 11, 30)) == D(2026, 11, 27)


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        national().add(D(2026, 1, 5), -1)
