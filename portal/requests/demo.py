"""Demonstration requests: every kind and every state, across the partner authorities, some with
safe-contact preferences, one made from the demo birth relative's account. Never in production.

``portal.demo.load_demo`` calls ``load_demo_requests()`` after the agency, staff and public accounts
exist, inside its own transaction, and commits.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select

from portal.accounts.models import PublicUser, StaffUser
from portal.accounts.public_demo import DEMO_BIRTH_RELATIVE, DemoRefused
from portal.agency.models import PartnerAuthority
from portal.core.db import db, new_reference, utcnow
from portal.core.timescales import LONDON, today_london, working_days_between
from portal.requests import rules
from portal.requests.models import (
    RequestKind,
    RequestMessage,
    RequestStatus,
    ServiceRequest,
)

DEMO_MANAGER = "team.manager@ace.example"
# The claim code of every demo request made without an account, so claiming can be tried.
DEMO_CLAIM_CODE = "DEMQ-2345"
KEY_PREFIX = "demo-request-"

# name, kind, relation, authority, status, working days since it arrived, answers, methods, safe contact, safe times
DEMO_REQUESTS: list[tuple[str, RequestKind, str, str | None, RequestStatus, int, dict[str, Any], list[str], list[str], str]] = [
    ("Dana Price", RequestKind.BIRTH_RELATIVE_SUPPORT, "birth_mother", "Coventry", RequestStatus.NEW, 2,
     {"stage": "care_proceedings", "needs": "Someone to talk to before the next hearing."},
     ["email", "text"], ["do_not_phone", "no_voicemail"], "Weekdays between 10am and 2pm"),
    ("Marek Zielinski", RequestKind.BIRTH_RELATIVE_SUPPORT, "birth_father", "Solihull", RequestStatus.NEW, 22,
     {"stage": "placement_order", "needs": "Help to understand what happens next."},
     ["phone"], [], ""),
    ("Rose Allen", RequestKind.LETTERBOX_CHANGE, "grandparent", "Warwickshire", RequestStatus.ALLOCATED, 12,
     {"change": "start", "details": "I would like to send a birthday card each year."},
     ["letter", "email"], [], ""),
    ("Tariq Hussain", RequestKind.LETTERBOX_CHANGE, "birth_father", "Worcestershire", RequestStatus.IN_CONTACT, 30,
     {"change": "pause", "details": "I am moving house and need to pause for a few months."},
     ["email"], ["email_only"], ""),
    ("Sam Cole", RequestKind.INTERMEDIARY, "adopted_adult", "Coventry", RequestStatus.NEW, 8,
     {"seeking": "birth_relatives", "known": "My birth mother's first name and the town I was born in."},
     ["email", "phone"], [], ""),
    ("Glenys Morgan", RequestKind.INTERMEDIARY, "birth_mother", None, RequestStatus.SIGNPOSTED, 40,
     {"seeking": "adopted_adult", "known": "The adoption was arranged in Wales in 1990."},
     ["letter"], [], ""),
    ("Alex Turner", RequestKind.BIRTH_RECORDS, "adopted_adult", "Solihull", RequestStatus.ALLOCATED, 9,
     {"known": "I was adopted in 1998 and would like to see my records."},
     ["email"], ["no_letters"], "Evenings after 6pm"),
    ("Priya Shah", RequestKind.BIRTH_RECORDS, "adopted_adult", "Warwickshire", RequestStatus.CLOSED, 50,
     {"known": "I have my adoption certificate."},
     ["email", "phone"], [], ""),
    ("Chris Evans", RequestKind.GENERAL_ADVICE, "other", "Worcestershire", RequestStatus.DECLINED, 15,
     {"question": "Can you help me trace a family member who was not adopted?"},
     ["email"], [], ""),
    ("Jo Baxter", RequestKind.GENERAL_ADVICE, "sibling", "Coventry", RequestStatus.NEW, 0,
     {"question": "How do I find out about support for brothers and sisters?"},
     ["email"], ["do_not_phone"], ""),
]

OUTCOMES = {
    RequestStatus.SIGNPOSTED: "We have suggested the national Adoption Contact Register and the Welsh agency that arranged the adoption.",
    RequestStatus.DECLINED: "Tracing people who were not adopted is not something an adoption agency can do.",
    RequestStatus.CLOSED: "Counselling finished and the records were shared.",
}


def _working_days_ago(days: int) -> datetime:
    """A moment ``days`` working days before today (London), so the demo clocks show every state."""
    today = today_london()
    start = today
    while working_days_between(start, today) < days:
        start -= timedelta(days=1)
    return min(datetime.combine(start, time(10, 0), LONDON).astimezone(UTC), utcnow())


def load_demo_requests() -> str:
    """Add the demo requests once. The caller commits."""
    if current_app.config["PORTAL_ENV"] == "production":
        raise DemoRefused("demo requests are never loaded in production mode")
    if db.session.scalar(select(ServiceRequest).where(ServiceRequest.submission_key.startswith(KEY_PREFIX)).limit(1)):
        return "Demo requests are loaded already."
    authorities = {a.name: a for a in db.session.scalars(select(PartnerAuthority))}
    worker = db.session.scalar(select(StaffUser).where(StaffUser.email == DEMO_MANAGER))
    person = db.session.scalar(select(PublicUser).where(PublicUser.email == DEMO_BIRTH_RELATIVE))
    for index, (name, kind, relation, area, status, age, answers, methods, safe, times) in enumerate(DEMO_REQUESTS):
        if worker is None and status != RequestStatus.NEW:
            status = RequestStatus.NEW
        received = _working_days_ago(age)
        authority = authorities.get(area) if area else None
        owner = person if index == 0 else None
        request = ServiceRequest(
            reference=new_reference("REQ"),
            submission_key=f"{KEY_PREFIX}{index}",
            kind=kind,
            received_at=received,
            public_user_id=owner.id if owner else None,
            full_name=owner.name if owner else name,
            email=owner.email if owner else f"{name.split()[0].lower()}@example.com",
            phone="" if "do_not_phone" in safe else "01632 960 123",
            date_of_birth=received.date().replace(year=1990) if kind == RequestKind.BIRTH_RECORDS else None,
            relation_to_child=relation,
            authority_id=authority.id if authority else None,
            answers=answers,
            contact_methods=methods,
            safe_contact=safe,
            safe_times=times,
            preferred_language="pl" if name == "Marek Zielinski" else "en",
            communication_needs=["interpreter"] if name == "Marek Zielinski" else (["large_print"] if index == 7 else []),
            interpreter_language="Polish" if name == "Marek Zielinski" else "",
            communication_other="",
            status=status,
        )
        if owner is None:
            request.claim_code_hash = rules._claim_hash(request.reference, DEMO_CLAIM_CODE)
        if status != RequestStatus.NEW and worker is not None and status not in {RequestStatus.SIGNPOSTED, RequestStatus.DECLINED}:
            request.worker_id = worker.id
            # One allocation long ago (first contact overdue), the others recent (on time).
            request.allocated_at = received + timedelta(days=3) if age > 10 else _working_days_ago(1)
            request.next_step = "Your worker will contact you in the way you asked, within a week."
        if status in {RequestStatus.IN_CONTACT, RequestStatus.CLOSED}:
            request.first_contact_at = received + timedelta(days=5)
        if status in OUTCOMES:
            request.outcome_reason = OUTCOMES[status]
            request.closed_at = received + timedelta(days=10)
        db.session.add(request)
        if owner is not None and worker is not None:
            db.session.add(RequestMessage(request=request, at=received + timedelta(hours=2), staff_id=None,
                                          body="Thank you. Please do not phone me."))
    db.session.flush()
    return f"Demo requests: {len(DEMO_REQUESTS)}; those made without an account can be claimed with the code {DEMO_CLAIM_CODE}."
