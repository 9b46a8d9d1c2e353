"""Staff side of enquiries: the queue, one enquiry, recording a response and closing it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.accounts.models import StaffRole
from portal.accounts.rules import scope_of
from portal.adopting import rules
from portal.adopting.forms import RESPONSE_LABELS, CloseEnquiryForm, RecordResponseForm
from portal.adopting.models import AdoptionType, EnquiryStatus
from portal.adopting.presenters import (
    answer_rows,
    enquiry_data,
    enquiry_needs,
    language_name,
)
from portal.agency.rules import financial_year, get_agency, list_authorities
from portal.core import audit
from portal.core.access import staff_with
from portal.core.audit import events_for
from portal.core.forms import page_number
from portal.core.timescales import today_london

bp = Blueprint("adopting_staff", __name__, url_prefix="/staff/enquiries")

PER_PAGE = 50
ENQUIRY_ROLES = [StaffRole.DUTY_WORKER, StaffRole.ASSESSMENT_WORKER, StaffRole.TEAM_MANAGER]


def _target_days() -> int:
    agency = get_agency()
    return agency.enquiry_response_days if agency else rules.DEFAULT_RESPONSE_DAYS


@bp.get("/")
@staff_with(ENQUIRY_ROLES)
def list_enquiries() -> str:
    scope = scope_of(current_user)
    authorities = [a for a in list_authorities() if scope is None or a.id == scope]
    slugs = {a.slug for a in authorities} | {rules.ELSEWHERE}
    authority = request.args.get("authority") or None
    authority = authority if authority in slugs else None
    status = request.args.get("status", "open")
    if status not in {"open", "all"} | {s.value for s in EnquiryStatus}:
        status = "open"
    page = page_number()
    today = today_london()
    rows, total = rules.queue(authority, status, today, _target_days(), page, PER_PAGE, scope=scope)
    year = financial_year(today)
    audit.record("enquiry_queue_viewed", "enquiry_queue", "all", authority=authority or "", status=status)
    return render_template(
        "adopting/staff-enquiries.html",
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
        authorities=authorities,
        authority=authority,
        status=status,
        caps=rules.step_parent_cap_use(year),
        editable_caps={
            a.slug
            for a in authorities
            if current_user.has_role(StaffRole.TEAM_MANAGER, StaffRole.ADMINISTRATOR)
        },
        year=year,
        target_days=_target_days(),
    )


def _load(public_id: str) -> rules.Enquiry:
    enquiry = rules.find_enquiry(public_id, scope_of(current_user))
    if enquiry is None:
        abort(404)
    return enquiry


def _render_enquiry(
    enquiry: rules.Enquiry,
    respond: RecordResponseForm | None = None,
    close: CloseEnquiryForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    respond = respond or RecordResponseForm(formdata=None, version=str(enquiry.version))
    respond.set_kinds(enquiry.adoption_type == AdoptionType.STEP_PARENT)
    close = close or CloseEnquiryForm(formdata=None, version=str(enquiry.version))
    return (
        render_template(
            "adopting/staff-enquiry.html",
            enquiry=enquiry,
            respond=respond,
            close=close,
            timeline=events_for("enquiry", enquiry.public_id),
            rows=answer_rows(enquiry_data(enquiry), enquiry.authority),
            needs=enquiry_needs(enquiry),
            language=language_name(enquiry.preferred_language, enquiry.preferred_language_other),
            response_labels={k.value: v for k, v in RESPONSE_LABELS.items()},
        ),
        status,
    )


@bp.get("/<public_id>")
@staff_with(ENQUIRY_ROLES)
def view_enquiry(public_id: str) -> tuple[str, int]:
    enquiry = _load(public_id)
    audit.record("enquiry_viewed", "enquiry", enquiry.public_id)
    return _render_enquiry(enquiry)


def _seen_version(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@bp.post("/<public_id>/responses")
@staff_with(ENQUIRY_ROLES)
def record_response(public_id: str) -> tuple[str, int] | Response:
    enquiry = _load(public_id)
    form = RecordResponseForm()
    form.set_kinds(enquiry.adoption_type == AdoptionType.STEP_PARENT)
    if not form.validate_on_submit():
        return _render_enquiry(enquiry, respond=form, status=400)
    try:
        rules.record_response(
            enquiry, form.kinds.data, form.note.data or "", current_user.staff_id, _seen_version(form.version.data)
        )
    except rules.StaleEdit:
        form.kinds.errors = [_("Someone else changed this enquiry while you were working on it. Check it and try again.")]
        return _render_enquiry(rules.find_enquiry(public_id, scope_of(current_user)) or enquiry, respond=form, status=409)
    except rules.NoPlacesLeft:
        form.kinds.errors = [_("Every step-parent assessment place for this year has been given.")]
        return _render_enquiry(enquiry, respond=form, status=409)
    except rules.IllegalMove:
        form.kinds.errors = [_("This enquiry is closed, so no more responses can be recorded.")]
        return _render_enquiry(enquiry, respond=form, status=409)
    flash(_("Response recorded."), "success")
    return redirect(url_for("adopting_staff.view_enquiry", public_id=public_id))


@bp.post("/<public_id>/close")
@staff_with(ENQUIRY_ROLES)
def close_enquiry(public_id: str) -> tuple[str, int] | Response:
    enquiry = _load(public_id)
    form = CloseEnquiryForm()
    if not form.validate_on_submit():
        return _render_enquiry(enquiry, close=form, status=400)
    try:
        rules.close_enquiry(enquiry, _seen_version(form.version.data))
    except (rules.StaleEdit, rules.IllegalMove):
        flash(_("This enquiry was changed or closed by someone else. Check it before you close it."), "error")
        return redirect(url_for("adopting_staff.view_enquiry", public_id=public_id))
    flash(_("Enquiry closed."), "success")
    return redirect(url_for("adopting_staff.list_enquiries"))
