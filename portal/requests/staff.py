"""The staff side of requests: the queue, triage, allocation, contact, messages and closing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response

from portal.accounts.models import StaffRole, StaffUser
from portal.accounts.rules import scope_of
from portal.adopting.presenters import language_name, needs_lines
from portal.core import audit
from portal.core.access import staff_with
from portal.core.db import db
from portal.core.forms import page_number
from portal.core.timescales import today_london
from portal.requests import rules
from portal.requests.models import RequestKind, RequestStatus, ServiceRequest
from portal.requests.presenters import (
    CONTACT_LABELS,
    KIND_LABELS,
    SAFE_CONTACT_LABELS,
    STATUS_LABELS,
    label,
    request_data,
    rows,
)
from portal.requests.staff_forms import (
    AllocateForm,
    CloseRequestForm,
    DeclineForm,
    FirstContactForm,
    NextStepForm,
    SignpostForm,
    StaffMessageForm,
)

bp = Blueprint("requests_staff", __name__, url_prefix="/staff/requests")

PER_PAGE = 50
REQUEST_ROLES = [
    StaffRole.BIRTH_RELATIVE_WORKER,
    StaffRole.LETTERBOX_COORDINATOR,
    StaffRole.TEAM_MANAGER,
    StaffRole.DUTY_WORKER,
]
# Who can be given a request to work on (duty workers triage but do not hold the work).
WORKER_ROLES = [StaffRole.BIRTH_RELATIVE_WORKER, StaffRole.LETTERBOX_COORDINATOR, StaffRole.TEAM_MANAGER]
STATUS_FILTERS = [rules.OPEN, *[s.value for s in RequestStatus], "all"]


@bp.get("/")
@staff_with(REQUEST_ROLES)
def list_requests() -> str:
    kind = request.args.get("kind") or None
    kind = kind if kind in {k.value for k in RequestKind} else None
    status = request.args.get("status", rules.OPEN)
    status = status if status in STATUS_FILTERS else rules.OPEN
    page = page_number()
    found, total = rules.queue(kind, status, scope_of(current_user), today_london(), page, PER_PAGE)
    audit.record("request_queue_viewed", "request_queue", "all", kind=kind or "", status=status)
    return render_template(
        "requests/staff-requests.html",
        rows=found,
        total=total,
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
        kind=kind,
        status=status,
        kind_labels={k.value: v for k, v in KIND_LABELS.items()},
        status_labels={s.value: v for s, v in STATUS_LABELS.items()},
    )


def _load(public_id: str) -> ServiceRequest:
    found = rules.find_for_staff(public_id, scope_of(current_user))
    if found is None:
        abort(404)
    return found


def _staff_names(ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {s.id: s.name for s in db.session.scalars(select(StaffUser).where(StaffUser.id.in_(wanted)))}


def _safe_contact(found: ServiceRequest) -> list[str]:
    """What staff must read before contacting this person, one line each."""
    lines = [label(SAFE_CONTACT_LABELS, s) for s in found.safe_contact or []]
    if found.safe_times:
        lines.append(_("Safe times to contact: %(times)s", times=found.safe_times))
    return lines


def _render(found: ServiceRequest, status: int = 200, problem: str | None = None, **forms: FlaskForm) -> tuple[str, int]:
    allocate = forms.get("allocate") or AllocateForm(formdata=None)
    people = rules.workers(WORKER_ROLES, found.authority_id)
    allocate.set_workers(people)
    if "allocate" not in forms and found.worker_id is not None:
        allocate.worker.data = next((p.public_id for p in people if p.id == found.worker_id), None)
    timeline = audit.events_for("service_request", found.public_id)
    names = _staff_names({e.staff_id for e in timeline} | {m.staff_id for m in found.messages} | {found.worker_id})
    worker_public_ids = {p.public_id: p.name for p in people}
    methods = [label(CONTACT_LABELS, m) for m in found.contact_methods or []]
    return (
        render_template(
            "requests/staff-request.html",
            req=found,
            problem=problem,
            allocate=allocate,
            signpost=forms.get("signpost") or SignpostForm(formdata=None),
            decline=forms.get("decline") or DeclineForm(formdata=None),
            first_contact=forms.get("first_contact") or FirstContactForm(formdata=None),
            next_step=forms.get("next_step") or NextStepForm(formdata=None, next_step=found.next_step),
            close=forms.get("close") or CloseRequestForm(formdata=None),
            message=forms.get("message") or StaffMessageForm(formdata=None),
            rows=rows(request_data(found), found.kind, found.authority),
            kind_label=label(KIND_LABELS, found.kind),
            status_label=label(STATUS_LABELS, found.status),
            safe_contact=_safe_contact(found),
            contact_methods=methods,
            email_allowed=not found.contact_methods or "email" in found.contact_methods,
            needs=needs_lines(found.communication_needs or [], found.interpreter_language, found.communication_other),
            language=language_name(found.preferred_language, ""),
            clock=rules.clock_for(found, today_london()),
            worker=names.get(found.worker_id) if found.worker_id else None,
            names=names,
            worker_names={**worker_public_ids, **_event_workers(timeline)},
            timeline=timeline,
            closed=found.status in rules.CLOSED,
        ),
        status,
    )


def _event_workers(timeline: list[audit.AuditEvent]) -> dict[str, str]:
    # Allocation events name the worker by public id; a worker who has since left the list of
    # candidates still needs a name in the history.
    wanted = {e.detail.get("worker") for e in timeline if e.detail and e.detail.get("worker")}
    if not wanted:
        return {}
    return {s.public_id: s.name for s in db.session.scalars(select(StaffUser).where(StaffUser.public_id.in_(wanted)))}


@bp.get("/<public_id>")
@staff_with(REQUEST_ROLES)
def view_request(public_id: str) -> tuple[str, int]:
    found = _load(public_id)
    audit.record("request_viewed", "service_request", found.public_id)
    return _render(found)


def _seen_version(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _act(
    public_id: str,
    name: str,
    form: FlaskForm,
    move: Callable[[ServiceRequest, Any], None],
    done: str,
    illegal: str,
) -> tuple[str, int] | Response:
    """Run one staff move: check the form, make the move, and redirect; or show the page again
    with what was typed and what went wrong (400 for the form, 409 for a clash or a wrong state)."""
    found = _load(public_id)
    if not form.validate_on_submit():
        return _render(found, 400, **{name: form})
    try:
        move(found, form)
    except rules.StaleEdit:
        stale = _("Someone else changed this request while you were working on it. Check it and try again: what you typed is still here.")
        # Keep what they typed, but against the version they have now been shown.
        if hasattr(form, "version"):
            form.version.data = str(found.version)
        return _render(found, 409, problem=stale, **{name: form})
    except rules.IllegalMove:
        return _render(found, 409, problem=illegal, **{name: form})
    flash(done, "success")
    return redirect(url_for("requests_staff.view_request", public_id=public_id))


@bp.post("/<public_id>/allocate")
@staff_with(REQUEST_ROLES)
def allocate_request(public_id: str) -> tuple[str, int] | Response:
    found = _load(public_id)
    form = AllocateForm()
    people = {p.public_id: p for p in rules.workers(WORKER_ROLES, found.authority_id)}
    form.set_workers(list(people.values()))

    def move(r: ServiceRequest, f: AllocateForm) -> None:
        rules.allocate(r, people[f.worker.data], _seen_version(f.version.data))

    return _act(
        public_id, "allocate", form, move, _("Worker allocated."), _("This request is closed, so it cannot be allocated.")
    )


@bp.post("/<public_id>/signpost")
@staff_with(REQUEST_ROLES)
def signpost_request(public_id: str) -> tuple[str, int] | Response:
    def move(r: ServiceRequest, f: SignpostForm) -> None:
        rules.signpost(r, f.signpost_reason.data or "", _seen_version(f.version.data))

    return _act(
        public_id,
        "signpost",
        SignpostForm(),
        move,
        _("Request closed: the person has been signposted elsewhere."),
        _("Only a new request can be signposted elsewhere. This one has been accepted or closed already."),
    )


@bp.post("/<public_id>/decline")
@staff_with(REQUEST_ROLES)
def decline_request(public_id: str) -> tuple[str, int] | Response:
    def move(r: ServiceRequest, f: DeclineForm) -> None:
        rules.decline(r, f.decline_reason.data or "", _seen_version(f.version.data))

    return _act(
        public_id,
        "decline",
        DeclineForm(),
        move,
        _("Request declined."),
        _("Only a new request can be declined. This one has been accepted or closed already."),
    )


@bp.post("/<public_id>/first-contact")
@staff_with(REQUEST_ROLES)
def record_first_contact(public_id: str) -> tuple[str, int] | Response:
    def move(r: ServiceRequest, f: FirstContactForm) -> None:
        rules.record_first_contact(r, _seen_version(f.version.data))

    return _act(
        public_id,
        "first_contact",
        FirstContactForm(),
        move,
        _("First contact recorded."),
        _("First contact can only be recorded once, after a worker has been allocated."),
    )


@bp.post("/<public_id>/next-step")
@staff_with(REQUEST_ROLES)
def set_next_step(public_id: str) -> tuple[str, int] | Response:
    def move(r: ServiceRequest, f: NextStepForm) -> None:
        rules.set_next_step(r, f.next_step.data or "", _seen_version(f.version.data))

    return _act(
        public_id,
        "next_step",
        NextStepForm(),
        move,
        _("Next step saved. The person will see it on their tracking page."),
        _("This request is closed, so its next step cannot be changed."),
    )


@bp.post("/<public_id>/close")
@staff_with(REQUEST_ROLES)
def close_request(public_id: str) -> tuple[str, int] | Response:
    def move(r: ServiceRequest, f: CloseRequestForm) -> None:
        rules.close(r, f.close_reason.data or "", _seen_version(f.version.data))

    return _act(
        public_id,
        "close",
        CloseRequestForm(),
        move,
        _("Request closed."),
        _("Only a request with a worker can be closed this way. A new request is signposted or declined instead."),
    )


@bp.post("/<public_id>/messages")
@staff_with(REQUEST_ROLES)
def send_message(public_id: str) -> tuple[str, int] | Response:
    # No version check: a message adds to the thread and changes nothing anyone else is editing.
    def move(r: ServiceRequest, f: StaffMessageForm) -> None:
        rules.send_staff_message(r, current_user, f.message.data or "")

    return _act(
        public_id,
        "message",
        StaffMessageForm(),
        move,
        _("Message sent."),
        _("This person made the request without an account, so they cannot read messages here. Contact them in the ways they said are safe."),
    )
