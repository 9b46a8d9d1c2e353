"""Rules for enquiries: the states an enquiry moves through, and the only code that writes them.

    new ──record response──▶ in progress ──close──▶ closed
     └──────────────────close──────────────────────▶ closed

The agency aims to answer every enquiry within its response target (10 working days by default),
counted from the London date it arrived.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal.adopting.models import (
    AdoptionType,
    Enquiry,
    EnquiryResponse,
    EnquirySource,
    EnquiryStatus,
    ResponseKind,
)
from portal.agency.models import PartnerAuthority
from portal.agency.rules import caps_for_year, financial_year, list_authorities
from portal.core import audit, outbox
from portal.core.db import db, new_reference, utcnow
from portal.core.timescales import (
    Timeliness,
    london_date,
    timeliness,
    working_days_between,
)

DEFAULT_RESPONSE_DAYS = 10


class IllegalMove(Exception):
    """An enquiry was asked to make a move its state does not allow."""


class NoPlacesLeft(Exception):
    """Every step-parent assessment place the partnership funds this year has been given."""


class StaleEdit(Exception):
    """Someone else changed the enquiry after this person opened it."""


MOVES: dict[str, dict[EnquiryStatus, EnquiryStatus]] = {
    "record_response": {
        EnquiryStatus.NEW: EnquiryStatus.IN_PROGRESS,
        EnquiryStatus.IN_PROGRESS: EnquiryStatus.IN_PROGRESS,
    },
    "close": {
        EnquiryStatus.NEW: EnquiryStatus.CLOSED,
        EnquiryStatus.IN_PROGRESS: EnquiryStatus.CLOSED,
    },
}


def _move(enquiry: Enquiry, move: str) -> None:
    allowed = MOVES[move]
    if enquiry.status not in allowed:
        raise IllegalMove(f"{move} is not allowed from {enquiry.status}")
    enquiry.status = allowed[enquiry.status]


def _check_version(enquiry: Enquiry, seen_version: int | None) -> None:
    if seen_version is not None and seen_version != enquiry.version:
        raise StaleEdit(enquiry.public_id)


@dataclass(frozen=True)
class EnquiryAnswers:
    full_name: str
    email: str
    phone: str
    authority_slug: str
    adoption_type: str
    wants: list[str]
    source: str
    source_other: str
    preferred_language: str
    preferred_language_other: str
    communication_needs: list[str]
    interpreter_language: str
    communication_other: str

    @classmethod
    def from_draft(cls, data: dict[str, Any]) -> EnquiryAnswers:
        return cls(
            full_name=data["full_name"],
            email=data["email"],
            phone=data.get("phone", ""),
            authority_slug=data["authority"],
            adoption_type=data["adoption_type"],
            wants=list(data.get("wants", [])),
            source=data["source"],
            source_other=data.get("source_other", "") if data["source"] == EnquirySource.OTHER else "",
            preferred_language=data["preferred_language"],
            preferred_language_other=(
                data.get("preferred_language_other", "") if data["preferred_language"] == "other" else ""
            ),
            communication_needs=list(data.get("communication_needs", [])),
            interpreter_language=(
                data.get("interpreter_language", "") if "interpreter" in data.get("communication_needs", []) else ""
            ),
            communication_other=(
                data.get("communication_other", "") if "other" in data.get("communication_needs", []) else ""
            ),
        )


def email_locale(preferred_language: str, fallback: str, locales: dict[str, Any]) -> str:
    return preferred_language if preferred_language in locales else fallback


def find_by_submission(key: str) -> Enquiry | None:
    return db.session.scalar(select(Enquiry).where(Enquiry.submission_key == key))


def submit_enquiry(key: str, answers: EnquiryAnswers, locale: str, authority: PartnerAuthority | None) -> Enquiry:
    """Record an enquiry and queue its acknowledgement, once per key however often it is sent."""
    existing = find_by_submission(key)
    if existing is not None:
        return existing
    enquiry = Enquiry(
        reference=new_reference("ENQ"),
        submission_key=key,
        full_name=answers.full_name,
        email=answers.email,
        phone=answers.phone,
        authority_id=authority.id if authority else None,
        adoption_type=AdoptionType(answers.adoption_type),
        wants=answers.wants,
        source=EnquirySource(answers.source),
        source_other=answers.source_other,
        preferred_language=answers.preferred_language,
        preferred_language_other=answers.preferred_language_other,
        communication_needs=answers.communication_needs,
        interpreter_language=answers.interpreter_language,
        communication_other=answers.communication_other,
    )
    savepoint = db.session.begin_nested()
    try:
        db.session.add(enquiry)
        outbox.queue_email(
            answers.email, "enquiry-received", locale, reference=enquiry.reference
        )
        savepoint.commit()
    except IntegrityError:
        # The same form was sent twice at once; the other request recorded it.
        savepoint.rollback()
        existing = find_by_submission(key)
        if existing is None:
            raise
        return existing
    return enquiry


def record_response(
    enquiry: Enquiry, kinds: list[str], note: str, staff_id: int | None, seen_version: int | None
) -> None:
    _check_version(enquiry, seen_version)
    if ResponseKind.STEP_PARENT_PLACE in kinds:
        if enquiry.adoption_type != AdoptionType.STEP_PARENT:
            raise IllegalMove("only a step-parent enquiry can be given a step-parent place")
        # Authorities lend each other unused places, so the limit is the partnership's total.
        uses = step_parent_cap_use(financial_year(london_date(utcnow())))
        if sum(u.used for u in uses) >= sum(u.places for u in uses):
            raise NoPlacesLeft()
    _move(enquiry, "record_response")
    now = utcnow()
    for kind in kinds:
        db.session.add(
            EnquiryResponse(enquiry=enquiry, kind=ResponseKind(kind), note=note, staff_id=staff_id, at=now)
        )
    if enquiry.first_response_at is None:
        enquiry.first_response_at = now
    audit.record("enquiry_response_recorded", "enquiry", enquiry.public_id, kinds=sorted(kinds))


def close_enquiry(enquiry: Enquiry, seen_version: int | None) -> None:
    _check_version(enquiry, seen_version)
    _move(enquiry, "close")
    enquiry.closed_at = utcnow()
    audit.record("enquiry_closed", "enquiry", enquiry.public_id)


def _scoped(query: Select[tuple[Enquiry]], scope: int | None) -> Select[tuple[Enquiry]]:
    """Spoke staff see their own authority's enquiries only; hub staff (scope None) see the region."""
    return query if scope is None else query.where(Enquiry.authority_id == scope)


def find_enquiry(public_id: str, scope: int | None) -> Enquiry | None:
    return db.session.scalar(
        _scoped(select(Enquiry), scope)
        .where(Enquiry.public_id == public_id)
        .options(selectinload(Enquiry.responses), selectinload(Enquiry.authority))
    )


@dataclass(frozen=True)
class QueueRow:
    enquiry: Enquiry
    age: int
    timeliness: Timeliness


ELSEWHERE = "elsewhere"


def queue_query(authority_slug: str | None, status: str | None, scope: int | None) -> Select[tuple[Enquiry]]:
    query = _scoped(select(Enquiry), scope).options(selectinload(Enquiry.authority)).order_by(Enquiry.received_at)
    if authority_slug == ELSEWHERE:
        query = query.where(Enquiry.authority_id.is_(None))
    elif authority_slug:
        query = query.join(PartnerAuthority).where(PartnerAuthority.slug == authority_slug)
    if status == "open":
        query = query.where(Enquiry.status != EnquiryStatus.CLOSED)
    elif status in {s.value for s in EnquiryStatus}:
        query = query.where(Enquiry.status == status)
    return query


def queue(
    authority_slug: str | None,
    status: str | None,
    today: date,
    target_days: int,
    page: int,
    per_page: int,
    scope: int | None = None,
) -> tuple[list[QueueRow], int]:
    query = queue_query(authority_slug, status, scope)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    enquiries = db.session.scalars(query.offset((page - 1) * per_page).limit(per_page))
    rows = []
    for enquiry in enquiries:
        answered = enquiry.first_response_at or enquiry.closed_at
        end = london_date(answered) if answered else today
        rows.append(
            QueueRow(
                enquiry=enquiry,
                age=working_days_between(london_date(enquiry.received_at), end),
                timeliness=timeliness(enquiry.received_at, target_days, today, finished=answered),
            )
        )
    return rows, total


@dataclass(frozen=True)
class CapUse:
    authority: PartnerAuthority
    places: int
    used: int


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    from portal.core.timescales import LONDON

    start = datetime(year, 4, 1, tzinfo=LONDON)
    end = datetime(year + 1, 4, 1, tzinfo=LONDON)
    return start, end


def step_parent_cap_use(year: int) -> list[CapUse]:
    """Each authority's step-parent assessment places this financial year, and how many are given."""
    start, end = _year_bounds(year)
    given = db.session.execute(
        select(Enquiry.authority_id, func.count(EnquiryResponse.id))
        .join(EnquiryResponse, EnquiryResponse.enquiry_id == Enquiry.id)
        .where(
            EnquiryResponse.kind == ResponseKind.STEP_PARENT_PLACE,
            EnquiryResponse.at >= start,
            EnquiryResponse.at < end,
        )
        .group_by(Enquiry.authority_id)
    )
    used: Counter[int | None] = Counter({authority_id: count for authority_id, count in given})
    caps = caps_for_year(year)
    return [
        CapUse(authority=a, places=caps.get(a.id, 0), used=used.get(a.id, 0)) for a in list_authorities()
    ]


def count_open(scope: int | None) -> int:
    query = select(func.count(Enquiry.id)).where(Enquiry.status != EnquiryStatus.CLOSED)
    if scope is not None:
        query = query.where(Enquiry.authority_id == scope)
    return db.session.scalar(query) or 0
