"""Rules for adoption support: who is responsible for a family, the states a referral moves
through, its timescales, and Support Fund limits. The only code that writes support referrals.

    new ──screen──▶ screened ──sign off: advice──▶ closed (a closure letter follows)
     ▲                 ├──sign off: assessment──▶ assessment ──share plan──▶ plan ──review──▶ plan
     └──send back──────┤                              ▲                        │
                       └──sign off: safeguarding──▶ safeguarding ──assess──────┘
    assessment / safeguarding / plan ──close──▶ closed
    assessment / plan ──transfer (3 years on, living outside the region)──▶ transferred

Timescales (Together4Children's adoption support policy), in working days against the England and
Wales bank holidays: a team manager signs the screening off within 5 working days of the referral;
the assessment and support plan are shared within 45 working days of the first visit (reasons
recorded if later); plans are reviewed at least every 12 months and each review is shared within 7
working days; a closure letter goes within 5 working days of closure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from flask import current_app, url_for
from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal.accounts.models import PublicUser, StaffRole, StaffUser
from portal.agency.rules import financial_year
from portal.core import audit, outbox
from portal.core.db import db, new_reference, utcnow
from portal.core.timescales import Timeliness, add_months, add_working_days, london_date, timeliness_by
from portal.support.models import (
    FundLimit,
    FundStatus,
    PlanItem,
    PlanItemKind,
    ReferralStatus,
    ReferrerRole,
    ScreeningOutcome,
    SupportChild,
    SupportMessage,
    SupportReferral,
    SupportReview,
)

R = ReferralStatus

SCREENING_DAYS = 5
ASSESSMENT_DAYS = 45
REVIEW_MONTHS = 12
REVIEW_SHARE_DAYS = 7
CLOSURE_LETTER_DAYS = 5
RESPONSIBILITY_YEARS = 3

OPEN = {R.NEW, R.SCREENED, R.ASSESSMENT, R.SAFEGUARDING, R.PLAN}

MOVES: dict[str, dict[ReferralStatus, ReferralStatus]] = {
    "screen": {R.NEW: R.SCREENED},
    "send_back": {R.SCREENED: R.NEW},
    "sign_off_advice": {R.SCREENED: R.CLOSED},
    "sign_off_assessment": {R.SCREENED: R.ASSESSMENT},
    "sign_off_safeguarding": {R.SCREENED: R.SAFEGUARDING},
    "assess": {R.SAFEGUARDING: R.ASSESSMENT},
    "share_plan": {R.ASSESSMENT: R.PLAN},
    "review": {R.PLAN: R.PLAN},
    "close": {R.ASSESSMENT: R.CLOSED, R.SAFEGUARDING: R.CLOSED, R.PLAN: R.CLOSED},
    "transfer": {R.ASSESSMENT: R.TRANSFERRED, R.PLAN: R.TRANSFERRED},
}

SIGN_OFF_MOVES = {
    ScreeningOutcome.ADVICE: "sign_off_advice",
    ScreeningOutcome.ASSESSMENT: "sign_off_assessment",
    ScreeningOutcome.SAFEGUARDING: "sign_off_safeguarding",
}


class IllegalMove(Exception):
    """A referral was asked to make a move its state does not allow."""


class StaleEdit(Exception):
    """Someone else changed the referral after this person opened it."""


class NotAllowed(Exception):
    """Legal for the state, but not for this person or not yet; ``reason`` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _move(referral: SupportReferral, move: str) -> None:
    allowed = MOVES[move]
    if referral.status not in allowed:
        raise IllegalMove(f"{move} is not allowed from {referral.status}")
    referral.status = allowed[referral.status]


def _check_version(referral: SupportReferral, seen_version: int | None) -> None:
    if seen_version is not None and seen_version != referral.version:
        raise StaleEdit(referral.public_id)


def _record(action: str, referral: SupportReferral, **detail: Any) -> None:
    audit.record(action, "support_referral", referral.public_id, **detail)


def _tell_family(referral: SupportReferral, template: str) -> None:
    """Email the family that there is news (never what it is), in their language, with a link to
    sign in and see it."""
    person = db.session.get(PublicUser, referral.public_user_id)
    if person is None or not person.email:
        return
    locale = person.preferred_language if person.preferred_language in current_app.config["LOCALES"] else "en"
    link = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for(
        "support_family.view_referral", public_id=referral.public_id
    )
    outbox.queue_email(person.email, template, locale, reference=referral.reference, link=link)


# ---------------------------------------------------------------------------------------------------
# Who is responsible


class Responsible(StrEnum):
    PLACING = "placing"  # within 3 years of the adoption order (or before it is made)
    HOME = "home"  # after 3 years, the partner authority where the family lives
    OUTSIDE = "outside"  # after 3 years, living outside the region: another agency


def third_anniversary(order_made_on: date) -> date:
    """The day the placing authority's 3 years end: the order's date 3 years on. An order made on
    29 February reaches it on 1 March when that year has no 29 February (the 3 years run to the end
    of 28 February)."""
    year = order_made_on.year + RESPONSIBILITY_YEARS
    try:
        return order_made_on.replace(year=year)
    except ValueError:
        return date(year, 3, 1)


@dataclass(frozen=True)
class Responsibility:
    kind: Responsible
    authority_id: int | None  # the partner authority, when it is one of ours
    until: date | None  # for the placing authority: the third anniversary of the order


def responsibility_for(child: SupportChild, home_authority_id: int | None, today: date) -> Responsibility:
    """Who assesses this child's support needs today: for 3 years after the adoption order the
    placing authority; from the third anniversary, the authority where the family lives."""
    if child.order_made_on is None or today < third_anniversary(child.order_made_on):
        until = third_anniversary(child.order_made_on) if child.order_made_on else None
        return Responsibility(Responsible.PLACING, child.placing_authority_id, until)
    if home_authority_id is not None:
        return Responsibility(Responsible.HOME, home_authority_id, None)
    return Responsibility(Responsible.OUTSIDE, None, None)


def scope_authorities(referral: SupportReferral, today: date) -> set[int]:
    """The partner authorities whose spoke staff see this referral: each child's responsible
    authority, and the authority where the family lives."""
    found = {responsibility_for(c, referral.home_authority_id, today).authority_id for c in referral.children}
    found.add(referral.home_authority_id)
    return {a for a in found if a is not None}


# ---------------------------------------------------------------------------------------------------
# The family's referral


@dataclass(frozen=True)
class ChildDetails:
    first_name: str
    date_of_birth: date
    placed_on: date | None
    order_made_on: date | None
    placing_authority_id: int | None
    placing_authority_other: str


def submit_referral(
    key: str,
    user: PublicUser,
    role: ReferrerRole,
    children: list[ChildDetails],
    home_authority_id: int | None,
    home_elsewhere: str,
    answers: dict[str, Any],
    urgent: bool,
    consent_to_share: bool,
) -> SupportReferral:
    """Record a referral, once per key however often it is sent."""
    existing = db.session.scalar(select(SupportReferral).where(SupportReferral.submission_key == key))
    if existing is not None:
        return existing
    if not children:
        raise NotAllowed("no_children")
    referral = SupportReferral(
        reference=new_reference("SUP"),
        submission_key=key,
        public_user_id=user.id,
        role=role,
        answers=answers,
        urgent=urgent,
        consent_to_share=consent_to_share,
        home_authority_id=home_authority_id,
        home_elsewhere=home_elsewhere,
        status=R.NEW,
    )
    for child in children:
        referral.children.append(SupportChild(**child.__dict__))
    savepoint = db.session.begin_nested()
    try:
        db.session.add(referral)
        db.session.flush()
        savepoint.commit()
    except IntegrityError:
        savepoint.rollback()
        found = db.session.scalar(select(SupportReferral).where(SupportReferral.submission_key == key))
        if found is None:
            raise
        return found
    _record("support_referral_received", referral, urgent=urgent)
    _tell_family(referral, "support-received")
    return referral


# ---------------------------------------------------------------------------------------------------
# Screening and sign-off


def screen(
    referral: SupportReferral, staff: StaffUser, outcome: ScreeningOutcome, notes: str, seen_version: int | None
) -> None:
    """The duty worker's screening: advice, an assessment of need, or a safeguarding referral."""
    _check_version(referral, seen_version)
    _move(referral, "screen")
    referral.screening_outcome = outcome
    referral.screening_notes = notes
    referral.screened_by_id = staff.id
    referral.screened_at = utcnow()
    _record("support_screened", referral, outcome=str(outcome))


def sign_off_screening(
    referral: SupportReferral,
    manager: StaffUser,
    agree: bool,
    seen_version: int | None,
    worker: StaffUser | None = None,
) -> None:
    """A team manager, not the person who screened, agrees the screening (an assessment needs a
    worker) or sends it back to be screened again."""
    _check_version(referral, seen_version)
    if referral.status != R.SCREENED:
        raise IllegalMove("nothing to sign off")
    if not manager.has_role(StaffRole.TEAM_MANAGER):
        raise NotAllowed("not_a_manager")
    if manager.id == referral.screened_by_id:
        raise NotAllowed("own_screening")
    if not agree:
        _move(referral, "send_back")
        referral.screening_outcome = ""
        _record("support_screening_sent_back", referral)
        return
    outcome = ScreeningOutcome(referral.screening_outcome)
    if outcome == ScreeningOutcome.ASSESSMENT and worker is None:
        raise NotAllowed("no_worker")
    _move(referral, SIGN_OFF_MOVES[outcome])
    now = utcnow()
    referral.signed_off_by_id = manager.id
    referral.signed_off_at = now
    if worker is not None:
        referral.worker_id = worker.id
    if outcome == ScreeningOutcome.ADVICE:
        referral.closed_at = now
        referral.closure_reason = referral.screening_notes
    _record("support_screening_signed_off", referral, outcome=str(outcome))
    _tell_family(referral, "support-update")


def record_mash_referral(
    referral: SupportReferral, at: datetime, contact: str, reference: str, seen_version: int | None
) -> None:
    """When the Multi-Agency Safeguarding Hub was contacted, who took it, and its reference."""
    _check_version(referral, seen_version)
    if referral.status != R.SAFEGUARDING:
        raise IllegalMove("not a safeguarding referral")
    referral.mash_referred_at = at
    referral.mash_contact = contact
    referral.mash_reference = reference
    _record("support_mash_referral_recorded", referral)


def start_assessment(referral: SupportReferral, worker: StaffUser, seen_version: int | None) -> None:
    """After a safeguarding referral, an assessment of need may still follow."""
    _check_version(referral, seen_version)
    _move(referral, "assess")
    referral.worker_id = worker.id
    _record("support_assessment_started", referral, worker=worker.public_id)


# ---------------------------------------------------------------------------------------------------
# Assessment of need and the support plan


def _assessing(referral: SupportReferral) -> None:
    if referral.status != R.ASSESSMENT:
        raise IllegalMove("not being assessed")


def record_first_visit(referral: SupportReferral, visited_on: date, consent: bool, seen_version: int | None) -> None:
    """The first visit starts the 45 working days; the family's consent is agreed there."""
    _check_version(referral, seen_version)
    _assessing(referral)
    referral.first_visit_on = visited_on
    if consent and referral.consent_recorded_at is None:
        referral.consent_recorded_at = utcnow()
    _record("support_first_visit_recorded", referral, consent=consent)


def assessment_due(referral: SupportReferral) -> date | None:
    return add_working_days(referral.first_visit_on, ASSESSMENT_DAYS) if referral.first_visit_on else None


def share_plan(
    referral: SupportReferral, assessment: str, wishes_and_feelings: str, late_reason: str, today: date,
    seen_version: int | None,
) -> None:
    """Share the assessment and support plan; after 45 working days, only with the reasons."""
    _check_version(referral, seen_version)
    _assessing(referral)
    due = assessment_due(referral)
    if due is None or referral.consent_recorded_at is None:
        raise NotAllowed("no_visit_or_consent")
    if today > due and not late_reason.strip():
        raise NotAllowed("late_reason_needed")
    _move(referral, "share_plan")
    referral.assessment = assessment
    referral.wishes_and_feelings = wishes_and_feelings
    referral.late_reason = late_reason
    referral.plan_shared_at = utcnow()
    _record("support_plan_shared", referral, late=today > due)
    _tell_family(referral, "support-update")


def fund_limit(year: int) -> int | None:
    return db.session.scalar(select(FundLimit.pence_per_child).where(FundLimit.year == year))


def set_fund_limit(year: int, pence_per_child: int) -> FundLimit:
    if not 2000 <= year <= 2100 or pence_per_child < 0:
        raise ValueError("a year between 2000 and 2100 and an amount of 0 or more")
    limit = db.session.scalar(select(FundLimit).where(FundLimit.year == year))
    if limit is None:
        limit = FundLimit(year=year, pence_per_child=pence_per_child)
        db.session.add(limit)
    limit.pence_per_child = pence_per_child
    return limit


def _fund_used(child_id: int, year: int, leaving_out: int | None = None) -> int:
    query = select(func.coalesce(func.sum(PlanItem.fund_amount_pence), 0)).where(
        PlanItem.child_id == child_id,
        PlanItem.fund_year == year,
        PlanItem.fund_status.in_([FundStatus.SUBMITTED, FundStatus.APPROVED]),
    )
    if leaving_out is not None:
        query = query.where(PlanItem.id != leaving_out)
    return int(db.session.scalar(query) or 0)


def add_plan_item(
    referral: SupportReferral,
    kind: PlanItemKind,
    description: str,
    child: SupportChild | None = None,
    fund_amount_pence: int | None = None,
    today: date | None = None,
) -> PlanItem:
    """Add to the support plan. A Support Fund application names the child and an amount, and is a
    draft until it is submitted."""
    if referral.status not in {R.ASSESSMENT, R.PLAN}:
        raise IllegalMove("the plan is written during the assessment or after it")
    if fund_amount_pence is not None and (child is None or child.referral_id != referral.id or fund_amount_pence <= 0):
        raise NotAllowed("fund_needs_child_and_amount")
    item = PlanItem(kind=kind, description=description, child_id=child.id if child else None)
    if fund_amount_pence is not None:
        item.fund_amount_pence = fund_amount_pence
        item.fund_year = financial_year(today or london_date(utcnow()))
        item.fund_status = FundStatus.DRAFT
    referral.plan_items.append(item)
    _record("support_plan_item_added", referral, kind=str(kind))
    return item


def set_fund_status(item: PlanItem, status: FundStatus) -> None:
    """Move a Support Fund application on. Submitting checks the child's limit for the year: what
    is submitted or approved for them, with this one, may not exceed it."""
    if item.fund_amount_pence is None or item.child_id is None or item.fund_year is None:
        raise IllegalMove("not a Support Fund application")
    if status in {FundStatus.SUBMITTED, FundStatus.APPROVED}:
        limit = fund_limit(item.fund_year)
        if limit is None:
            raise NotAllowed("no_limit_for_year")
        if _fund_used(item.child_id, item.fund_year, leaving_out=item.id) + item.fund_amount_pence > limit:
            raise NotAllowed("over_limit")
    item.fund_status = status
    _record("support_fund_status_set", item.referral, item=item.public_id, status=str(status))


# ---------------------------------------------------------------------------------------------------
# Reviews, closure and transfer


def record_review(referral: SupportReferral, held_on: date, summary: str, seen_version: int | None) -> SupportReview:
    _check_version(referral, seen_version)
    _move(referral, "review")
    review = SupportReview(held_on=held_on, summary=summary)
    referral.reviews.append(review)
    _record("support_review_recorded", referral)
    return review


def share_review(review: SupportReview) -> None:
    if review.shared_at is not None:
        raise NotAllowed("already_shared")
    review.shared_at = utcnow()
    _record("support_review_shared", review.referral, review=review.public_id)
    _tell_family(review.referral, "support-update")


def close(referral: SupportReferral, reason: str, seen_version: int | None) -> None:
    _check_version(referral, seen_version)
    _move(referral, "close")
    referral.closed_at = utcnow()
    referral.closure_reason = reason
    _record("support_closed", referral)


def send_closure_letter(referral: SupportReferral, letter: str, ask_for_feedback: bool) -> None:
    """The closure letter (and, where it applies, the request for feedback) for a closed referral."""
    if referral.status != R.CLOSED:
        raise IllegalMove("the referral is not closed")
    if referral.closure_letter_sent_at is not None:
        raise NotAllowed("already_sent")
    now = utcnow()
    referral.closure_letter = letter
    referral.closure_letter_sent_at = now
    if ask_for_feedback:
        referral.feedback_requested_at = now
    _record("support_closure_letter_sent", referral, feedback=ask_for_feedback)
    _tell_family(referral, "support-update")


def may_transfer(referral: SupportReferral, today: date) -> bool:
    """A family living outside the region passes to where they live once every child is 3 years
    past the adoption order."""
    return bool(referral.children) and all(
        responsibility_for(c, referral.home_authority_id, today).kind == Responsible.OUTSIDE for c in referral.children
    )


def transfer(referral: SupportReferral, to: str, today: date, seen_version: int | None) -> None:
    _check_version(referral, seen_version)
    if not may_transfer(referral, today):
        raise NotAllowed("not_yet")
    _move(referral, "transfer")
    referral.transferred_at = utcnow()
    referral.transferred_to = to
    _record("support_transferred", referral)


# ---------------------------------------------------------------------------------------------------
# What the family and staff see, next steps and messages


def referrals_of(user: PublicUser) -> list[SupportReferral]:
    return list(
        db.session.scalars(
            select(SupportReferral)
            .where(SupportReferral.public_user_id == user.id)
            .order_by(SupportReferral.received_at.desc())
        )
    )


def find_for_family(user: PublicUser, public_id: str) -> SupportReferral | None:
    """The family's own referral, or None: another family's is never found by its id."""
    return db.session.scalar(
        select(SupportReferral)
        .where(SupportReferral.public_id == public_id, SupportReferral.public_user_id == user.id)
        .options(selectinload(SupportReferral.children), selectinload(SupportReferral.messages))
    )


def _scoped(query: Select[tuple[SupportReferral]], scope: int | None) -> Select[tuple[SupportReferral]]:
    """Spoke staff see referrals from families living in their authority or about children it
    placed; hub staff (scope None) see the region."""
    if scope is None:
        return query
    placed_here = exists().where(
        SupportChild.referral_id == SupportReferral.id, SupportChild.placing_authority_id == scope
    )
    return query.where(or_(SupportReferral.home_authority_id == scope, placed_here))


def find_for_staff(public_id: str, scope: int | None) -> SupportReferral | None:
    return db.session.scalar(
        _scoped(select(SupportReferral), scope)
        .where(SupportReferral.public_id == public_id)
        .options(selectinload(SupportReferral.children), selectinload(SupportReferral.messages))
    )


def queue(status: str | None, scope: int | None, page: int, per_page: int) -> tuple[list[SupportReferral], int]:
    """The staff queue: open referrals by default, urgent ones first, then oldest first."""
    query = _scoped(select(SupportReferral), scope)
    if status in {s.value for s in R}:
        query = query.where(SupportReferral.status == status)
    elif status != "all":
        query = query.where(SupportReferral.status.in_([s.value for s in OPEN]))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(
        query.options(selectinload(SupportReferral.children), selectinload(SupportReferral.reviews))
        .order_by(SupportReferral.urgent.desc(), SupportReferral.received_at, SupportReferral.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return list(rows), total


def support_workers(scope: int | None) -> list[StaffUser]:
    """Active staff who can be given a referral: support workers and team managers, in the same
    team or the hub."""
    people = db.session.scalars(select(StaffUser).where(StaffUser.active.is_(True)).order_by(StaffUser.name))
    return [
        p
        for p in people
        if p.has_role(StaffRole.SUPPORT_WORKER, StaffRole.TEAM_MANAGER) and (scope is None or p.authority_id in {None, scope})
    ]


def set_next_step(referral: SupportReferral, text: str, on: date | None, seen_version: int | None) -> None:
    """What the family is told comes next, and when."""
    _check_version(referral, seen_version)
    if referral.status not in OPEN:
        raise IllegalMove("the referral has ended")
    referral.next_step = text
    referral.next_step_on = on
    _record("support_next_step_set", referral)


def send_family_message(referral: SupportReferral, user: PublicUser, body: str) -> SupportMessage:
    if referral.public_user_id != user.id:
        raise IllegalMove("not this family's referral")
    if referral.status not in OPEN:
        raise IllegalMove("the referral has ended")
    message = SupportMessage(body=body, staff_id=None)
    referral.messages.append(message)
    _record("support_message_from_family", referral)
    return message


def send_staff_message(referral: SupportReferral, staff: StaffUser, body: str) -> SupportMessage:
    """A message to the family; the email only says one is waiting."""
    message = SupportMessage(body=body, staff_id=staff.id)
    referral.messages.append(message)
    _tell_family(referral, "support-new-message")
    _record("support_message_from_staff", referral)
    return message


# ---------------------------------------------------------------------------------------------------
# Clocks


@dataclass(frozen=True)
class Clock:
    name: str  # screening_sign_off, assessment, review, review_shared, closure_letter
    started: date
    due: date
    timeliness: Timeliness
    finished: date | None = None


def _day(moment: datetime | None) -> date | None:
    return london_date(moment) if moment is not None else None


def clocks_of(referral: SupportReferral, today: date) -> list[Clock]:
    """Every timescale the referral has been on, oldest first."""
    clocks: list[Clock] = []

    def add(name: str, started: date, due: date, finished: date | None) -> None:
        clocks.append(Clock(name, started, due, timeliness_by(due, today, finished), finished))

    received = london_date(referral.received_at)
    add("screening_sign_off", received, add_working_days(received, SCREENING_DAYS), _day(referral.signed_off_at))
    due = assessment_due(referral)
    if referral.first_visit_on is not None and due is not None:
        ended = _day(referral.plan_shared_at) or _day(referral.closed_at) or _day(referral.transferred_at)
        add("assessment", referral.first_visit_on, due, ended)
    if referral.plan_shared_at is not None:
        last = london_date(referral.plan_shared_at)
        for review in referral.reviews:
            add("review", last, add_months(last, REVIEW_MONTHS), review.held_on)
            add("review_shared", review.held_on, add_working_days(review.held_on, REVIEW_SHARE_DAYS), _day(review.shared_at))
            last = review.held_on
        if referral.status == R.PLAN:
            add("review", last, add_months(last, REVIEW_MONTHS), None)
    if referral.closed_at is not None:
        closed = london_date(referral.closed_at)
        add("closure_letter", closed, add_working_days(closed, CLOSURE_LETTER_DAYS), _day(referral.closure_letter_sent_at))
    return clocks


def current_clocks(referral: SupportReferral, today: date) -> list[Clock]:
    """The timescales still running, for the queue."""
    return [c for c in clocks_of(referral, today) if c.finished is None]
