"""Rules for adoption support: who is responsible for a family, the states a referral moves
through, the referral, its screening and sign-off, and messages. With ``plan_rules`` (the assessment,
plan, Support Fund, reviews, closure, transfer and every clock), the only code that writes support
referrals.

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
from portal.core import audit, outbox
from portal.core.db import db, new_reference, utcnow
from portal.support.models import (
    ReferralStatus,
    ReferrerRole,
    ScreeningOutcome,
    SupportChild,
    SupportMessage,
    SupportReferral,
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


def make_move(referral: SupportReferral, move: str) -> None:
    allowed = MOVES[move]
    if referral.status not in allowed:
        raise IllegalMove(f"{move} is not allowed from {referral.status}")
    referral.status = allowed[referral.status]


def check_version(referral: SupportReferral, seen_version: int | None) -> None:
    if seen_version is not None and seen_version != referral.version:
        raise StaleEdit(referral.public_id)


def record_event(action: str, referral: SupportReferral, **detail: Any) -> None:
    audit.record(action, "support_referral", referral.public_id, **detail)


def tell_family(referral: SupportReferral, template: str) -> None:
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
    record_event("support_referral_received", referral, urgent=urgent)
    tell_family(referral, "support-received")
    return referral


# ---------------------------------------------------------------------------------------------------
# Screening and sign-off


def screen(
    referral: SupportReferral, staff: StaffUser, outcome: ScreeningOutcome, notes: str, seen_version: int | None
) -> None:
    """The duty worker's screening: advice, an assessment of need, or a safeguarding referral."""
    check_version(referral, seen_version)
    make_move(referral, "screen")
    referral.screening_outcome = outcome
    referral.screening_notes = notes
    referral.screened_by_id = staff.id
    referral.screened_at = utcnow()
    record_event("support_screened", referral, outcome=str(outcome))


def sign_off_screening(
    referral: SupportReferral,
    manager: StaffUser,
    agree: bool,
    seen_version: int | None,
    worker: StaffUser | None = None,
) -> None:
    """A team manager, not the person who screened, agrees the screening (an assessment needs a
    worker) or sends it back to be screened again."""
    check_version(referral, seen_version)
    if referral.status != R.SCREENED:
        raise IllegalMove("nothing to sign off")
    if not manager.has_role(StaffRole.TEAM_MANAGER):
        raise NotAllowed("not_a_manager")
    if manager.id == referral.screened_by_id:
        raise NotAllowed("own_screening")
    if not agree:
        make_move(referral, "send_back")
        referral.screening_outcome = ""
        record_event("support_screening_sent_back", referral)
        return
    outcome = ScreeningOutcome(referral.screening_outcome)
    if outcome == ScreeningOutcome.ASSESSMENT and worker is None:
        raise NotAllowed("no_worker")
    make_move(referral, SIGN_OFF_MOVES[outcome])
    now = utcnow()
    referral.signed_off_by_id = manager.id
    referral.signed_off_at = now
    if worker is not None:
        referral.worker_id = worker.id
    if outcome == ScreeningOutcome.ADVICE:
        referral.closed_at = now
        referral.closure_reason = referral.screening_notes
    record_event("support_screening_signed_off", referral, outcome=str(outcome))
    tell_family(referral, "support-update")


def record_mash_referral(
    referral: SupportReferral, at: datetime, contact: str, reference: str, seen_version: int | None
) -> None:
    """When the Multi-Agency Safeguarding Hub was contacted, who took it, and its reference."""
    check_version(referral, seen_version)
    if referral.status != R.SAFEGUARDING:
        raise IllegalMove("not a safeguarding referral")
    referral.mash_referred_at = at
    referral.mash_contact = contact
    referral.mash_reference = reference
    record_event("support_mash_referral_recorded", referral)


def start_assessment(referral: SupportReferral, worker: StaffUser, seen_version: int | None) -> None:
    """After a safeguarding referral, an assessment of need may still follow."""
    check_version(referral, seen_version)
    make_move(referral, "assess")
    referral.worker_id = worker.id
    record_event("support_assessment_started", referral, worker=worker.public_id)


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
    check_version(referral, seen_version)
    if referral.status not in OPEN:
        raise IllegalMove("the referral has ended")
    referral.next_step = text
    referral.next_step_on = on
    record_event("support_next_step_set", referral)


def send_family_message(referral: SupportReferral, user: PublicUser, body: str) -> SupportMessage:
    if referral.public_user_id != user.id:
        raise IllegalMove("not this family's referral")
    if referral.status not in OPEN:
        raise IllegalMove("the referral has ended")
    message = SupportMessage(body=body, staff_id=None)
    referral.messages.append(message)
    record_event("support_message_from_family", referral)
    return message


def send_staff_message(referral: SupportReferral, staff: StaffUser, body: str) -> SupportMessage:
    """A message to the family; the email only says one is waiting."""
    message = SupportMessage(body=body, staff_id=staff.id)
    referral.messages.append(message)
    tell_family(referral, "support-new-message")
    record_event("support_message_from_staff", referral)
    return message
