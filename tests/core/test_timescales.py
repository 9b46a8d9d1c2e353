from __future__ import annotations

from datetime import UTC, date, datetime

from portal.core.timescales import (
    Timeliness,
    add_working_days,
    is_working_day,
    london_date,
    timeliness,
    working_days_between,
)


def test_bank_holidays_and_weekends_are_not_working_days():
    assert not is_working_day(date(2026, 12, 25))  # Christmas Day, a Friday
    assert not is_working_day(date(2026, 12, 28))  # Boxing Day substitute, Monday
    assert not is_working_day(date(2026, 12, 26))  # Saturday
    assert not is_working_day(date(2027, 3, 29))  # Easter Monday
    assert is_working_day(date(2026, 12, 29))


def test_ten_working_days_over_christmas():
    # Received Wednesday 23 December 2026: Christmas, the Boxing Day substitute and New Year's Day
    # fall inside the window.
    assert add_working_days(date(2026, 12, 23), 10) == date(2027, 1, 11)
    assert working_days_between(date(2026, 12, 23), date(2027, 1, 11)) == 10


def test_working_days_between_is_zero_for_the_same_or_earlier_day():
    assert working_days_between(date(2026, 11, 25), date(2026, 11, 25)) == 0
    assert working_days_between(date(2026, 11, 25), date(2026, 11, 20)) == 0


def test_late_evening_utc_is_the_next_london_day_in_summer():
    assert london_date(datetime(2026, 7, 5, 23, 30, tzinfo=UTC)) == date(2026, 7, 6)
    assert london_date(datetime(2026, 12, 5, 23, 30, tzinfo=UTC)) == date(2026, 12, 5)


def test_timeliness_moves_from_on_time_to_due_soon_to_overdue():
    received = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)  # Monday; due Monday 16 November
    assert timeliness(received, 10, date(2026, 11, 5)) == Timeliness.ON_TIME
    assert timeliness(received, 10, date(2026, 11, 12)) == Timeliness.DUE_SOON
    assert timeliness(received, 10, date(2026, 11, 16)) == Timeliness.DUE_SOON
    assert timeliness(received, 10, date(2026, 11, 17)) == Timeliness.OVERDUE


def test_answered_enquiries_are_judged_by_when_they_were_answered():
    received = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
    on_time = datetime(2026, 11, 16, 16, 0, tzinfo=UTC)
    late = datetime(2026, 11, 17, 9, 0, tzinfo=UTC)
    assert timeliness(received, 10, date(2026, 12, 1), finished=on_time) == Timeliness.DONE
    assert timeliness(received, 10, date(2026, 12, 1), finished=late) == Timeliness.DONE_LATE
