"""Rules for an application to adopt: the states and the one table of moves between them, finding
applications, the agency's decision on a registration, withdrawing, messages and the staff queue.
These modules are the only code that writes applications: ``registration_rules`` (the registration
of interest), ``assessment_rules`` (Stage One, the break, Stage Two, panel and decision) and
``application_clocks`` (every timescale, read-only) build on this one.

    draft ──sign (last applicant)──▶ submitted ──accept──▶ stage one ──sign off: progress──▶ stage one done
                                       │   └─accept (fast track)──▶ stage two                     │
                                       └──decline──▶ declined        sign off: end ──▶ stage one ended
    stage one done ──continue──▶ stage two ──book panel──▶ at panel ──decide──▶ approved / not approved
          └──take a break──▶ on break ──continue──▶ stage two
    any state before a decision ──withdraw──▶ withdrawn

The timescales each move starts are in ``application_clocks``.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.accounts.models import PublicUser, StaffRole, StaffUser
from portal.adopting.application_models import (
    Applicant,
    Application,
    ApplicationCheck,
    ApplicationMessage,
    ApplicationStatus,
    CheckKind,
    CheckStatus,
)
from portal.core import audit, outbox
from portal.core.db import db, utcnow

S = ApplicationStatus


FINAL = {S.DECLINED, S.STAGE_ONE_ENDED, S.APPROVED, S.NOT_APPROVED, S.WITHDRAWN}

MOVES: dict[str, dict[ApplicationStatus, ApplicationStatus]] = {
    "submit": {S.DRAFT: S.SUBMITTED},
    "accept": {S.SUBMITTED: S.STAGE_ONE},
    "accept_fast_track": {S.SUBMITTED: S.STAGE_TWO},
    "decline": {S.SUBMITTED: S.DECLINED},
    "progress_stage_one": {S.STAGE_ONE: S.STAGE_ONE_DONE},
    "end_stage_one": {S.STAGE_ONE: S.STAGE_ONE_ENDED},
    "take_break": {S.STAGE_ONE_DONE: S.ON_BREAK},
    "continue": {S.STAGE_ONE_DONE: S.STAGE_TWO, S.ON_BREAK: S.STAGE_TWO},
    "book_panel": {S.STAGE_TWO: S.AT_PANEL, S.AT_PANEL: S.AT_PANEL},
    "approve": {S.AT_PANEL: S.APPROVED},
    "not_approve": {S.AT_PANEL: S.NOT_APPROVED},
    "withdraw": {state: S.WITHDRAWN for state in S if state not in FINAL},
}

# Which stage each state belongs to, for the applicants' "where you are" and the reports.
STAGE_OF: dict[ApplicationStatus, str] = {
    S.DRAFT: "registration",
    S.SUBMITTED: "registration",
    S.DECLINED: "registration",
    S.STAGE_ONE: "stage_one",
    S.STAGE_ONE_ENDED: "stage_one",
    S.STAGE_ONE_DONE: "break",
    S.ON_BREAK: "break",
    S.STAGE_TWO: "stage_two",
    S.AT_PANEL: "panel",
    S.APPROVED: "decision",
    S.NOT_APPROVED: "decision",
    S.WITHDRAWN: "withdrawn",
}


class IllegalMove(Exception):
    """An application was asked to make a move its state does not allow."""


class StaleEdit(Exception):
    """Someone else changed the application after this person opened it."""


class NotAllowed(Exception):
    """The move is legal for the state but not for this person or not yet (``reason`` says which)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def make_move(application: Application, move: str) -> None:
    allowed = MOVES[move]
    if application.status not in allowed:
        raise IllegalMove(f"{move} is not allowed from {application.status}")
    application.status = allowed[application.status]
    if application.status in FINAL:
        # The applicants are free to apply again.
        for applicant in application.applicants:
            applicant.open_for_user_id = None


def check_version(application: Application, seen_version: int | None) -> None:
    if seen_version is not None and seen_version != application.version:
        raise StaleEdit(application.public_id)


def record_event(action: str, application: Application, **detail: Any) -> None:
    audit.record(action, "application", application.public_id, **detail)


def email_locale(language: str) -> str:
    return language if language in current_app.config["LOCALES"] else "en"


def portal_link(endpoint: str, **values: Any) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def tell_applicants(application: Application, template: str) -> None:
    """Email each applicant with an account that there is news; the email carries no details, only
    that they should sign in to see it, in their own language."""
    for applicant in application.applicants:
        person = db.session.get(PublicUser, applicant.public_user_id) if applicant.public_user_id else None
        if person is not None and person.email:
            outbox.queue_email(
                person.email,
                template,
                email_locale(person.preferred_language),
                reference=application.reference,
                link=portal_link("application_public.view_application"),
            )


# ---------------------------------------------------------------------------------------------------
# Finding applications


def applicant_of(user: PublicUser, application: Application) -> Applicant | None:
    return next((a for a in application.applicants if a.public_user_id == user.id), None)


def current_application(user: PublicUser) -> Application | None:
    """The person's newest application (as either applicant), whatever its state."""
    return db.session.scalar(
        select(Application)
        .join(Applicant)
        .where(Applicant.public_user_id == user.id)
        .order_by(Application.created_at.desc(), Application.id.desc())
        .options(selectinload(Application.applicants))
        .limit(1)
    )


def find_for_staff(public_id: str, scope: int | None) -> Application | None:
    """Spoke staff find their own authority's applications only; hub staff (scope None) any."""
    query = select(Application).where(
        Application.public_id == public_id, Application.status != S.DRAFT
    ).options(selectinload(Application.applicants), selectinload(Application.authority))
    if scope is not None:
        query = query.where(Application.authority_id == scope)
    return db.session.scalar(query)


# ---------------------------------------------------------------------------------------------------
# The agency's decision on the registration


def accept_registration(application: Application, worker: StaffUser, seen_version: int | None) -> None:
    """Accept: Stage One starts with its checks (or, on the fast track, Stage Two) and the worker
    is allocated."""
    check_version(application, seen_version)
    make_move(application, "accept_fast_track" if application.fast_track else "accept")
    now = utcnow()
    application.registration_decided_at = now
    application.worker_id = worker.id
    if application.fast_track:
        application.stage_two_started_at = now
    else:
        application.stage_one_started_at = now
        for applicant in application.applicants:
            for kind in (CheckKind.DBS, CheckKind.LOCAL_AUTHORITY, CheckKind.MEDICAL):
                application.checks.append(
                    ApplicationCheck(applicant_id=applicant.id, kind=kind, details={}, status=CheckStatus.NOT_REQUESTED)
                )
    record_event("registration_accepted", application, worker=worker.public_id, fast_track=application.fast_track)
    tell_applicants(application, "application-update")


def decline_registration(application: Application, reasons: str, seen_version: int | None) -> None:
    check_version(application, seen_version)
    make_move(application, "decline")
    application.registration_decided_at = utcnow()
    application.decline_reasons = reasons
    record_event("registration_declined", application)
    tell_applicants(application, "application-update")


def allocate_worker(application: Application, worker: StaffUser, seen_version: int | None) -> None:
    check_version(application, seen_version)
    if application.status in FINAL or application.status == S.DRAFT:
        raise IllegalMove("the application is not open")
    application.worker_id = worker.id
    record_event("worker_allocated", application, worker=worker.public_id)


# ---------------------------------------------------------------------------------------------------
# At any time


def withdraw(application: Application, applicant: Applicant, reason: str) -> None:
    make_move(application, "withdraw")
    application.withdrawn_at = utcnow()
    application.withdraw_reason = reason
    record_event("application_withdrawn", application, applicant=applicant.position)


def send_applicant_message(application: Application, applicant: Applicant, body: str) -> ApplicationMessage:
    if application.status == S.DRAFT or application.status in FINAL:
        raise IllegalMove("messages are sent while the application is open")
    message = ApplicationMessage(body=body, applicant_id=applicant.id)
    application.messages.append(message)
    record_event("message_from_applicant", application, applicant=applicant.position)
    return message


def send_staff_message(application: Application, staff: StaffUser, body: str) -> ApplicationMessage:
    """A message to the applicants; the email only says one is waiting."""
    if application.status == S.DRAFT:
        raise IllegalMove("the registration has not been sent")
    message = ApplicationMessage(body=body, staff_id=staff.id)
    application.messages.append(message)
    tell_applicants(application, "application-new-message")
    record_event("message_from_staff", application)
    return message


# ---------------------------------------------------------------------------------------------------
# Staff queue


def queue(status: str | None, scope: int | None, page: int, per_page: int) -> tuple[list[Application], int]:
    """Applications for the staff queue: open ones by default, oldest sent first."""
    query = select(Application).where(Application.status != S.DRAFT)
    if scope is not None:
        query = query.where(Application.authority_id == scope)
    if status in {s.value for s in S} - {S.DRAFT.value}:
        query = query.where(Application.status == status)
    elif status != "all":
        query = query.where(Application.status.not_in([s.value for s in FINAL]))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = list(
        db.session.scalars(
            query.options(selectinload(Application.applicants), selectinload(Application.authority))
            .order_by(Application.submitted_at, Application.id)
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
    )
    return rows, total


def assessment_workers(scope: int | None) -> list[StaffUser]:
    people = db.session.scalars(select(StaffUser).where(StaffUser.active.is_(True)).order_by(StaffUser.name))
    return [
        p
        for p in people
        if p.has_role(StaffRole.ASSESSMENT_WORKER, StaffRole.TEAM_MANAGER)
        and (scope is None or p.authority_id in {None, scope})
    ]


def applicant_names(application: Application) -> list[str]:
    return [str(a.answers.get("about_you", {}).get("full_name", "")) for a in application.applicants]
