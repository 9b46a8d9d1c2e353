"""Every timescale of an application, read-only: what each clock is, when it started, when it is
due and how it is doing. The case pages, the applicants' page, the queue and the report all read
these, so they cannot disagree.

- the agency decides on a registration of interest within 5 working days of it arriving;
- Stage One takes 2 calendar months from acceptance;
- a break between the stages lasts at most 6 calendar months (it stops no clock: Stage Two's starts
  only when the applicants say they want to go on);
- Stage Two takes 4 calendar months from the applicants' notice to go on (from acceptance, on the
  fast track);
- the applicants have 10 working days to comment on their Prospective Adopter's Report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from portal.adopting.application_models import Application
from portal.core.db import utcnow
from portal.core.timescales import Timeliness, add_months, add_working_days, london_date, timeliness_by

REGISTRATION_DECISION_DAYS = 5
STAGE_ONE_MONTHS = 2
BREAK_MONTHS = 6
STAGE_TWO_MONTHS = 4
PAR_COMMENT_DAYS = 10


def par_comments_due(application: Application) -> date | None:
    if application.par_shared_at is None:
        return None
    return add_working_days(london_date(application.par_shared_at), PAR_COMMENT_DAYS)


def latest_break_end(application: Application) -> date:
    started = london_date(application.stage_one_decided_at or utcnow())
    return add_months(started, BREAK_MONTHS)


@dataclass(frozen=True)
class Clock:
    """One timescale on an application: what it is, when it started, when it is due, how it went."""

    name: str  # registration_decision, stage_one, break, stage_two, par_comments
    started: date
    due: date
    timeliness: Timeliness
    finished: date | None = None


def _day(moment: datetime | None) -> date | None:
    return london_date(moment) if moment is not None else None


def clocks_of(application: Application, today: date) -> list[Clock]:
    """Every timescale the application has been on, oldest first."""
    clocks: list[Clock] = []

    def add(name: str, started: date | None, due: date | None, finished: date | None) -> None:
        if started is not None and due is not None:
            clocks.append(Clock(name, started, due, timeliness_by(due, today, finished), finished))

    submitted = _day(application.submitted_at)
    if submitted is not None:
        add(
            "registration_decision",
            submitted,
            add_working_days(submitted, REGISTRATION_DECISION_DAYS),
            _day(application.registration_decided_at) or _day(application.withdrawn_at),
        )
    stage_one = _day(application.stage_one_started_at)
    if stage_one is not None:
        add(
            "stage_one",
            stage_one,
            add_months(stage_one, STAGE_ONE_MONTHS),
            _day(application.stage_one_decided_at) or _ended(application),
        )
    if application.break_started_at is not None and application.break_until is not None:
        add(
            "break",
            london_date(application.break_started_at),
            application.break_until,
            _day(application.stage_two_started_at) or _ended(application),
        )
    stage_two = _day(application.stage_two_started_at)
    if stage_two is not None:
        add("stage_two", stage_two, add_months(stage_two, STAGE_TWO_MONTHS), _day(application.decided_at) or _ended(application))
    due = par_comments_due(application)
    if due is not None and application.par_shared_at is not None:
        add("par_comments", london_date(application.par_shared_at), due, _day(application.par_commented_at))
    return clocks


def _ended(application: Application) -> date | None:
    return _day(application.withdrawn_at)


def current_clock(application: Application, today: date) -> Clock | None:
    """The timescale the application is on now, if any."""
    running = [c for c in clocks_of(application, today) if c.finished is None]
    return running[-1] if running else None
