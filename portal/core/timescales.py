"""Working days, counted against the England and Wales bank holidays, in one place.

Statutory timescales (5 working days to decide on a registration of interest, 10 to answer an
enquiry, 45 to share an assessment) are counted here and nowhere else. Dates are Europe/London dates:
an enquiry sent at 23:30 UTC on a Sunday in summer arrived on Monday.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")
DUE_SOON_DAYS = 2


class Timeliness(StrEnum):
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    DONE = "done"
    DONE_LATE = "done_late"


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    # England and Wales share one list of bank holidays; the "ENG" subdivision is that list.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def london_date(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (the start day itself is day 0)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end``; 0 when end is not after start."""
    if end <= start:
        return 0
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count


def timeliness(started: datetime, target_days: int, today: date, finished: datetime | None = None) -> Timeliness:
    due = add_working_days(london_date(started), target_days)
    if finished is not None:
        return Timeliness.DONE if london_date(finished) <= due else Timeliness.DONE_LATE
    if today > due:
        return Timeliness.OVERDUE
    if working_days_between(today, due) <= DUE_SOON_DAYS:
        return Timeliness.DUE_SOON
    return Timeliness.ON_TIME


def today_london() -> date:
    from portal.core.db import utcnow

    return london_date(utcnow())


def add_months(start: date, months: int) -> date:
    """The same day ``months`` calendar months later; a day the month lacks becomes its last day
    (31 December plus 2 months is 28 or 29 February)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    next_month = date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month - timedelta(days=1)).day
    return date(year, month, min(start.day, last_day))


def timeliness_by(due: date, today: date, finished: date | None = None) -> Timeliness:
    """How a piece of work due on ``due`` is doing, for timescales set in calendar months."""
    if finished is not None:
        return Timeliness.DONE if finished <= due else Timeliness.DONE_LATE
    if today > due:
        return Timeliness.OVERDUE
    if working_days_between(today, due) <= DUE_SOON_DAYS:
        return Timeliness.DUE_SOON
    return Timeliness.ON_TIME
