"""Rules for the assessment: Stage One (consents, checks and references, training, documents, the
recommendation a team manager signs off), the break between the stages, and Stage Two (home
visits, the Prospective Adopter's Report and the applicants' comments, panel, and the agency
decision maker's decision)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import func, select

from portal.accounts.models import StaffRole, StaffUser
from portal.adopting.application_clocks import latest_break_end, par_comments_due
from portal.adopting.application_models import (
    Applicant,
    Application,
    ApplicationCheck,
    ApplicationDocument,
    CheckKind,
    CheckStatus,
    DocumentKind,
    HomeVisit,
    TrainingBooking,
    TrainingCourse,
)
from portal.adopting.application_rules import (
    IllegalMove,
    NotAllowed,
    S,
    check_version,
    make_move,
    record_event,
    tell_applicants,
)
from portal.core import audit
from portal.core.db import db, utcnow
from portal.core.timescales import LONDON, london_date
from portal.core.uploads import JPEG, PDF, PNG, clean_upload

BREAK_REMINDER_DAYS = 14
REFEREES_NEEDED = 3
# The consent to the checks, by version: the words are in the forms, keyed by version, and what
# each person consented to is kept with them.
CONSENT_VERSION = "checks-2026-1"


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
    record_event("checks_consented", applicant.application, applicant=applicant.position)


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
    record_event("referees_given", applicant.application, applicant=applicant.position)


def save_previous_partners(applicant: Applicant, partners: list[dict[str, Any]]) -> None:
    _in_stage_one(applicant.application)
    _replace_checks(applicant, CheckKind.PREVIOUS_PARTNER, partners)
    applicant.stage_one_answers = {**applicant.stage_one_answers, "previous_partners_done": True}
    record_event("previous_partners_given", applicant.application, applicant=applicant.position)


def save_employer(applicant: Applicant, employer: dict[str, Any] | None) -> None:
    """The employer, asked only of applicants who work with children."""
    _in_stage_one(applicant.application)
    _replace_checks(applicant, CheckKind.EMPLOYER, [employer] if employer else [])
    applicant.stage_one_answers = {**applicant.stage_one_answers, "employer_done": True}
    record_event("employer_given", applicant.application, applicant=applicant.position)


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
    record_event("training_booked", application, course=course.public_id)
    return booking


def cancel_booking(application: Application, booking: TrainingBooking) -> None:
    if booking.application_id != application.id or booking.attended is not None:
        raise NotAllowed("cannot_cancel")
    application.bookings.remove(booking)
    record_event("training_cancelled", application, course=booking.course.public_id)


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
    record_event("document_uploaded", application, document=document.public_id, kind=str(kind))
    return document


# ---------------------------------------------------------------------------------------------------
# Stage One: what staff do


def set_stage_one_plan(application: Application, plan: str, seen_version: int | None) -> None:
    check_version(application, seen_version)
    _in_stage_one(application)
    application.stage_one_plan = plan
    record_event("stage_one_plan_set", application)


_CONSENT_NEEDED = {CheckKind.DBS, CheckKind.LOCAL_AUTHORITY, CheckKind.MEDICAL}


def record_check(check: ApplicationCheck, status: CheckStatus, note: str, seen_version: int | None) -> None:
    """Staff record a check as requested, or as back and satisfactory or a concern. The statutory
    checks cannot be requested before the applicant has consented."""
    application = check.application
    check_version(application, seen_version)
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
    record_event("check_recorded", application, check=check.public_id, kind=str(check.kind), status=str(status))


def record_attendance(booking: TrainingBooking, attended: bool, seen_version: int | None) -> None:
    check_version(booking.application, seen_version)
    booking.attended = attended
    record_event("training_attendance_recorded", booking.application, course=booking.course.public_id, attended=attended)


def recommend_stage_one(
    application: Application, staff: StaffUser, progress: bool, reasons: str, seen_version: int | None
) -> None:
    """The worker's recommendation at the end of Stage One, waiting for a team manager."""
    check_version(application, seen_version)
    _in_stage_one(application)
    application.stage_one_recommendation = "progress" if progress else "end"
    application.stage_one_reasons = reasons
    application.stage_one_recommended_by_id = staff.id
    record_event("stage_one_recommended", application, recommendation=application.stage_one_recommendation)


def sign_off_stage_one(application: Application, manager: StaffUser, agree: bool, seen_version: int | None) -> None:
    """A team manager, not the person who recommended, signs the Stage One decision off, or sends it
    back to the worker."""
    check_version(application, seen_version)
    _in_stage_one(application)
    if not application.stage_one_recommendation:
        raise NotAllowed("no_recommendation")
    if not manager.has_role(StaffRole.TEAM_MANAGER):
        raise NotAllowed("not_a_manager")
    if manager.id == application.stage_one_recommended_by_id:
        raise NotAllowed("own_recommendation")
    if not agree:
        application.stage_one_recommendation = ""
        record_event("stage_one_sent_back", application)
        return
    progress = application.stage_one_recommendation == "progress"
    make_move(application, "progress_stage_one" if progress else "end_stage_one")
    application.stage_one_decided_at = utcnow()
    application.stage_one_signed_off_by_id = manager.id
    record_event("stage_one_decided", application, outcome=application.stage_one_recommendation)
    tell_applicants(application, "application-update")


# ---------------------------------------------------------------------------------------------------
# Between the stages


def take_break(application: Application, until: date, today: date) -> None:
    """A break of up to 6 months from the end of Stage One."""
    if until <= today or until > latest_break_end(application):
        raise NotAllowed("break_too_long")
    make_move(application, "take_break")
    application.break_started_at = utcnow()
    application.break_until = until
    application.break_reminder_sent_at = None
    record_event("break_started", application, until=until.isoformat())


def continue_to_stage_two(application: Application) -> None:
    """The applicants' notice that they want to go on: Stage Two's 4 months start now."""
    make_move(application, "continue")
    application.stage_two_started_at = utcnow()
    record_event("stage_two_started", application)


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
            tell_applicants(application, "application-break-ending")
            application.break_reminder_sent_at = utcnow()
            record_event("break_reminder_sent", application)
            sent += 1
    return sent


# ---------------------------------------------------------------------------------------------------
# Stage Two, panel and decision


def _in_stage_two(application: Application) -> None:
    if application.status not in {S.STAGE_TWO, S.AT_PANEL}:
        raise IllegalMove("not in Stage Two")


def book_visit(application: Application, at: datetime, purpose: str, seen_version: int | None) -> HomeVisit:
    check_version(application, seen_version)
    _in_stage_two(application)
    visit = HomeVisit(at=at, purpose=purpose)
    application.visits.append(visit)
    record_event("visit_booked", application, visit=visit.public_id)
    tell_applicants(application, "application-update")
    return visit


def update_visit(visit: HomeVisit, done: bool, cancelled: bool, seen_version: int | None) -> None:
    check_version(visit.application, seen_version)
    _in_stage_two(visit.application)
    visit.done = done and not cancelled
    visit.cancelled = cancelled
    record_event("visit_updated", visit.application, visit=visit.public_id, done=visit.done, cancelled=cancelled)


def share_par(application: Application, text: str, seen_version: int | None) -> None:
    """Share the Prospective Adopter's Report: the applicants have 10 working days to comment."""
    check_version(application, seen_version)
    if application.status != S.STAGE_TWO:
        raise IllegalMove("the report is shared in Stage Two, before panel")
    application.par_text = text
    application.par_shared_at = utcnow()
    application.par_comments = ""
    application.par_commented_at = None
    record_event("par_shared", application)
    tell_applicants(application, "application-update")


def comment_on_par(application: Application, applicant: Applicant, comments: str, today: date) -> None:
    due = par_comments_due(application)
    if application.status != S.STAGE_TWO or due is None:
        raise IllegalMove("there is no report to comment on")
    if today > due:
        raise NotAllowed("comments_closed")
    application.par_comments = comments
    application.par_commented_at = utcnow()
    record_event("par_commented", application, applicant=applicant.position)


def book_panel(application: Application, panel_date: date, today: date, seen_version: int | None) -> None:
    """Book the panel once the report is shared and the applicants have commented or their time to
    comment has passed."""
    check_version(application, seen_version)
    due = par_comments_due(application)
    if due is None:
        raise NotAllowed("no_report")
    if application.par_commented_at is None and today <= due:
        raise NotAllowed("comments_open")
    if panel_date < today:
        raise NotAllowed("date_passed")
    make_move(application, "book_panel")
    application.panel_date = panel_date
    record_event("panel_booked", application, date=panel_date.isoformat())
    tell_applicants(application, "application-update")


def record_panel_recommendation(application: Application, approve: bool, seen_version: int | None) -> None:
    check_version(application, seen_version)
    if application.status != S.AT_PANEL:
        raise IllegalMove("no panel is booked")
    application.panel_recommendation = "approve" if approve else "not_approve"
    application.panel_recorded_at = utcnow()
    record_event("panel_recommendation_recorded", application, recommendation=application.panel_recommendation)


def record_decision(
    application: Application, decision_maker: StaffUser, approve: bool, reasons: str, seen_version: int | None
) -> None:
    """The agency decision maker's decision, after the panel's recommendation."""
    check_version(application, seen_version)
    if not application.panel_recommendation:
        raise NotAllowed("no_panel_recommendation")
    if not decision_maker.has_role(StaffRole.TEAM_MANAGER):
        raise NotAllowed("not_a_manager")
    make_move(application, "approve" if approve else "not_approve")
    application.decision = "approved" if approve else "not_approved"
    application.decision_reasons = reasons
    application.decided_at = utcnow()
    if approve:
        application.approved_on = london_date(application.decided_at)
    record_event("decision_recorded", application, decision=application.decision)
    tell_applicants(application, "application-update")


# ---------------------------------------------------------------------------------------------------
# Training dates


def add_course(title: str, starts_at: datetime, venue: str, places: int) -> TrainingCourse:
    course = TrainingCourse(title=title, starts_at=starts_at, venue=venue, places=places)
    db.session.add(course)
    db.session.flush()
    audit.record("training_course_added", "training_course", course.public_id)
    return course


def cancel_course(course: TrainingCourse) -> None:
    course.cancelled = True
    audit.record("training_course_cancelled", "training_course", course.public_id)
