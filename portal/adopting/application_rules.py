"""Rules for an application to adopt: the only code that writes applications.

    draft ──sign (last applicant)──▶ submitted ──accept──▶ stage one ──sign off: progress──▶ stage one done
                                       │   └─accept (fast track)──▶ stage two                     │
                                       └──decline──▶ declined        sign off: end ──▶ stage one ended
    stage one done ──continue──▶ stage two ──book panel──▶ at panel ──decide──▶ approved / not approved
          └──take a break──▶ on break ──continue──▶ stage two
    any state before a decision ──withdraw──▶ withdrawn

Timescales, as the process sets them:
- the agency decides on a registration of interest within 5 working days of it arriving;
- Stage One takes 2 calendar months from acceptance;
- a break between the stages lasts at most 6 calendar months (it stops no clock: Stage Two's starts
  only when the applicants say they want to go on);
- Stage Two takes 4 calendar months from the applicants' notice to go on (from acceptance, on the
  fast track);
- the applicants have 10 working days to comment on their Prospective Adopter's Report.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from flask import current_app, url_for
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal.accounts.models import PublicUser, StaffRole, StaffUser
from portal.adopting.application_models import (
    Applicant,
    Application,
    ApplicationCheck,
    ApplicationDocument,
    ApplicationMessage,
    ApplicationStatus,
    CheckKind,
    CheckStatus,
    DocumentKind,
    HomeVisit,
    TrainingBooking,
    TrainingCourse,
)
from portal.adopting.models import Enquiry
from portal.agency.models import PartnerAuthority
from portal.core import audit, outbox
from portal.core.db import db, new_reference, utcnow
from portal.core.timescales import (
    LONDON,
    Timeliness,
    add_months,
    add_working_days,
    london_date,
    timeliness_by,
)
from portal.core.uploads import JPEG, PDF, PNG, clean_upload

S = ApplicationStatus

REGISTRATION_DECISION_DAYS = 5
STAGE_ONE_MONTHS = 2
BREAK_MONTHS = 6
STAGE_TWO_MONTHS = 4
PAR_COMMENT_DAYS = 10
BREAK_REMINDER_DAYS = 14
REFEREES_NEEDED = 3

# The parts of the registration of interest. Household sections are answered once for the
# application; applicant sections by each applicant for themselves.
HOUSEHOLD_SECTIONS = ("home", "household", "children", "experience", "motivation", "children_hoped_for", "previous")
APPLICANT_SECTIONS = ("about_you", "health", "suitability")

# The declarations people sign, by version. The words are in the templates, keyed by version, so a
# changed declaration gets a new version and what each person signed stays on record.
DECLARATION_VERSION = "roi-2026-1"
CONSENT_VERSION = "checks-2026-1"

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


def _move(application: Application, move: str) -> None:
    allowed = MOVES[move]
    if application.status not in allowed:
        raise IllegalMove(f"{move} is not allowed from {application.status}")
    application.status = allowed[application.status]
    if application.status in FINAL:
        # The applicants are free to apply again.
        for applicant in application.applicants:
            applicant.open_for_user_id = None


def _check_version(application: Application, seen_version: int | None) -> None:
    if seen_version is not None and seen_version != application.version:
        raise StaleEdit(application.public_id)


def _record(action: str, application: Application, **detail: Any) -> None:
    audit.record(action, "application", application.public_id, **detail)


def _locale(language: str) -> str:
    return language if language in current_app.config["LOCALES"] else "en"


def _link(endpoint: str, **values: Any) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def _tell_applicants(application: Application, template: str) -> None:
    """Email each applicant with an account that there is news; the email carries no details, only
    that they should sign in to see it, in their own language."""
    for applicant in application.applicants:
        person = db.session.get(PublicUser, applicant.public_user_id) if applicant.public_user_id else None
        if person is not None and person.email:
            outbox.queue_email(
                person.email,
                template,
                _locale(person.preferred_language),
                reference=application.reference,
                link=_link("application_public.view_application"),
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
# The registration of interest


def start_registration(user: PublicUser, joint: bool) -> Application:
    """Start a registration for this account holder, linking their earlier enquiry if the email
    matches. Refused while they already have an application that has not ended."""
    existing = current_application(user)
    if existing is not None and existing.status not in FINAL:
        raise NotAllowed("already_applying")
    enquiry_id = db.session.scalar(
        select(Enquiry.id)
        .where(func.lower(Enquiry.email) == user.email.lower())
        .order_by(Enquiry.received_at.desc())
        .limit(1)
    )
    application = Application(reference=new_reference("ROI"), joint=joint, enquiry_id=enquiry_id, answers={})
    application.applicants.append(Applicant(position=1, public_user_id=user.id, open_for_user_id=user.id, answers={}))
    savepoint = db.session.begin_nested()
    try:
        db.session.add(application)
        db.session.flush()
        savepoint.commit()
    except IntegrityError:
        # "Start" pressed in another tab at the same moment: that one made the application.
        savepoint.rollback()
        raise NotAllowed("already_applying") from None
    _record("registration_started", application, joint=joint, enquiry_linked=enquiry_id is not None)
    return application


def _editable(application: Application) -> None:
    if application.status != S.DRAFT:
        raise IllegalMove("the registration has been sent")


def _unsign_all(application: Application) -> None:
    # A change after signing means the signatures no longer cover what is written.
    for applicant in application.applicants:
        if applicant.signed_at is not None:
            applicant.signed_at = None
            applicant.signed_name = ""
            applicant.declaration_text = ""
            applicant.declaration_version = ""


def set_joint(application: Application, joint: bool) -> None:
    _editable(application)
    if not joint:
        for applicant in list(application.applicants):
            if applicant.position == 2:
                application.applicants.remove(applicant)
    application.joint = joint
    _unsign_all(application)


def save_household_section(application: Application, section: str, answers: dict[str, Any]) -> None:
    """Keep the answers to one household section (either applicant may answer) and mark it done."""
    if section not in HOUSEHOLD_SECTIONS:
        raise ValueError(section)
    _editable(application)
    application.answers = {**application.answers, section: answers}
    if section not in application.completed_sections:
        application.completed_sections = [*application.completed_sections, section]
    if section == "home":
        slug = answers.get("authority")
        authority = db.session.scalar(select(PartnerAuthority).where(PartnerAuthority.slug == slug)) if slug else None
        application.authority_id = authority.id if authority else None
    if section == "previous":
        application.fast_track = is_fast_track(answers)
    _unsign_all(application)


def save_applicant_section(applicant: Applicant, section: str, answers: dict[str, Any]) -> None:
    """Keep one applicant's own answers to one section. Only that applicant writes their part."""
    if section not in APPLICANT_SECTIONS:
        raise ValueError(section)
    _editable(applicant.application)
    applicant.answers = {**applicant.answers, section: answers}
    if section not in applicant.completed_sections:
        applicant.completed_sections = [*applicant.completed_sections, section]
    _unsign_all(applicant.application)


def is_fast_track(previous: dict[str, Any]) -> bool:
    """People who have adopted before, and foster carers adopting the child in their care, skip
    Stage One."""
    return previous.get("adopted_before") == "yes" or previous.get("fostering_child") == "yes"


def _token_hash(token: str) -> str:
    key = str(current_app.secret_key).encode()
    return hmac.new(key, f"joint-applicant:{token}".encode(), hashlib.sha256).hexdigest()


def invite_second_applicant(application: Application, email: str, language: str) -> None:
    """Invite the second applicant by email (a new invitation replaces any earlier one)."""
    _editable(application)
    if not application.joint:
        raise IllegalMove("a single application has no second applicant")
    second = next((a for a in application.applicants if a.position == 2), None)
    if second is not None and second.public_user_id is not None:
        raise NotAllowed("already_joined")
    if second is None:
        second = Applicant(position=2, answers={})
        application.applicants.append(second)
    token = secrets.token_urlsafe(32)
    second.invite_email = email
    second.invite_token_hash = _token_hash(token)
    second.invited_at = utcnow()
    outbox.queue_email(
        email,
        "application-joint-invitation",
        _locale(language),
        link=_link("registration_public.join_application", token=token),
    )
    _record("second_applicant_invited", application)


def find_invitation(token: str) -> Applicant | None:
    applicant = db.session.scalar(select(Applicant).where(Applicant.invite_token_hash == _token_hash(token)))
    if applicant is None or applicant.application.status != S.DRAFT:
        return None
    return applicant


def join_application(user: PublicUser, token: str) -> Application:
    """The invited person, signed in to their own account, joins the application as applicant 2."""
    applicant = find_invitation(token)
    if applicant is None:
        raise NotAllowed("invitation_not_found")
    application = applicant.application
    if applicant_of(user, application) is not None:
        raise NotAllowed("already_applicant")
    existing = current_application(user)
    if existing is not None and existing.status not in FINAL:
        raise NotAllowed("already_applying")
    applicant.public_user_id = user.id
    applicant.open_for_user_id = user.id
    applicant.invite_token_hash = None
    _record("second_applicant_joined", application)
    return application


def missing_sections(application: Application) -> list[str]:
    """What is still to do before the applicants can sign: household sections, then each applicant's
    own (as "about_you:2"), and the second applicant joining."""
    missing = [s for s in HOUSEHOLD_SECTIONS if s not in application.completed_sections]
    positions = {a.position: a for a in application.applicants}
    for position in (1, 2) if application.joint else (1,):
        applicant = positions.get(position)
        if applicant is None or applicant.public_user_id is None:
            missing.append(f"join:{position}")
            continue
        missing += [f"{s}:{position}" for s in APPLICANT_SECTIONS if s not in applicant.completed_sections]
    return missing


def sign_registration(applicant: Applicant, typed_name: str, declaration_text: str) -> bool:
    """Record one applicant's e-signature; when every applicant has signed, the registration is
    sent. Gives back whether it was sent."""
    application = applicant.application
    _editable(application)
    if missing_sections(application):
        raise NotAllowed("not_complete")
    if not typed_name.strip():
        raise NotAllowed("no_name")
    applicant.signed_name = typed_name.strip()
    applicant.signed_at = utcnow()
    applicant.declaration_version = DECLARATION_VERSION
    applicant.declaration_text = declaration_text
    _record("registration_signed", application, applicant=applicant.position)
    if all(a.signed_at is not None for a in application.applicants):
        _move(application, "submit")
        application.submitted_at = utcnow()
        application.fast_track = is_fast_track(application.answers.get("previous", {}))
        _record("registration_submitted", application, fast_track=application.fast_track)
        _tell_applicants(application, "application-received")
        return True
    return False


# ---------------------------------------------------------------------------------------------------
# The agency's decision on the registration


def accept_registration(application: Application, worker: StaffUser, seen_version: int | None) -> None:
    """Accept: Stage One starts with its checks (or, on the fast track, Stage Two) and the worker
    is allocated."""
    _check_version(application, seen_version)
    _move(application, "accept_fast_track" if application.fast_track else "accept")
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
    _record("registration_accepted", application, worker=worker.public_id, fast_track=application.fast_track)
    _tell_applicants(application, "application-update")


def decline_registration(application: Application, reasons: str, seen_version: int | None) -> None:
    _check_version(application, seen_version)
    _move(application, "decline")
    application.registration_decided_at = utcnow()
    application.decline_reasons = reasons
    _record("registration_declined", application)
    _tell_applicants(application, "application-update")


def allocate_worker(application: Application, worker: StaffUser, seen_version: int | None) -> None:
    _check_version(application, seen_version)
    if application.status in FINAL or application.status == S.DRAFT:
        raise IllegalMove("the application is not open")
    application.worker_id = worker.id
    _record("worker_allocated", application, worker=worker.public_id)


# ---------------------------------------------------------------------------------------------------
# Stage One: what the applicants do


def _in_stage_one(application: Application) -> None:
    if application.status != S.STAGE_ONE:
        raise IllegalMove("not in Stage One")


def give_consent(applicant: Applicant, consent_text: str) -> None:
    _in_stage_one(applicant.application)
    applicant.consent_at = utcnow()
    applicant.consent_version = CONSENT_VERSION
    applicant.consent_text = consent_text
    _record("checks_consented", applicant.application, applicant=applicant.position)


def _replace_checks(applicant: Applicant, kind: CheckKind, people: list[dict[str, Any]]) -> None:
    application = applicant.application
    current = [c for c in application.checks if c.applicant_id == applicant.id and c.kind == kind]
    if any(c.status != CheckStatus.NOT_REQUESTED for c in current):
        raise NotAllowed("already_requested")
    for check in current:
        application.checks.remove(check)
    for details in people:
        application.checks.append(
            ApplicationCheck(applicant_id=applicant.id, kind=kind, details=details, status=CheckStatus.NOT_REQUESTED)
        )


def save_referees(applicant: Applicant, referees: list[dict[str, Any]]) -> None:
    """Three referees, at least one of them a relative, each with a way to reach them."""
    _in_stage_one(applicant.application)
    if len(referees) != REFEREES_NEEDED:
        raise NotAllowed("three_referees")
    if not any(r.get("relative") == "yes" for r in referees):
        raise NotAllowed("one_relative")
    _replace_checks(applicant, CheckKind.REFERENCE, referees)
    _record("referees_given", applicant.application, applicant=applicant.position)


def save_previous_partners(applicant: Applicant, partners: list[dict[str, Any]]) -> None:
    _in_stage_one(applicant.application)
    _replace_checks(applicant, CheckKind.PREVIOUS_PARTNER, partners)
    applicant.stage_one_answers = {**applicant.stage_one_answers, "previous_partners_done": True}
    _record("previous_partners_given", applicant.application, applicant=applicant.position)


def save_employer(applicant: Applicant, employer: dict[str, Any] | None) -> None:
    """The employer, asked only of applicants who work with children."""
    _in_stage_one(applicant.application)
    _replace_checks(applicant, CheckKind.EMPLOYER, [employer] if employer else [])
    applicant.stage_one_answers = {**applicant.stage_one_answers, "employer_done": True}
    _record("employer_given", applicant.application, applicant=applicant.position)


def open_courses(today: date) -> list[TrainingCourse]:
    """Courses still to come and not cancelled, soonest first."""
    start = datetime.combine(today, time.min, tzinfo=LONDON)
    return list(
        db.session.scalars(
            select(TrainingCourse)
            .where(TrainingCourse.cancelled.is_(False), TrainingCourse.starts_at >= start)
            .order_by(TrainingCourse.starts_at)
        )
    )


def places_left(course: TrainingCourse) -> int:
    booked = db.session.scalar(select(func.count()).where(TrainingBooking.course_id == course.id)) or 0
    return max(course.places - booked, 0)


def book_training(application: Application, course: TrainingCourse) -> TrainingBooking:
    if application.status not in {S.STAGE_ONE, S.STAGE_TWO}:
        raise IllegalMove("training is booked in Stage One or Two")
    existing = next((b for b in application.bookings if b.course_id == course.id), None)
    if existing is not None:
        return existing
    if course.cancelled or course.starts_at < utcnow():
        raise NotAllowed("course_closed")
    if places_left(course) <= 0:
        raise NotAllowed("course_full")
    booking = TrainingBooking(course_id=course.id, course=course)
    application.bookings.append(booking)
    _record("training_booked", application, course=course.public_id)
    return booking


def cancel_booking(application: Application, booking: TrainingBooking) -> None:
    if booking.application_id != application.id or booking.attended is not None:
        raise NotAllowed("cannot_cancel")
    application.bookings.remove(booking)
    _record("training_cancelled", application, course=booking.course.public_id)


DOCUMENT_TYPES = frozenset({JPEG, PNG, PDF})
# From acceptance to the decision: the states in which the agency is assessing the applicants.
ASSESSING = {S.STAGE_ONE, S.STAGE_ONE_DONE, S.ON_BREAK, S.STAGE_TWO, S.AT_PANEL}


def add_document(applicant: Applicant, kind: DocumentKind, data: bytes, filename: str) -> ApplicationDocument:
    """Keep an uploaded document after checking it by content (raises UploadRejected)."""
    application = applicant.application
    if application.status not in ASSESSING:
        raise IllegalMove("documents are added from Stage One until the decision")
    clean = clean_upload(data, filename, DOCUMENT_TYPES)
    document = ApplicationDocument(
        applicant_id=applicant.id,
        kind=kind,
        filename=clean.filename,
        content_type=clean.content_type,
        size=len(clean.data),
        data=clean.data,
    )
    application.documents.append(document)
    _record("document_uploaded", application, document=document.public_id, kind=str(kind))
    return document


# ---------------------------------------------------------------------------------------------------
# Stage One: what staff do


def set_stage_one_plan(application: Application, plan: str, seen_version: int | None) -> None:
    _check_version(application, seen_version)
    _in_stage_one(application)
    application.stage_one_plan = plan
    _record("stage_one_plan_set", application)


_CONSENT_NEEDED = {CheckKind.DBS, CheckKind.LOCAL_AUTHORITY, CheckKind.MEDICAL}


def record_check(check: ApplicationCheck, status: CheckStatus, note: str, seen_version: int | None) -> None:
    """Staff record a check as requested, or as back and satisfactory or a concern. The statutory
    checks cannot be requested before the applicant has consented."""
    application = check.application
    _check_version(application, seen_version)
    if application.status not in {S.STAGE_ONE, S.STAGE_TWO}:
        raise IllegalMove("checks are recorded in Stage One or Two")
    if status == CheckStatus.NOT_REQUESTED:
        raise IllegalMove("a check cannot be un-requested")
    if check.kind in _CONSENT_NEEDED and (check.applicant is None or check.applicant.consent_at is None):
        raise NotAllowed("no_consent")
    now = utcnow()
    if check.requested_at is None:
        check.requested_at = now
    if status in {CheckStatus.SATISFACTORY, CheckStatus.CONCERN}:
        check.received_at = now
    check.status = status
    if note:
        check.staff_note = note
    _record("check_recorded", application, check=check.public_id, kind=str(check.kind), status=str(status))


def record_attendance(booking: TrainingBooking, attended: bool, seen_version: int | None) -> None:
    _check_version(booking.application, seen_version)
    booking.attended = attended
    _record("training_attendance_recorded", booking.application, course=booking.course.public_id, attended=attended)


def recommend_stage_one(
    application: Application, staff: StaffUser, progress: bool, reasons: str, seen_version: int | None
) -> None:
    """The worker's recommendation at the end of Stage One, waiting for a team manager."""
    _check_version(application, seen_version)
    _in_stage_one(application)
    application.stage_one_recommendation = "progress" if progress else "end"
    application.stage_one_reasons = reasons
    application.stage_one_recommended_by_id = staff.id
    _record("stage_one_recommended", application, recommendation=application.stage_one_recommendation)


def sign_off_stage_one(application: Application, manager: StaffUser, agree: bool, seen_version: int | None) -> None:
    """A team manager, not the person who recommended, signs the Stage One decision off, or sends it
    back to the worker."""
    _check_version(application, seen_version)
    _in_stage_one(application)
    if not application.stage_one_recommendation:
        raise NotAllowed("no_recommendation")
    if not manager.has_role(StaffRole.TEAM_MANAGER):
        raise NotAllowed("not_a_manager")
    if manager.id == application.stage_one_recommended_by_id:
        raise NotAllowed("own_recommendation")
    if not agree:
        application.stage_one_recommendation = ""
        _record("stage_one_sent_back", application)
        return
    progress = application.stage_one_recommendation == "progress"
    _move(application, "progress_stage_one" if progress else "end_stage_one")
    application.stage_one_decided_at = utcnow()
    application.stage_one_signed_off_by_id = manager.id
    _record("stage_one_decided", application, outcome=application.stage_one_recommendation)
    _tell_applicants(application, "application-update")


# ---------------------------------------------------------------------------------------------------
# Between the stages


def latest_break_end(application: Application) -> date:
    started = london_date(application.stage_one_decided_at or utcnow())
    return add_months(started, BREAK_MONTHS)


def take_break(application: Application, until: date, today: date) -> None:
    """A break of up to 6 months from the end of Stage One."""
    if until <= today or until > latest_break_end(application):
        raise NotAllowed("break_too_long")
    _move(application, "take_break")
    application.break_started_at = utcnow()
    application.break_until = until
    application.break_reminder_sent_at = None
    _record("break_started", application, until=until.isoformat())


def continue_to_stage_two(application: Application) -> None:
    """The applicants' notice that they want to go on: Stage Two's 4 months start now."""
    _move(application, "continue")
    application.stage_two_started_at = utcnow()
    _record("stage_two_started", application)


def send_break_reminders(today: date) -> int:
    """Remind applicants whose break ends within 14 days, once per break."""
    due = db.session.scalars(
        select(Application).where(
            Application.status == S.ON_BREAK, Application.break_reminder_sent_at.is_(None)
        )
    )
    sent = 0
    for application in due:
        if application.break_until is not None and (application.break_until - today).days <= BREAK_REMINDER_DAYS:
            _tell_applicants(application, "application-break-ending")
            application.break_reminder_sent_at = utcnow()
            _record("break_reminder_sent", application)
            sent += 1
    return sent


# ---------------------------------------------------------------------------------------------------
# Stage Two, panel and decision


def _in_stage_two(application: Application) -> None:
    if application.status not in {S.STAGE_TWO, S.AT_PANEL}:
        raise IllegalMove("not in Stage Two")


def book_visit(application: Application, at: datetime, purpose: str, seen_version: int | None) -> HomeVisit:
    _check_version(application, seen_version)
    _in_stage_two(application)
    visit = HomeVisit(at=at, purpose=purpose)
    application.visits.append(visit)
    _record("visit_booked", application, visit=visit.public_id)
    _tell_applicants(application, "application-update")
    return visit


def update_visit(visit: HomeVisit, done: bool, cancelled: bool, seen_version: int | None) -> None:
    _check_version(visit.application, seen_version)
    _in_stage_two(visit.application)
    visit.done = done and not cancelled
    visit.cancelled = cancelled
    _record("visit_updated", visit.application, visit=visit.public_id, done=visit.done, cancelled=cancelled)


def par_comments_due(application: Application) -> date | None:
    if application.par_shared_at is None:
        return None
    return add_working_days(london_date(application.par_shared_at), PAR_COMMENT_DAYS)


def share_par(application: Application, text: str, seen_version: int | None) -> None:
    """Share the Prospective Adopter's Report: the applicants have 10 working days to comment."""
    _check_version(application, seen_version)
    if application.status != S.STAGE_TWO:
        raise IllegalMove("the report is shared in Stage Two, before panel")
    application.par_text = text
    application.par_shared_at = utcnow()
    application.par_comments = ""
    application.par_commented_at = None
    _record("par_shared", application)
    _tell_applicants(application, "application-update")


def comment_on_par(application: Application, applicant: Applicant, comments: str, today: date) -> None:
    due = par_comments_due(application)
    if application.status != S.STAGE_TWO or due is None:
        raise IllegalMove("there is no report to comment on")
    if today > due:
        raise NotAllowed("comments_closed")
    application.par_comments = comments
    application.par_commented_at = utcnow()
    _record("par_commented", application, applicant=applicant.position)


def book_panel(application: Application, panel_date: date, today: date, seen_version: int | None) -> None:
    """Book the panel once the report is shared and the applicants have commented or their time to
    comment has passed."""
    _check_version(application, seen_version)
    due = par_comments_due(application)
    if due is None:
        raise NotAllowed("no_report")
    if application.par_commented_at is None and today <= due:
        raise NotAllowed("comments_open")
    if panel_date < today:
        raise NotAllowed("date_passed")
    _move(application, "book_panel")
    application.panel_date = panel_date
    _record("panel_booked", application, date=panel_date.isoformat())
    _tell_applicants(application, "application-update")


def record_panel_recommendation(application: Application, approve: bool, seen_version: int | None) -> None:
    _check_version(application, seen_version)
    if application.status != S.AT_PANEL:
        raise IllegalMove("no panel is booked")
    application.panel_recommendation = "approve" if approve else "not_approve"
    application.panel_recorded_at = utcnow()
    _record("panel_recommendation_recorded", application, recommendation=application.panel_recommendation)


def record_decision(
    application: Application, decision_maker: StaffUser, approve: bool, reasons: str, seen_version: int | None
) -> None:
    """The agency decision maker's decision, after the panel's recommendation."""
    _check_version(application, seen_version)
    if not application.panel_recommendation:
        raise NotAllowed("no_panel_recommendation")
    if not decision_maker.has_role(StaffRole.TEAM_MANAGER):
        raise NotAllowed("not_a_manager")
    _move(application, "approve" if approve else "not_approve")
    application.decision = "approved" if approve else "not_approved"
    application.decision_reasons = reasons
    application.decided_at = utcnow()
    if approve:
        application.approved_on = london_date(application.decided_at)
    _record("decision_recorded", application, decision=application.decision)
    _tell_applicants(application, "application-update")


# ---------------------------------------------------------------------------------------------------
# At any time


def withdraw(application: Application, applicant: Applicant, reason: str) -> None:
    _move(application, "withdraw")
    application.withdrawn_at = utcnow()
    application.withdraw_reason = reason
    _record("application_withdrawn", application, applicant=applicant.position)


def send_applicant_message(application: Application, applicant: Applicant, body: str) -> ApplicationMessage:
    if application.status == S.DRAFT or application.status in FINAL:
        raise IllegalMove("messages are sent while the application is open")
    message = ApplicationMessage(body=body, applicant_id=applicant.id)
    application.messages.append(message)
    _record("message_from_applicant", application, applicant=applicant.position)
    return message


def send_staff_message(application: Application, staff: StaffUser, body: str) -> ApplicationMessage:
    """A message to the applicants; the email only says one is waiting."""
    if application.status == S.DRAFT:
        raise IllegalMove("the registration has not been sent")
    message = ApplicationMessage(body=body, staff_id=staff.id)
    application.messages.append(message)
    _tell_applicants(application, "application-new-message")
    _record("message_from_staff", application)
    return message


# ---------------------------------------------------------------------------------------------------
# Clocks


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


def add_course(title: str, starts_at: datetime, venue: str, places: int) -> TrainingCourse:
    course = TrainingCourse(title=title, starts_at=starts_at, venue=venue, places=places)
    db.session.add(course)
    db.session.flush()
    audit.record("training_course_added", "training_course", course.public_id)
    return course


def cancel_course(course: TrainingCourse) -> None:
    course.cancelled = True
    audit.record("training_course_cancelled", "training_course", course.public_id)


def applicant_names(application: Application) -> list[str]:
    return [str(a.answers.get("about_you", {}).get("full_name", "")) for a in application.applicants]
