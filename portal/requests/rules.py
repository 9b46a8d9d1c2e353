"""Rules for requests: who may ask for what, the states a request moves through, its timescales,
claiming a request made without an account, and secure messages. Only this module writes requests.

    new ──allocate──▶ allocated ──record first contact──▶ in contact ──close──▶ closed
     ├──signpost──▶ signposted (closed, with the reason and where to go)
     └──decline───▶ declined (closed, with the reason)
    allocated / in contact ──allocate──▶ (the same state, another worker)
    allocated ──close──▶ closed

Timescales, in working days and configurable on the agency: a worker is allocated within 20 working
days of the request arriving, and makes first contact within 5 working days of allocation.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from flask import current_app, url_for
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal.accounts.models import PublicUser, StaffUser
from portal.agency.models import Agency, PartnerAuthority
from portal.core import audit, outbox
from portal.core.db import db, new_reference, utcnow
from portal.core.timescales import Timeliness, add_working_days, london_date, timeliness
from portal.requests.models import (
    RequestKind,
    RequestMessage,
    RequestStatus,
    ServiceRequest,
)

DEFAULT_ALLOCATION_DAYS = 20
DEFAULT_CONTACT_DAYS = 5
ADULT_AGE = 18


class Stage(StrEnum):
    """Where a birth relative is in the process, for independent support."""

    CARE_PROCEEDINGS = "care_proceedings"
    PLACEMENT_ORDER = "placement_order"
    AFTER_ADOPTION = "after_adoption"


class LetterboxChange(StrEnum):
    START = "start"
    CHANGE = "change"
    PAUSE = "pause"


class Seeking(StrEnum):
    """Who an intermediary request is looking for."""

    ADOPTED_ADULT = "adopted_adult"
    BIRTH_RELATIVES = "birth_relatives"


# The questions particular to each kind of request, as keys of ServiceRequest.answers: the
# choice-type answer first (if any), then the free text. Forms, check-answers and the staff view
# all read this table.
ANSWER_KEYS: dict[RequestKind, list[str]] = {
    RequestKind.BIRTH_RELATIVE_SUPPORT: ["stage", "needs"],
    RequestKind.LETTERBOX_CHANGE: ["change", "details"],
    RequestKind.INTERMEDIARY: ["seeking", "known"],
    RequestKind.BIRTH_RECORDS: ["known"],
    RequestKind.GENERAL_ADVICE: ["question"],
}


class Relation(StrEnum):
    BIRTH_MOTHER = "birth_mother"
    BIRTH_FATHER = "birth_father"
    GRANDPARENT = "grandparent"
    SIBLING = "sibling"
    OTHER_BIRTH_RELATIVE = "other_birth_relative"
    ADOPTED_ADULT = "adopted_adult"
    ADOPTIVE_PARENT = "adoptive_parent"
    OTHER = "other"


_BIRTH_FAMILY = [
    Relation.BIRTH_MOTHER,
    Relation.BIRTH_FATHER,
    Relation.GRANDPARENT,
    Relation.SIBLING,
    Relation.OTHER_BIRTH_RELATIVE,
]

# Who may make each kind of request.
RELATIONS: dict[RequestKind, list[Relation]] = {
    RequestKind.BIRTH_RELATIVE_SUPPORT: _BIRTH_FAMILY,
    RequestKind.LETTERBOX_CHANGE: [*_BIRTH_FAMILY, Relation.ADOPTIVE_PARENT],
    RequestKind.INTERMEDIARY: [*_BIRTH_FAMILY, Relation.ADOPTED_ADULT],
    RequestKind.BIRTH_RECORDS: [Relation.ADOPTED_ADULT],
    RequestKind.GENERAL_ADVICE: [*_BIRTH_FAMILY, Relation.ADOPTED_ADULT, Relation.ADOPTIVE_PARENT, Relation.OTHER],
}

CLOSED = {RequestStatus.SIGNPOSTED, RequestStatus.DECLINED, RequestStatus.CLOSED}

MOVES: dict[str, dict[RequestStatus, RequestStatus]] = {
    "allocate": {
        RequestStatus.NEW: RequestStatus.ALLOCATED,
        RequestStatus.ALLOCATED: RequestStatus.ALLOCATED,
        RequestStatus.IN_CONTACT: RequestStatus.IN_CONTACT,
    },
    "signpost": {RequestStatus.NEW: RequestStatus.SIGNPOSTED},
    "decline": {RequestStatus.NEW: RequestStatus.DECLINED},
    "record_first_contact": {RequestStatus.ALLOCATED: RequestStatus.IN_CONTACT},
    "close": {RequestStatus.ALLOCATED: RequestStatus.CLOSED, RequestStatus.IN_CONTACT: RequestStatus.CLOSED},
}


class IllegalMove(Exception):
    """A request was asked to make a move its state does not allow."""


class StaleEdit(Exception):
    """Someone else changed the request after this person opened it."""


class NotEligible(Exception):
    """The person cannot make this kind of request (for example, records for someone under 18)."""


def _move(request: ServiceRequest, move: str) -> None:
    allowed = MOVES[move]
    if request.status not in allowed:
        raise IllegalMove(f"{move} is not allowed from {request.status}")
    request.status = allowed[request.status]


def _check_version(request: ServiceRequest, seen_version: int | None) -> None:
    if seen_version is not None and seen_version != request.version:
        raise StaleEdit(request.public_id)


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def check_eligible(kind: RequestKind, relation: str, born: date | None, today: date) -> None:
    """Raise NotEligible unless this person may make this kind of request."""
    if relation not in {r.value for r in RELATIONS[kind]}:
        raise NotEligible("relation")
    if kind == RequestKind.BIRTH_RECORDS and (born is None or age_on(born, today) < ADULT_AGE):
        raise NotEligible("age")


# ---------------------------------------------------------------------------------------------------
# Making a request


@dataclass(frozen=True)
class RequestDetails:
    """Everything a person tells us in a request, already checked by the forms."""

    kind: RequestKind
    full_name: str
    email: str
    phone: str
    date_of_birth: date | None
    relation: str
    authority: PartnerAuthority | None
    answers: dict[str, Any]
    contact_methods: list[str]
    safe_contact: list[str]
    safe_times: str
    preferred_language: str
    communication_needs: list[str]
    interpreter_language: str
    communication_other: str


def _claim_hash(reference: str, code: str) -> str:
    key = str(current_app.secret_key).encode()
    # Spaces and hyphens are how people copy codes out; neither is part of the code.
    normalised = "".join(c for c in code if c.isalnum()).upper()
    return hmac.new(key, f"request-claim:{reference}:{normalised}".encode(), hashlib.sha256).hexdigest()


_CLAIM_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_claim_code() -> str:
    body = "".join(secrets.choice(_CLAIM_ALPHABET) for _ in range(8))
    return f"{body[:4]}-{body[4:]}"


def claim_code_for(key: str) -> str:
    """The claim code for the request sent with this submission key: secret (keyed on the app's
    secret and the draft's random token) and the same every time, so when "Send" is pressed twice
    the page the browser finally shows carries the same code as the one that was recorded."""
    key_bytes = str(current_app.secret_key).encode()
    number = int.from_bytes(hmac.new(key_bytes, f"request-claim-code:{key}".encode(), hashlib.sha256).digest())
    body = ""
    for _ in range(8):
        number, index = divmod(number, len(_CLAIM_ALPHABET))
        body += _CLAIM_ALPHABET[index]
    return f"{body[:4]}-{body[4:]}"


def replayed_claim_code(request: ServiceRequest, key: str) -> str | None:
    """The claim code again, for a second press of "Send" from the same browser (which alone holds
    the key), while the request is still unclaimed; None otherwise."""
    if request.public_user_id is not None or request.claim_code_hash is None or request.submission_key != key:
        return None
    code = claim_code_for(key)
    return code if hmac.compare_digest(request.claim_code_hash, _claim_hash(request.reference, code)) else None


def find_by_submission(key: str) -> ServiceRequest | None:
    return db.session.scalar(select(ServiceRequest).where(ServiceRequest.submission_key == key))


def submit_request(
    key: str, details: RequestDetails, owner: PublicUser | None
) -> tuple[ServiceRequest, str | None]:
    """Record a request, once per key however often it is sent.

    Gives back the request and, for someone without an account, the claim code to show them once
    (only its hash is kept). An acknowledgement with the reference goes to any email address given.
    """
    existing = find_by_submission(key)
    if existing is not None:
        return existing, None
    check_eligible(details.kind, details.relation, details.date_of_birth, london_date(utcnow()))
    request = ServiceRequest(
        reference=new_reference("REQ"),
        submission_key=key,
        kind=details.kind,
        public_user_id=owner.id if owner else None,
        full_name=details.full_name,
        email=details.email,
        phone=details.phone,
        date_of_birth=details.date_of_birth,
        relation_to_child=details.relation,
        authority_id=details.authority.id if details.authority else None,
        answers=details.answers,
        contact_methods=details.contact_methods,
        safe_contact=details.safe_contact,
        safe_times=details.safe_times,
        preferred_language=details.preferred_language,
        communication_needs=details.communication_needs,
        interpreter_language=details.interpreter_language,
        communication_other=details.communication_other,
    )
    code = None if owner else claim_code_for(key)
    if code:
        request.claim_code_hash = _claim_hash(request.reference, code)
    savepoint = db.session.begin_nested()
    try:
        db.session.add(request)
        if details.email and _may_email(details):
            outbox.queue_email(
                details.email, "request-received", _email_locale(details.preferred_language), reference=request.reference
            )
        savepoint.commit()
    except IntegrityError:
        # The same request was sent twice at once; the other one recorded it.
        savepoint.rollback()
        existing = find_by_submission(key)
        if existing is None:
            raise
        return existing, None
    return request, code


def _may_email(details: RequestDetails) -> bool:
    # Someone who told us email is not a safe way to reach them gets no email, not even a receipt.
    return not details.contact_methods or "email" in details.contact_methods


def _email_locale(language: str) -> str:
    return language if language in current_app.config["LOCALES"] else "en"


def claim_request(user: PublicUser, reference: str, code: str) -> ServiceRequest | None:
    """Link a request made without an account to this account, given its reference and claim code.

    The same None for an unknown reference, a wrong code or a request already claimed, so the
    answer says nothing about which references exist.
    """
    wanted = "".join(reference.split()).upper()
    request = db.session.scalar(select(ServiceRequest).where(ServiceRequest.reference == wanted))
    expected = request.claim_code_hash if request is not None and request.public_user_id is None else None
    given = _claim_hash(wanted, code)
    if expected is None or not hmac.compare_digest(expected, given):
        return None
    request.public_user_id = user.id
    request.claim_code_hash = None
    audit.record("request_claimed", "service_request", request.public_id)
    return request


# ---------------------------------------------------------------------------------------------------
# What the person sees


def requests_of(user: PublicUser) -> list[ServiceRequest]:
    query = (
        select(ServiceRequest)
        .where(ServiceRequest.public_user_id == user.id)
        .order_by(ServiceRequest.received_at.desc())
    )
    return list(db.session.scalars(query))


def find_for_person(user: PublicUser, public_id: str) -> ServiceRequest | None:
    """The person's own request, or None: another person's request is never found by its id."""
    return db.session.scalar(
        select(ServiceRequest)
        .where(ServiceRequest.public_id == public_id, ServiceRequest.public_user_id == user.id)
        .options(selectinload(ServiceRequest.messages))
    )


def worker_name(request: ServiceRequest) -> str | None:
    if request.worker_id is None:
        return None
    worker = db.session.get(StaffUser, request.worker_id)
    return worker.name if worker else None


def send_person_message(request: ServiceRequest, user: PublicUser, body: str) -> RequestMessage:
    if request.public_user_id != user.id:
        raise IllegalMove("not this person's request")
    if request.status in CLOSED:
        raise IllegalMove("the request is closed")
    message = RequestMessage(request=request, body=body, staff_id=None)
    db.session.add(message)
    audit.record("request_message_from_person", "service_request", request.public_id)
    return message


# ---------------------------------------------------------------------------------------------------
# Staff


def _targets() -> tuple[int, int]:
    agency = db.session.scalar(select(Agency).order_by(Agency.id).limit(1))
    if agency is None:
        return DEFAULT_ALLOCATION_DAYS, DEFAULT_CONTACT_DAYS
    return agency.request_allocation_days, agency.request_contact_days


def _scoped(query: Select[tuple[ServiceRequest]], scope: int | None) -> Select[tuple[ServiceRequest]]:
    """Spoke staff see their own authority's requests only; hub staff (scope None) see the region."""
    return query if scope is None else query.where(ServiceRequest.authority_id == scope)


def find_for_staff(public_id: str, scope: int | None) -> ServiceRequest | None:
    return db.session.scalar(
        _scoped(select(ServiceRequest), scope)
        .where(ServiceRequest.public_id == public_id)
        .options(selectinload(ServiceRequest.messages), selectinload(ServiceRequest.authority))
    )


@dataclass(frozen=True)
class Clock:
    """Which timescale a request is on now, and how it is doing."""

    stage: str  # "allocation", "first_contact" or "none"
    timeliness: Timeliness | None
    # The last working day for this stage, so staff can see "Allocate by ..." as a date.
    due: date | None = None


def clock_of(request: ServiceRequest, today: date, allocation_days: int, contact_days: int) -> Clock:
    if request.status == RequestStatus.NEW:
        due = add_working_days(london_date(request.received_at), allocation_days)
        return Clock("allocation", timeliness(request.received_at, allocation_days, today), due)
    if request.status == RequestStatus.ALLOCATED and request.allocated_at is not None:
        due = add_working_days(london_date(request.allocated_at), contact_days)
        return Clock("first_contact", timeliness(request.allocated_at, contact_days, today), due)
    return Clock("none", None)


@dataclass(frozen=True)
class QueueRow:
    request: ServiceRequest
    clock: Clock


OPEN = "open"


def queue(
    kind: str | None, status: str | None, scope: int | None, today: date, page: int, per_page: int
) -> tuple[list[QueueRow], int]:
    query = _scoped(select(ServiceRequest), scope).options(selectinload(ServiceRequest.authority))
    if kind in {k.value for k in RequestKind}:
        query = query.where(ServiceRequest.kind == kind)
    if status == OPEN:
        query = query.where(ServiceRequest.status.not_in([s.value for s in CLOSED]))
    elif status in {s.value for s in RequestStatus}:
        query = query.where(ServiceRequest.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    allocation_days, contact_days = _targets()
    rows = [
        QueueRow(r, clock_of(r, today, allocation_days, contact_days))
        for r in db.session.scalars(
            query.order_by(ServiceRequest.received_at).offset((page - 1) * per_page).limit(per_page)
        )
    ]
    return rows, total


def clock_for(request: ServiceRequest, today: date) -> Clock:
    allocation_days, contact_days = _targets()
    return clock_of(request, today, allocation_days, contact_days)


def workers(roles: list[str], scope: int | None) -> list[StaffUser]:
    """Active staff who can be given requests: holding one of these roles, in the same team or the hub."""
    people = db.session.scalars(select(StaffUser).where(StaffUser.active.is_(True)).order_by(StaffUser.name))
    return [
        p for p in people if p.has_role(*roles) and (scope is None or p.authority_id in {None, scope})
    ]


def allocate(request: ServiceRequest, worker: StaffUser, seen_version: int | None) -> None:
    _check_version(request, seen_version)
    _move(request, "allocate")
    request.worker_id = worker.id
    if request.allocated_at is None:
        request.allocated_at = utcnow()
    audit.record("request_allocated", "service_request", request.public_id, worker=worker.public_id)


def _close_with(request: ServiceRequest, move: str, reason: str, seen_version: int | None) -> None:
    _check_version(request, seen_version)
    _move(request, move)
    request.outcome_reason = reason
    request.closed_at = utcnow()
    audit.record(f"request_{move}", "service_request", request.public_id)


def signpost(request: ServiceRequest, reason: str, seen_version: int | None) -> None:
    _close_with(request, "signpost", reason, seen_version)


def decline(request: ServiceRequest, reason: str, seen_version: int | None) -> None:
    _close_with(request, "decline", reason, seen_version)


def close(request: ServiceRequest, reason: str, seen_version: int | None) -> None:
    _close_with(request, "close", reason, seen_version)


def record_first_contact(request: ServiceRequest, seen_version: int | None) -> None:
    _check_version(request, seen_version)
    _move(request, "record_first_contact")
    request.first_contact_at = utcnow()
    audit.record("request_first_contact", "service_request", request.public_id)


def set_next_step(request: ServiceRequest, text: str, seen_version: int | None) -> None:
    _check_version(request, seen_version)
    if request.status in CLOSED:
        raise IllegalMove("the request is closed")
    request.next_step = text
    audit.record("request_next_step_set", "service_request", request.public_id)


def send_staff_message(request: ServiceRequest, staff: StaffUser, body: str) -> RequestMessage:
    """A message to the person. Only account holders can read messages; the email only says one is
    waiting, in their language, and is not sent when they said email is not safe."""
    if request.public_user_id is None:
        raise IllegalMove("the person has no account to read messages in")
    message = RequestMessage(request=request, body=body, staff_id=staff.id)
    db.session.add(message)
    person = db.session.get(PublicUser, request.public_user_id)
    if person is not None and person.email and (not request.contact_methods or "email" in request.contact_methods):
        link = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for(
            "requests_public.view_request", public_id=request.public_id
        )
        outbox.queue_email(person.email, "request-new-message", _email_locale(person.preferred_language), link=link)
    audit.record("request_message_from_staff", "service_request", request.public_id)
    return message
