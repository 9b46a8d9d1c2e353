"""Rules for the casework after screening: the assessment of need and the support plan (shared
within 45 working days of the first visit), the Support Fund and its limit per child, reviews (at
least yearly, each shared within 7 working days), closure and its letter (within 5 working days),
transfer, and every timescale a referral is on. Built on ``portal.support.rules``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from portal.agency.rules import financial_year
from portal.core.db import db, utcnow
from portal.core.timescales import Timeliness, add_months, add_working_days, london_date, timeliness_by
from portal.support.models import (
    FundLimit,
    FundStatus,
    PlanItem,
    PlanItemKind,
    SupportChild,
    SupportReferral,
    SupportReview,
)
from portal.support.rules import (
    ASSESSMENT_DAYS,
    CLOSURE_LETTER_DAYS,
    REVIEW_MONTHS,
    REVIEW_SHARE_DAYS,
    SCREENING_DAYS,
    IllegalMove,
    NotAllowed,
    R,
    Responsible,
    check_version,
    make_move,
    record_event,
    responsibility_for,
    tell_family,
)

# ---------------------------------------------------------------------------------------------------
# Assessment of need and the support plan


def _assessing(referral: SupportReferral) -> None:
    if referral.status != R.ASSESSMENT:
        raise IllegalMove("not being assessed")


def record_first_visit(referral: SupportReferral, visited_on: date, consent: bool, seen_version: int | None) -> None:
    """The first visit starts the 45 working days; the family's consent is agreed there."""
    check_version(referral, seen_version)
    _assessing(referral)
    referral.first_visit_on = visited_on
    if consent and referral.consent_recorded_at is None:
        referral.consent_recorded_at = utcnow()
    record_event("support_first_visit_recorded", referral, consent=consent)


def assessment_due(referral: SupportReferral) -> date | None:
    return add_working_days(referral.first_visit_on, ASSESSMENT_DAYS) if referral.first_visit_on else None


def share_plan(
    referral: SupportReferral, assessment: str, wishes_and_feelings: str, late_reason: str, today: date,
    seen_version: int | None,
) -> None:
    """Share the assessment and support plan; after 45 working days, only with the reasons."""
    check_version(referral, seen_version)
    _assessing(referral)
    due = assessment_due(referral)
    if due is None or referral.consent_recorded_at is None:
        raise NotAllowed("no_visit_or_consent")
    if today > due and not late_reason.strip():
        raise NotAllowed("late_reason_needed")
    make_move(referral, "share_plan")
    referral.assessment = assessment
    referral.wishes_and_feelings = wishes_and_feelings
    referral.late_reason = late_reason
    referral.plan_shared_at = utcnow()
    record_event("support_plan_shared", referral, late=today > due)
    tell_family(referral, "support-update")


# ---------------------------------------------------------------------------------------------------
# The Support Fund


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
    record_event("support_plan_item_added", referral, kind=str(kind))
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
    record_event("support_fund_status_set", item.referral, item=item.public_id, status=str(status))


# ---------------------------------------------------------------------------------------------------
# Reviews, closure and transfer


def record_review(referral: SupportReferral, held_on: date, summary: str, seen_version: int | None) -> SupportReview:
    check_version(referral, seen_version)
    make_move(referral, "review")
    review = SupportReview(held_on=held_on, summary=summary)
    referral.reviews.append(review)
    record_event("support_review_recorded", referral)
    return review


def share_review(review: SupportReview) -> None:
    if review.shared_at is not None:
        raise NotAllowed("already_shared")
    review.shared_at = utcnow()
    record_event("support_review_shared", review.referral, review=review.public_id)
    tell_family(review.referral, "support-update")


def close(referral: SupportReferral, reason: str, seen_version: int | None) -> None:
    check_version(referral, seen_version)
    make_move(referral, "close")
    referral.closed_at = utcnow()
    referral.closure_reason = reason
    record_event("support_closed", referral)


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
    record_event("support_closure_letter_sent", referral, feedback=ask_for_feedback)
    tell_family(referral, "support-update")


def may_transfer(referral: SupportReferral, today: date) -> bool:
    """A family living outside the region passes to where they live once every child is 3 years
    past the adoption order."""
    return bool(referral.children) and all(
        responsibility_for(c, referral.home_authority_id, today).kind == Responsible.OUTSIDE for c in referral.children
    )


def transfer(referral: SupportReferral, to: str, today: date, seen_version: int | None) -> None:
    check_version(referral, seen_version)
    if not may_transfer(referral, today):
        raise NotAllowed("not_yet")
    make_move(referral, "transfer")
    referral.transferred_at = utcnow()
    referral.transferred_to = to
    record_event("support_transferred", referral)


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
