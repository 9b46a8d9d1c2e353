"""The applicants' side after the registration: where they are, Stage One tasks, the break, Stage
Two, the report to comment on, secure messages and withdrawing.

Every page works on the signed-in person's current application, found through their own applicant
record, so nobody can reach someone else's by knowing an id. A move the application's state does not
allow (it moved on in another tab, or staff acted meanwhile) becomes a message, never an error page.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import undefer
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from portal.accounts.models import StaffUser
from portal.adopting import application_models  # noqa: F401  (the tables exist wherever the blueprint does)
from portal.adopting import application_clocks as clocks
from portal.adopting import application_rules as rules
from portal.adopting import assessment_rules as assessment
from portal.adopting.application_forms import (
    CONSENT_TEXTS,
    UPLOAD_MESSAGES,
    ApplicationMessageForm,
    CommentsForm,
    ConsentForm,
    ContinueForm,
    DocumentForm,
    EmployerForm,
    NextStageForm,
    PartnersForm,
    RefereesForm,
    WithdrawForm,
)
from portal.adopting.application_models import (
    Applicant,
    Application,
    ApplicationDocument,
    ApplicationStatus,
    CheckKind,
    CheckStatus,
    DocumentKind,
    TrainingCourse,
)
from portal.adopting.application_presenters import (
    CHECK_KIND_LABELS,
    CHECK_STATUS_LABELS,
    CLOCK_LABELS,
    DOCUMENT_KIND_LABELS,
    STATUS_LABELS,
    steps_of,
    tasks_for,
    works_with_children,
)
from portal.core.access import account
from portal.core.db import db
from portal.core.forms import ButtonForm
from portal.core.timescales import today_london
from portal.core.uploads import UploadRejected

S = ApplicationStatus
bp = Blueprint("application_public", __name__, url_prefix="/my-application")

VIEW = "application_public.view_application"
NOT_NOW = _l("You cannot do that at this stage of your application.")
MOVED_ON = _l("Your application has moved on, so that could not be done. This page shows where it is now.")
CHANGED = _l("Your application was changed by someone else at the same time. Check it and try again.")
REFUSALS = {
    "already_requested": _l("We have already started contacting these people, so they cannot be changed here. Send your social worker a message if something needs to change."),
    "course_full": _l("That training date is full. Choose another date."),
    "course_closed": _l("That training date is no longer open for booking. Choose another date."),
    "cannot_cancel": _l("That booking cannot be cancelled here. Send your social worker a message."),
    "break_too_long": _l("A break can last up to 6 months from the end of Stage One."),
    "comments_closed": _l("The time to comment on your report has passed."),
}


class _GoBack(Exception):
    """Leave the page for another, with a message: the page is not for this person or not now."""

    def __init__(self, endpoint: str, message: Any = None) -> None:
        super().__init__(endpoint)
        self.endpoint = endpoint
        self.message = message


@bp.errorhandler(_GoBack)
def _go_back(exc: _GoBack) -> Response:
    if exc.message is not None:
        flash(str(exc.message), "important")
    return redirect(url_for(exc.endpoint))


@bp.errorhandler(rules.IllegalMove)
@bp.errorhandler(rules.NotAllowed)
@bp.errorhandler(StaleDataError)
def _refused(exc: Exception) -> Response:
    # Nothing half-done is kept: the request commits only what a successful move wrote.
    db.session.rollback()
    if isinstance(exc, rules.NotAllowed):
        # The application is where it was: back to the page, which shows why.
        flash(str(REFUSALS.get(exc.reason, NOT_NOW)), "important")
        back = "application_public.book_training" if request.endpoint == "application_public.cancel_training" else request.endpoint
        return redirect(url_for(back or VIEW))
    flash(str(CHANGED if isinstance(exc, StaleDataError) else MOVED_ON), "important")
    return redirect(url_for(VIEW))


def _mine() -> tuple[Application, Applicant] | None:
    application = rules.current_application(current_user)
    if application is None:
        return None
    applicant = rules.applicant_of(current_user, application)
    return (application, applicant) if applicant is not None else None


def _in(statuses: Collection[ApplicationStatus]) -> tuple[Application, Applicant]:
    """The person's application, if it is in one of these states; otherwise back to their page."""
    found = _mine()
    if found is None:
        raise _GoBack(VIEW)
    if found[0].status == S.DRAFT:
        raise _GoBack("registration_public.task_list")
    if found[0].status not in statuses:
        raise _GoBack(VIEW, NOT_NOW)
    return found


def _done(message: Any, endpoint: str = VIEW) -> Response:
    # Written now, inside the view, so a clash with a change made elsewhere is caught here.
    db.session.flush()
    flash(str(message), "success")
    return redirect(url_for(endpoint))


def _checks(application: Application, applicant: Applicant, kind: CheckKind) -> list[Any]:
    return [c for c in application.checks if c.applicant_id == applicant.id and c.kind == kind]


def _locked(checks: list[Any]) -> bool:
    return any(c.status != CheckStatus.NOT_REQUESTED for c in checks)


# ---------------------------------------------------------------------------------------------------
# My application


def _staff_names(application: Application) -> dict[int, str]:
    ids = {m.staff_id for m in application.messages if m.staff_id} | ({application.worker_id} - {None})
    if not ids:
        return {}
    rows = db.session.execute(select(StaffUser.id, StaffUser.name).where(StaffUser.id.in_(ids)))
    return {staff_id: name for staff_id, name in rows}


@bp.get("/")
@account
def view_application() -> str | Response:
    found = _mine()
    if found is None:
        return render_template("adopting/application-none.html")
    application, applicant = found
    if application.status == S.DRAFT:
        return redirect(url_for("registration_public.task_list"))
    today = today_london()
    return render_template(
        "adopting/application-view.html",
        application=application,
        applicant=applicant,
        status_label=STATUS_LABELS[application.status],
        steps=steps_of(application),
        tasks=tasks_for(application, applicant),
        clocks=clocks.clocks_of(application, today),
        clock_labels=CLOCK_LABELS,
        worker=_staff_names(application).get(application.worker_id or 0),
        document_labels=DOCUMENT_KIND_LABELS,
        my_checks=[c for c in application.checks if c.applicant_id == applicant.id],
        check_kind_labels=CHECK_KIND_LABELS,
        check_status_labels=CHECK_STATUS_LABELS,
        is_open=application.status not in rules.FINAL,
    )


# ---------------------------------------------------------------------------------------------------
# Stage One tasks


@bp.route("/consent", methods=["GET", "POST"])
@account
def give_consent() -> str | Response:
    _, applicant = _in({S.STAGE_ONE})
    paragraphs = CONSENT_TEXTS[assessment.CONSENT_VERSION]
    form = ConsentForm()
    if applicant.consent_at is None and form.validate_on_submit():
        assessment.give_consent(applicant, "\n\n".join(str(p) for p in paragraphs))
        return _done(_l("Thank you. Your consent to the checks has been recorded."))
    return render_template("adopting/application-consent.html", form=form, applicant=applicant, paragraphs=paragraphs)


@bp.route("/referees", methods=["GET", "POST"])
@account
def name_referees() -> str | Response:
    application, applicant = _in({S.STAGE_ONE})
    current = _checks(application, applicant, CheckKind.REFERENCE)
    form = RefereesForm(data=RefereesForm.data_from([c.details for c in current]))
    if not _locked(current) and form.validate_on_submit():
        assessment.save_referees(applicant, form.referees())
        return _done(_l("Your referees have been saved."))
    return render_template(
        "adopting/application-referees.html",
        form=form,
        referees=current,
        locked=_locked(current),
        status_labels=CHECK_STATUS_LABELS,
    )


@bp.route("/previous-partners", methods=["GET", "POST"])
@account
def previous_partners() -> str | Response:
    application, applicant = _in({S.STAGE_ONE})
    current = _checks(application, applicant, CheckKind.PREVIOUS_PARTNER)
    data: dict[str, Any] = {}
    if current:
        data["had_partner"] = "yes"
        for number, check in enumerate(current, start=1):
            data[f"partner_{number}_name"] = check.details.get("name", "")
            data[f"partner_{number}_contact"] = check.details.get("contact", "")
    elif applicant.stage_one_answers.get("previous_partners_done"):
        data["had_partner"] = "no"
    form = PartnersForm(data=data)
    if not _locked(current) and form.validate_on_submit():
        assessment.save_previous_partners(applicant, form.partners())
        return _done(_l("Your answer about previous partners has been saved."))
    return render_template("adopting/application-previous-partners.html", form=form, locked=_locked(current))


@bp.route("/employer", methods=["GET", "POST"])
@account
def employer() -> str | Response:
    application, applicant = _in({S.STAGE_ONE})
    if not works_with_children(applicant):
        raise _GoBack(VIEW, _l("You told us you do not work with children, so we do not need your employer's details."))
    current = _checks(application, applicant, CheckKind.EMPLOYER)
    details = current[0].details if current else {}
    form = EmployerForm(data={"employer_name": details.get("name", ""), "employer_contact": details.get("contact", "")})
    if not _locked(current) and form.validate_on_submit():
        assessment.save_employer(applicant, {"name": form.employer_name.data, "contact": form.employer_contact.data})
        return _done(_l("Your employer's details have been saved."))
    return render_template("adopting/application-employer.html", form=form, locked=_locked(current))


TRAINING = {S.STAGE_ONE, S.STAGE_TWO}


@bp.route("/training", methods=["GET", "POST"])
@account
def book_training() -> str | Response:
    application, _ = _in(TRAINING)
    form = ButtonForm()
    if form.validate_on_submit():
        course = db.session.scalar(
            select(TrainingCourse).where(TrainingCourse.public_id == str(request.form.get("course", ""))[:32])
        )
        if course is None:
            abort(404)
        try:
            assessment.book_training(application, course)
            return _done(_l("Your place has been booked."), "application_public.book_training")
        except IntegrityError:
            # The same booking sent twice at once: the first one stands.
            db.session.rollback()
            return redirect(url_for("application_public.book_training"))
    booked = {b.course_id: b for b in application.bookings}
    return render_template(
        "adopting/application-training.html",
        form=form,
        courses=[(c, assessment.places_left(c), c.id in booked) for c in assessment.open_courses(today_london())],
        bookings=sorted(application.bookings, key=lambda b: b.course.starts_at),
    )


@bp.post("/training/<public_id>/cancel")
@account
def cancel_training(public_id: str) -> Response:
    application, _ = _in(TRAINING)
    booking = next((b for b in application.bookings if b.course.public_id == public_id), None)
    if booking is None:
        abort(404)
    assessment.cancel_booking(application, booking)
    return _done(_l("Your booking has been cancelled."), "application_public.book_training")


@bp.route("/documents", methods=["GET", "POST"])
@account
def upload_documents() -> str | Response:
    application, applicant = _in({S.STAGE_ONE})
    form = DocumentForm()
    if form.validate_on_submit():
        try:
            assessment.add_document(applicant, DocumentKind(form.kind.data), form.document.data.read(), form.document.data.filename)
            return _done(_l("Your document has been uploaded."), "application_public.upload_documents")
        except UploadRejected as exc:
            form.document.errors = [str(UPLOAD_MESSAGES.get(exc.reason, UPLOAD_MESSAGES["damaged"]))]
    return render_template(
        "adopting/application-documents.html",
        form=form,
        documents=application.documents,
        document_labels=DOCUMENT_KIND_LABELS,
    )


@bp.get("/documents/<public_id>")
@account
def download_document(public_id: str) -> Response:
    document = db.session.scalar(
        select(ApplicationDocument)
        .join(Application, ApplicationDocument.application_id == Application.id)
        .join(Applicant, Applicant.application_id == Application.id)
        .where(ApplicationDocument.public_id == public_id, Applicant.public_user_id == current_user.id)
        .options(undefer(ApplicationDocument.data))
    )
    if document is None:
        abort(404)
    response = Response(document.data, mimetype=document.content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------------------------------------------
# Between the stages


@bp.route("/next-stage", methods=["GET", "POST"])
@account
def choose_next_stage() -> str | Response:
    application, _ = _in({S.STAGE_ONE_DONE, S.ON_BREAK})
    today = today_london()
    latest = clocks.latest_break_end(application)
    if application.status == S.ON_BREAK:
        resume = ContinueForm()
        if resume.validate_on_submit():
            assessment.continue_to_stage_two(application)
            return _done(_l("Thank you. Stage Two has started."))
        return render_template("adopting/application-next-stage.html", form=resume, application=application, latest=latest)
    form = NextStageForm()
    valid = form.validate_on_submit()
    if valid and form.check_until(today, latest):
        if form.choice.data == "continue":
            assessment.continue_to_stage_two(application)
            return _done(_l("Thank you. Stage Two has started."))
        assessment.take_break(application, form.until.data, today)
        return _done(_l("Your break has been recorded. Tell us when you are ready to go on to Stage Two."))
    return render_template("adopting/application-next-stage.html", form=form, application=application, latest=latest)


# ---------------------------------------------------------------------------------------------------
# Stage Two: the report


@bp.route("/report", methods=["GET", "POST"])
@account
def comment_on_report() -> str | Response:
    application, applicant = _in({S.STAGE_TWO, S.AT_PANEL, S.APPROVED, S.NOT_APPROVED, S.WITHDRAWN})
    if application.par_shared_at is None:
        raise _GoBack(VIEW, _l("Your report has not been shared with you yet."))
    today = today_london()
    due = clocks.par_comments_due(application)
    can_comment = application.status == S.STAGE_TWO and due is not None and today <= due
    form = CommentsForm(data={"comments": application.par_comments})
    if request.method == "POST" and not can_comment:
        raise _GoBack("application_public.comment_on_report", REFUSALS["comments_closed"])
    if form.validate_on_submit():
        assessment.comment_on_par(application, applicant, form.comments.data, today)
        return _done(_l("Your comments have been sent."), "application_public.comment_on_report")
    return render_template(
        "adopting/application-report.html", form=form, application=application, due=due, can_comment=can_comment
    )


# ---------------------------------------------------------------------------------------------------
# Messages and withdrawing


@bp.route("/messages", methods=["GET", "POST"])
@account
def application_messages() -> str | Response:
    application, applicant = _in(set(S) - {S.DRAFT})
    is_open = application.status not in rules.FINAL
    form = ApplicationMessageForm()
    if request.method == "POST" and not is_open:
        raise _GoBack("application_public.application_messages", _l("Your application has ended, so your message was not sent."))
    if form.validate_on_submit():
        rules.send_applicant_message(application, applicant, form.body.data)
        return _done(_l("Your message has been sent."), "application_public.application_messages")
    return render_template(
        "adopting/application-messages.html",
        form=form,
        application=application,
        applicant=applicant,
        is_open=is_open,
        staff_names=_staff_names(application),
    )


@bp.route("/withdraw", methods=["GET", "POST"])
@account
def withdraw_application() -> str | Response:
    found = _mine()
    if found is None:
        raise _GoBack(VIEW)
    application, applicant = found
    if application.status in rules.FINAL:
        raise _GoBack(VIEW, _l("Your application has already ended."))
    draft = application.status == S.DRAFT
    form = WithdrawForm()
    if form.validate_on_submit():
        rules.withdraw(application, applicant, form.reason.data or "")
        return _done(_l("Your registration has been cancelled.") if draft else _l("Your application has been withdrawn."))
    return render_template("adopting/application-withdraw.html", form=form, draft=draft)
