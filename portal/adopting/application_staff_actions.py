"""The back office's moves on an application: the registration decision; Stage One's plan, checks,
training and sign-off; Stage Two's visits and report; panel and decision; messages and document
downloads.

Registered on application_staff's blueprint, with its helpers: the form is checked, the rule is
called, and the person goes back to the case.
"""

from __future__ import annotations

from datetime import UTC
from io import BytesIO

from flask import abort, send_file
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.accounts.models import StaffRole, StaffUser
from portal.adopting import application_rules as rules
from portal.adopting import assessment_rules as assessment
from portal.adopting.application_models import Application, CheckStatus
from portal.adopting.application_staff import Page, act, bp, button_problem, load, seen_version, workers_for
from portal.adopting.application_staff_forms import (
    AcceptForm,
    AllocateForm,
    AttendanceForm,
    DecisionForm,
    DeclineForm,
    MessageForm,
    PanelForm,
    PanelRecommendationForm,
    ParForm,
    PlanForm,
    RecommendForm,
    RecordCheckForm,
    SignOffForm,
    UpdateVisitForm,
    VisitForm,
    set_workers,
)
from portal.adopting.roles import APPLICATION_ROLES
from portal.core import audit
from portal.core.access import staff_with
from portal.core.timescales import LONDON, today_london


def _manager_only() -> None:
    # The role decorator lets assessment workers in; sign-off and decisions are for managers.
    if not current_user.has_role(StaffRole.TEAM_MANAGER):
        abort(403)


def _not_stage_one() -> str:
    return _("This can only be done while the application is in Stage One.")


def _not_stage_two() -> str:
    return _("This can only be done while the application is in Stage Two.")


# ---------------------------------------------------------------------------------------------------
# The registration decision


def _worker(people: list[StaffUser], public_id: str) -> StaffUser:
    return next(p for p in people if p.public_id == public_id)


@bp.post("/<public_id>/accept")
@staff_with(APPLICATION_ROLES)
def accept_registration(public_id: str) -> Page:
    application = load(public_id)
    people = workers_for(application)
    form = AcceptForm()
    set_workers(form.accept_worker, people)

    def move(a: Application, f: AcceptForm) -> None:
        rules.accept_registration(a, _worker(people, f.accept_worker.data), seen_version(f))

    return act(
        application,
        "accept",
        form,
        move,
        _("Registration accepted."),
        _("Only a registration waiting for a decision can be accepted."),
        "summary",
    )


@bp.post("/<public_id>/decline")
@staff_with(APPLICATION_ROLES)
def decline_registration(public_id: str) -> Page:
    def move(a: Application, f: DeclineForm) -> None:
        rules.decline_registration(a, f.decline_reasons.data or "", seen_version(f))

    return act(
        load(public_id),
        "decline",
        DeclineForm(),
        move,
        _("Registration not accepted. The applicants can see the reasons."),
        _("Only a registration waiting for a decision can be declined."),
        "summary",
    )


@bp.post("/<public_id>/worker")
@staff_with(APPLICATION_ROLES)
def allocate_worker(public_id: str) -> Page:
    application = load(public_id)
    people = workers_for(application)
    form = AllocateForm()
    set_workers(form.worker, people)

    def move(a: Application, f: AllocateForm) -> None:
        rules.allocate_worker(a, _worker(people, f.worker.data), seen_version(f))

    return act(
        application,
        "allocate",
        form,
        move,
        _("Worker changed."),
        _("This application has ended, so its worker cannot be changed."),
        "summary",
    )


# ---------------------------------------------------------------------------------------------------
# Stage One


@bp.post("/<public_id>/stage-one-plan")
@staff_with(APPLICATION_ROLES)
def set_stage_one_plan(public_id: str) -> Page:
    def move(a: Application, f: PlanForm) -> None:
        assessment.set_stage_one_plan(a, f.stage_one_plan.data or "", seen_version(f))

    return act(
        load(public_id),
        "plan",
        PlanForm(),
        move,
        _("Stage One plan saved."),
        _not_stage_one(),
        "stage-one",
    )


@bp.post("/<public_id>/checks/<check_id>")
@staff_with(APPLICATION_ROLES)
def record_check(public_id: str, check_id: str) -> Page:
    application = load(public_id)
    check = next((c for c in application.checks if c.public_id == check_id), None)
    if check is None:
        abort(404)
    form = RecordCheckForm().use_ids(check.public_id)

    def move(a: Application, f: RecordCheckForm) -> None:
        assessment.record_check(check, CheckStatus(f.check_status.data), f.check_note.data or "", seen_version(f))

    return act(
        application,
        f"check-{check.public_id}",
        form,
        move,
        _("Check recorded."),
        _("Checks can only be recorded in Stage One or Stage Two."),
        "checks",
    )


@bp.post("/<public_id>/training/<course_id>")
@staff_with(APPLICATION_ROLES)
def record_attendance(public_id: str, course_id: str) -> Page:
    application = load(public_id)
    booking = next((b for b in application.bookings if b.course.public_id == course_id), None)
    if booking is None:
        abort(404)
    form = AttendanceForm()
    if not form.validate_on_submit():
        return button_problem(application)

    def move(a: Application, f: AttendanceForm) -> None:
        assessment.record_attendance(booking, f.attended.data == "yes", seen_version(f))

    return act(
        application,
        "attendance",
        form,
        move,
        _("Attendance recorded."),
        _("Attendance cannot be recorded now."),
        "training",
    )


@bp.post("/<public_id>/stage-one-recommendation")
@staff_with(APPLICATION_ROLES)
def recommend_stage_one(public_id: str) -> Page:
    def move(a: Application, f: RecommendForm) -> None:
        assessment.recommend_stage_one(
            a, current_user, f.recommendation.data == "progress", f.recommendation_reasons.data or "", seen_version(f)
        )

    return act(
        load(public_id),
        "recommend",
        RecommendForm(),
        move,
        _("Recommendation sent to a team manager for sign-off."),
        _not_stage_one(),
        "stage-one-decision",
    )


@bp.post("/<public_id>/stage-one-sign-off")
@staff_with(APPLICATION_ROLES)
def sign_off_stage_one(public_id: str) -> Page:
    application = load(public_id)
    _manager_only()

    def move(a: Application, f: SignOffForm) -> None:
        assessment.sign_off_stage_one(a, current_user, f.sign_off.data == "agree", seen_version(f))

    form = SignOffForm()
    agreed = form.sign_off.data == "agree"
    return act(
        application,
        "sign_off",
        form,
        move,
        _("Stage One decision signed off.") if agreed else _("Recommendation sent back to the worker."),
        _not_stage_one(),
        "stage-one-decision",
    )


# ---------------------------------------------------------------------------------------------------
# Stage Two


@bp.post("/<public_id>/visits")
@staff_with(APPLICATION_ROLES)
def book_visit(public_id: str) -> Page:
    def move(a: Application, f: VisitForm) -> None:
        typed = f.moment()
        assert typed is not None  # the form is valid
        at = typed.replace(tzinfo=LONDON).astimezone(UTC)
        assessment.book_visit(a, at, f.visit_purpose.data or "", seen_version(f))

    return act(
        load(public_id),
        "visit",
        VisitForm(),
        move,
        _("Home visit booked. The applicants can see it."),
        _not_stage_two(),
        "visits",
    )


@bp.post("/<public_id>/visits/<visit_id>")
@staff_with(APPLICATION_ROLES)
def update_visit(public_id: str, visit_id: str) -> Page:
    application = load(public_id)
    visit = next((v for v in application.visits if v.public_id == visit_id), None)
    if visit is None:
        abort(404)
    form = UpdateVisitForm()
    if not form.validate_on_submit():
        return button_problem(application)

    def move(a: Application, f: UpdateVisitForm) -> None:
        done = f.visit_outcome.data == "done"
        assessment.update_visit(visit, done, not done, seen_version(f))

    return act(application, "visit_update", form, move, _("Home visit updated."), _not_stage_two(), "visits")


@bp.post("/<public_id>/report")
@staff_with(APPLICATION_ROLES)
def share_par(public_id: str) -> Page:
    def move(a: Application, f: ParForm) -> None:
        assessment.share_par(a, f.par_text.data or "", seen_version(f))

    return act(
        load(public_id),
        "par",
        ParForm(),
        move,
        _("Report shared. The applicants have 10 working days to comment."),
        _("The report can only be shared in Stage Two, before the panel is booked."),
        "report",
    )


# ---------------------------------------------------------------------------------------------------
# Panel and decision


@bp.post("/<public_id>/panel")
@staff_with(APPLICATION_ROLES)
def book_panel(public_id: str) -> Page:
    def move(a: Application, f: PanelForm) -> None:
        assessment.book_panel(a, f.panel_date.data, today_london(), seen_version(f))

    return act(
        load(public_id),
        "panel",
        PanelForm(),
        move,
        _("Panel booked. The applicants can see the date."),
        _("The panel can only be booked in Stage Two."),
        "panel",
    )


@bp.post("/<public_id>/panel-recommendation")
@staff_with(APPLICATION_ROLES)
def record_panel_recommendation(public_id: str) -> Page:
    def move(a: Application, f: PanelRecommendationForm) -> None:
        assessment.record_panel_recommendation(a, f.panel_recommendation.data == "approve", seen_version(f))

    return act(
        load(public_id),
        "panel_recommendation",
        PanelRecommendationForm(),
        move,
        _("Panel recommendation recorded."),
        _("The panel's recommendation can only be recorded once a panel is booked."),
        "panel",
    )


@bp.post("/<public_id>/decision")
@staff_with(APPLICATION_ROLES)
def record_decision(public_id: str) -> Page:
    application = load(public_id)
    _manager_only()

    def move(a: Application, f: DecisionForm) -> None:
        approve = f.decision.data == "approve"
        assessment.record_decision(a, current_user, approve, f.decision_reasons.data or "", seen_version(f))

    return act(
        application,
        "decision",
        DecisionForm(),
        move,
        _("Decision recorded. The applicants have been told."),
        _("The decision can only be recorded after the panel."),
        "agency-decision",
    )


# ---------------------------------------------------------------------------------------------------
# Messages and documents


@bp.post("/<public_id>/messages")
@staff_with(APPLICATION_ROLES)
def send_message(public_id: str) -> Page:
    # No version check: a message adds to the thread and changes nothing anyone else is editing.
    def move(a: Application, f: MessageForm) -> None:
        rules.send_staff_message(a, current_user, f.message.data or "")

    return act(
        load(public_id),
        "message",
        MessageForm(),
        move,
        _("Message sent."),
        _("Messages cannot be sent on this application."),
        "messages",
    )


@bp.get("/<public_id>/documents/<document_id>")
@staff_with(APPLICATION_ROLES)
def download_document(public_id: str, document_id: str) -> Response:
    application = load(public_id)
    document = next((d for d in application.documents if d.public_id == document_id), None)
    if document is None:
        abort(404)
    audit.record("document_downloaded", "application", application.public_id, document=document.public_id)
    return send_file(
        BytesIO(document.data),
        mimetype=document.content_type,
        as_attachment=True,
        download_name=document.filename,
        max_age=0,
    )
