"""Preparation training dates the agency publishes, and who booked them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from portal.accounts.rules import scope_of
from portal.adopting import application_models  # noqa: F401  (the tables exist wherever the blueprint does)
from portal.adopting import assessment_rules as assessment
from portal.adopting.application_models import Application, TrainingBooking, TrainingCourse
from portal.adopting.roles import TRAINING_ROLES
from portal.adopting.training_forms import CancelCourseForm, CourseForm
from portal.core import audit
from portal.core.access import staff_with
from portal.core.db import db, utcnow
from portal.core.timescales import LONDON, today_london

bp = Blueprint("training_staff", __name__, url_prefix="/staff/training")

# Past courses only matter for recording attendance, so the list stops at the most recent ones.
PAST_SHOWN = 50


@dataclass(frozen=True)
class CourseRow:
    course: TrainingCourse
    booked: int


@dataclass(frozen=True)
class BookingRow:
    reference: str
    application_public_id: str
    attended: bool | None


def _start_of_today() -> datetime:
    return datetime.combine(today_london(), time.min, tzinfo=LONDON).astimezone(UTC)


def _with_counts(courses: list[TrainingCourse]) -> list[CourseRow]:
    ids = [c.id for c in courses]
    counts: dict[int, int] = {}
    if ids:
        query = (
            select(TrainingBooking.course_id, func.count())
            .where(TrainingBooking.course_id.in_(ids))
            .group_by(TrainingBooking.course_id)
        )
        counts = {course_id: booked for course_id, booked in db.session.execute(query)}
    return [CourseRow(c, counts.get(c.id, 0)) for c in courses]


@bp.get("/")
@staff_with(TRAINING_ROLES)
def list_courses() -> str:
    start = _start_of_today()
    upcoming = list(
        db.session.scalars(
            select(TrainingCourse).where(TrainingCourse.starts_at >= start).order_by(TrainingCourse.starts_at)
        )
    )
    past = list(
        db.session.scalars(
            select(TrainingCourse)
            .where(TrainingCourse.starts_at < start)
            .order_by(TrainingCourse.starts_at.desc())
            .limit(PAST_SHOWN)
        )
    )
    rows = _with_counts(upcoming + past)
    audit.record("training_courses_viewed", "training_course", "all")
    return render_template(
        "adopting/staff-training-courses.html",
        upcoming=rows[: len(upcoming)],
        past=rows[len(upcoming) :],
        past_shown=PAST_SHOWN,
    )


@bp.route("/new", methods=["GET", "POST"])
@staff_with(TRAINING_ROLES)
def add_course() -> tuple[str, int] | Response:
    form = CourseForm(today=today_london())
    if form.validate_on_submit():
        course = assessment.add_course(form.title.data or "", form.starts_at(), form.venue.data or "", int(form.places.data or 0))
        flash(_("Training date added."), "success")
        return redirect(url_for("training_staff.view_course", public_id=course.public_id))
    status = 400 if form.errors else 200
    return render_template("adopting/staff-training-add.html", form=form), status


def _load(public_id: str) -> TrainingCourse:
    course = db.session.scalar(select(TrainingCourse).where(TrainingCourse.public_id == public_id))
    if course is None:
        abort(404)
    return course


@bp.get("/<public_id>")
@staff_with(TRAINING_ROLES)
def view_course(public_id: str) -> str:
    course = _load(public_id)
    query = (
        select(TrainingBooking.attended, Application.reference, Application.public_id, Application.authority_id)
        .join(Application, Application.id == TrainingBooking.application_id)
        .where(TrainingBooking.course_id == course.id)
        .order_by(TrainingBooking.booked_at, TrainingBooking.id)
    )
    bookings = list(db.session.execute(query))
    # Spoke staff see their own area's applicants only; the others are counted, not listed.
    scope = scope_of(current_user)
    shown = [
        BookingRow(reference, application_id, attended)
        for attended, reference, application_id, authority_id in bookings
        if scope is None or authority_id == scope
    ]
    audit.record("training_course_viewed", "training_course", course.public_id)
    return render_template(
        "adopting/staff-training-course.html",
        course=course,
        bookings=shown,
        booked=len(bookings),
        hidden=len(bookings) - len(shown),
        cancel=CancelCourseForm(),
        can_cancel=not course.cancelled and course.starts_at >= utcnow(),
    )


@bp.post("/<public_id>/cancel")
@staff_with(TRAINING_ROLES)
def cancel_course(public_id: str) -> Response:
    course = _load(public_id)
    if course.cancelled:
        flash(_("This training date was already cancelled."), "error")
    elif course.starts_at < utcnow():
        flash(_("This training date has already started, so it cannot be cancelled."), "error")
    else:
        assessment.cancel_course(course)
        flash(_("Training date cancelled. Tell the applicants who booked it and help them book another date."), "success")
    return redirect(url_for("training_staff.view_course", public_id=course.public_id))
