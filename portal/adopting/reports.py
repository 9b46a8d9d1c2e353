"""Read-only queries for the recruitment report: enquiry to registration of interest to approval,
and how long each stage took.

Every function takes a period of Europe/London dates, both days included, and runs a fixed number
of queries however many enquiries and applications there are: counts are aggregated in SQL, and
the stage times come from one query of the applications' dates, measured by the same clocks the
case pages show (``application_clocks.clocks_of``), so the report cannot disagree with them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import case, distinct, func, select
from sqlalchemy.orm import load_only

from portal.adopting.application_models import Application, ApplicationStatus
from portal.adopting.application_clocks import clocks_of
from portal.adopting.forms import SOURCE_LABELS
from portal.adopting.models import Enquiry, EnquirySource
from portal.agency.models import PartnerAuthority
from portal.agency.rules import financial_year, list_authorities
from portal.core.db import db
from portal.core.timescales import LONDON, add_months, london_date, working_days_between

ELSEWHERE = "elsewhere"
NO_ENQUIRY = "no_enquiry"
ALL = "all"


def percent(part: int, whole: int) -> float | None:
    """``part`` as a percentage of ``whole``; None when there is nothing to divide by."""
    return None if whole == 0 else 100 * part / whole


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The UTC moments a period of London dates covers: from midnight at its start, up to (not
    including) midnight after its last day. Clocks change at 01:00, so midnight always exists."""
    first = datetime.combine(start, time.min, tzinfo=LONDON).astimezone(UTC)
    after = datetime.combine(end + timedelta(days=1), time.min, tzinfo=LONDON).astimezone(UTC)
    return first, after


def financial_quarter(day: date) -> tuple[date, date]:
    """The quarter of the financial year (April to March) that ``day`` falls in, first and last day."""
    quarter = ((day.month - 4) % 12) // 3
    first_month = 3 + quarter * 3  # counted from January as 0: April is 3
    first = date(financial_year(day) + first_month // 12, first_month % 12 + 1, 1)
    return first, add_months(first, 3) - timedelta(days=1)


# ---------------------------------------------------------------------------------------------------
# Conversion


@dataclass(frozen=True)
class ConversionRow:
    """One row of the conversion tables. ``enquiries`` is None on the "No earlier enquiry" row,
    whose registrations were not preceded by an enquiry at all."""

    key: str
    label: str
    enquiries: int | None
    registrations: int
    approvals: int

    @property
    def enquiry_to_registration(self) -> float | None:
        return None if self.enquiries is None else percent(self.registrations, self.enquiries)

    @property
    def registration_to_approval(self) -> float | None:
        return percent(self.approvals, self.registrations)


@dataclass(frozen=True)
class Conversion:
    """Both conversion tables: by partner authority and by enquiry source. Each ends with the
    totals for enquiries in the period, then the "No earlier enquiry" row."""

    by_authority: list[ConversionRow]
    by_source: list[ConversionRow]


@dataclass
class _Counts:
    enquiries: int = 0
    registrations: int = 0
    approvals: int = 0

    def add(self, enquiries: int, registrations: int, approvals: int) -> None:
        self.enquiries += enquiries
        self.registrations += registrations
        self.approvals += approvals

    def row(self, key: str, label: str) -> ConversionRow:
        return ConversionRow(key, label, self.enquiries, self.registrations, self.approvals)


def _authorities(scope: int | None, with_data: set[int | None]) -> list[PartnerAuthority]:
    # A partner that has left still shows while it has figures in the period.
    return [
        a
        for a in list_authorities(include_inactive=True)
        if (scope is None or a.id == scope) and (a.active or a.id in with_data)
    ]


def conversion(start: date, end: date, scope: int | None = None) -> Conversion:
    """For enquiries received in the period: how many led to a registration of interest that was
    sent, and how many to an approval, by the enquiry's council area and by how the person heard
    about us. Each enquiry counts once, however many applications followed it. Spoke staff
    (``scope``: an authority id) see their own area's figures only.

    Three queries: the authorities, the enquiry counts grouped by area and source, and the
    registrations sent in the period with no enquiry before them."""
    first, after = period_bounds(start, end)
    registered = case((Application.submitted_at.is_not(None), Enquiry.id))
    approved = case((Application.status == ApplicationStatus.APPROVED, Enquiry.id))
    query = (
        select(
            Enquiry.authority_id,
            Enquiry.source,
            func.count(distinct(Enquiry.id)),
            func.count(distinct(registered)),
            func.count(distinct(approved)),
        )
        .outerjoin(Application, Application.enquiry_id == Enquiry.id)
        .where(Enquiry.received_at >= first, Enquiry.received_at < after)
        .group_by(Enquiry.authority_id, Enquiry.source)
    )
    if scope is not None:
        query = query.where(Enquiry.authority_id == scope)
    by_area: dict[int | None, _Counts] = defaultdict(_Counts)
    by_source: dict[str, _Counts] = defaultdict(_Counts)
    total = _Counts()
    for authority_id, source, enquiries, registrations, approvals in db.session.execute(query):
        by_area[authority_id].add(enquiries, registrations, approvals)
        by_source[source].add(enquiries, registrations, approvals)
        total.add(enquiries, registrations, approvals)

    no_enquiry = select(
        func.count(Application.id),
        func.count(case((Application.status == ApplicationStatus.APPROVED, Application.id))),
    ).where(Application.enquiry_id.is_(None), Application.submitted_at >= first, Application.submitted_at < after)
    if scope is not None:
        no_enquiry = no_enquiry.where(Application.authority_id == scope)
    registrations, approvals = db.session.execute(no_enquiry).one()
    without = ConversionRow(NO_ENQUIRY, _("No earlier enquiry"), None, registrations, approvals)
    total_row = total.row(ALL, _("All enquiries"))

    area_rows = [by_area[a.id].row(a.slug, a.name) for a in _authorities(scope, set(by_area))]
    if scope is None:
        area_rows.append(by_area[None].row(ELSEWHERE, _("Somewhere else or not known")))
    known = {s.value for s in EnquirySource}
    source_rows = [by_source[s.value].row(s.value, str(SOURCE_LABELS[s])) for s in EnquirySource]
    # A source no longer offered still counts, under its stored value.
    source_rows += [by_source[s].row(s, s) for s in sorted(set(by_source) - known)]
    return Conversion([*area_rows, total_row, without], [*source_rows, total_row, without])


# ---------------------------------------------------------------------------------------------------
# Time in each stage


@dataclass
class StageTimes:
    """How long one stage took for the applications that finished it with a decision: the number
    measured, their total length (working days for the registration decision, calendar days for
    the stages) and how many were within the timescale."""

    measured: int = 0
    total_days: int = 0
    within: int = 0

    @property
    def average(self) -> float | None:
        return None if self.measured == 0 else self.total_days / self.measured

    @property
    def within_percent(self) -> float | None:
        return percent(self.within, self.measured)

    def add(self, days: int, within: bool) -> None:
        self.measured += 1
        self.total_days += days
        self.within += int(within)


@dataclass
class TimesRow:
    key: str
    label: str
    registration: StageTimes = field(default_factory=StageTimes)
    stage_one: StageTimes = field(default_factory=StageTimes)
    stage_two: StageTimes = field(default_factory=StageTimes)


# The dates the clocks are built from, and nothing else: answers can be large.
_CLOCK_COLUMNS = (
    Application.id,
    Application.authority_id,
    Application.status,
    Application.submitted_at,
    Application.registration_decided_at,
    Application.stage_one_started_at,
    Application.stage_one_decided_at,
    Application.break_started_at,
    Application.break_until,
    Application.stage_two_started_at,
    Application.par_shared_at,
    Application.par_commented_at,
    Application.decided_at,
    Application.withdrawn_at,
)


def _measure(application: Application, today: date, rows: list[TimesRow]) -> None:
    # Only a stage the agency decided is measured: a withdrawal says nothing about how long the
    # agency took. The clocks give each stage's start and due date.
    decided = {
        "registration_decision": application.registration_decided_at,
        "stage_one": application.stage_one_decided_at,
        "stage_two": application.decided_at,
    }
    for clock in clocks_of(application, today):
        moment = decided.get(clock.name)
        if moment is None:
            continue
        finished = london_date(moment)
        within = finished <= clock.due
        for row in rows:
            if clock.name == "registration_decision":
                row.registration.add(working_days_between(clock.started, finished), within)
            elif clock.name == "stage_one":
                row.stage_one.add((finished - clock.started).days, within)
            else:
                row.stage_two.add((finished - clock.started).days, within)


def stage_times(start: date, end: date, today: date, scope: int | None = None) -> list[TimesRow]:
    """For registrations of interest sent in the period: the registration decision in working days
    (within 5), Stage One in calendar days (within 2 months) and Stage Two (within 4 months), by
    council area of the application, then for all areas. Two queries: the authorities, and the
    applications' dates."""
    rows: dict[int | None, TimesRow] = {}
    total = TimesRow(ALL, _("All areas"))
    for application, _source in _sent_in(start, end, scope):
        _measure(application, today, [rows.setdefault(application.authority_id, TimesRow("", "")), total])
    result = []
    for authority in _authorities(scope, set(rows)):
        found = rows.get(authority.id, TimesRow("", ""))
        result.append(TimesRow(authority.slug, authority.name, found.registration, found.stage_one, found.stage_two))
    if scope is None:
        found = rows.get(None, TimesRow("", ""))
        result.append(
            TimesRow(ELSEWHERE, _("Somewhere else or not known"), found.registration, found.stage_one, found.stage_two)
        )
    result.append(total)
    return result


def stage_times_by_source(start: date, end: date, today: date, scope: int | None = None) -> list[TimesRow]:
    """The same stage times, by how the applicants first heard about the agency (the source of
    their linked enquiry), with a row for applicants who made no enquiry first. One query."""
    rows: dict[str, TimesRow] = {}
    total = TimesRow(ALL, _("All sources"))
    for application, source in _sent_in(start, end, scope):
        _measure(application, today, [rows.setdefault(source or NO_ENQUIRY, TimesRow("", "")), total])
    result = []
    for key, label in [(s.value, str(SOURCE_LABELS[s])) for s in EnquirySource] + [(NO_ENQUIRY, _("No earlier enquiry"))]:
        found = rows.get(key, TimesRow("", ""))
        result.append(TimesRow(key, label, found.registration, found.stage_one, found.stage_two))
    result.append(total)
    return result


def _sent_in(start: date, end: date, scope: int | None) -> list[tuple[Application, str | None]]:
    """Registrations sent in the period, with the source of each one's earlier enquiry (if any)."""
    first, after = period_bounds(start, end)
    query = (
        select(Application, Enquiry.source)
        .outerjoin(Enquiry, Enquiry.id == Application.enquiry_id)
        .options(load_only(*_CLOCK_COLUMNS))
        .where(Application.submitted_at >= first, Application.submitted_at < after)
        .order_by(Application.id)
    )
    if scope is not None:
        query = query.where(Application.authority_id == scope)
    return [(application, source) for application, source in db.session.execute(query)]
