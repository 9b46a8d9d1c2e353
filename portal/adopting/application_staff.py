"""The back office for applications: the registration queue, the case, Stage One and Two, panel
and decision, messages and the timeline.

The queue, the case page (what it shows, in words) and the helpers every move shares live here;
the moves themselves, from the registration decision to the agency's decision, with messages and
downloads, are in application_staff_actions, registered on this blueprint.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import UnboundField

from portal.accounts.models import PublicUser, StaffRole, StaffUser
from portal.accounts.rules import scope_of
from portal.adopting import application_models  # noqa: F401  (the tables exist wherever the blueprint does)
from portal.adopting import application_clocks as clocks
from portal.adopting import application_rules as rules
from portal.adopting import registration_rules as registration
from portal.adopting import registration_forms
from portal.adopting.application_models import Application, ApplicationMessage
from portal.adopting.application_presenters import (
    CHECK_KIND_LABELS,
    DOCUMENT_KIND_LABELS,
    STAFF_CHECK_STATUS_LABELS,
    STAGE_LABELS,
    STATUS_LABELS,
)
from portal.adopting.application_staff_forms import (
    ACTION_LABELS,
    CLOCK_LABELS,
    RECOMMENDATION_LABELS,
    SECTION_LABELS,
    SYSTEM_ACTIONS,
    AcceptForm,
    AllocateForm,
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
    VisitForm,
    label_of,
    set_workers,
)
from portal.adopting.forms import SOURCE_LABELS
from portal.adopting.models import Enquiry
from portal.adopting.presenters import language_name, needs_lines
from portal.adopting.roles import APPLICATION_ROLES
from portal.core import audit
from portal.core.access import staff_with
from portal.core.db import db
from portal.core.forms import page_number
from portal.core.timescales import today_london

bp = Blueprint("application_staff", __name__, url_prefix="/staff/applications")

PER_PAGE = 50
S = rules.S
STATUS_FILTERS = ["open", *[s.value for s in rules.S if s != rules.S.DRAFT], "all"]
Page = tuple[str, int] | Response


@bp.get("/")
@staff_with(APPLICATION_ROLES)
def list_applications() -> str:
    status = request.args.get("status", "open")
    status = status if status in STATUS_FILTERS else "open"
    page = page_number()
    found, total = rules.queue(None if status == "open" else status, scope_of(current_user), page, PER_PAGE)
    today = today_london()
    workers = staff_names({a.worker_id for a in found})
    rows = [
        {
            "application": a,
            "names": [n for n in rules.applicant_names(a) if n],
            "status": label_of(STATUS_LABELS, a.status),
            "clock": clock,
            "clock_label": label_of(CLOCK_LABELS, clock.name) if clock else None,
            "worker": workers.get(a.worker_id) if a.worker_id else None,
        }
        for a in found
        for clock in [clocks.current_clock(a, today)]
    ]
    audit.record("application_queue_viewed", "application_queue", "all", status=status)
    return render_template(
        "adopting/staff-applications.html",
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
        status=status,
        status_labels={s.value: label for s, label in STATUS_LABELS.items() if s != rules.S.DRAFT},
    )


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@cache
def _questions(section: str) -> dict[str, tuple[Any, dict[str, Any]]]:
    """Each stored key's question, and the words for its choices, from the registration form that
    asked it (the registration side owns the questions, so they read the same here). The words are
    lazy, so one table serves every language."""
    form = registration_forms.SECTION_FORMS.get(section)
    found: dict[str, tuple[Any, dict[str, Any]]] = {}
    # Subclasses too: joint applicants answer a longer version of some sections.
    forms = [form, *form.__subclasses__()] if form is not None else []
    for name, field in ((n, getattr(f, n, None)) for f in forms for n in dir(f)):
        if isinstance(field, UnboundField):
            label = field.args[0] if field.args else field.kwargs.get("label", name)
            choices = {str(c.value): c.label for c in field.kwargs.get("choices") or [] if isinstance(c, SelectChoice)}
            found[name] = (label, choices)
    return found


def _shown(value: Any, choices: dict[str, Any]) -> str:
    if value is None or value == "" or value == []:
        return _("Not given")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return "; ".join(_shown(v, choices) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k.replace('_', ' ')}: {_shown(v, {})}" for k, v in value.items())
    text = str(value)
    if text in choices:
        return str(choices[text])
    if text in {"yes", "no"}:
        return _("Yes") if text == "yes" else _("No")
    if ISO_DATE.match(text):
        try:
            return format_date(date.fromisoformat(text), "d MMMM yyyy")
        except ValueError:
            return text  # typed text that only looks like a date
    return text


def answer_rows(section: str, answers: dict[str, Any], extra: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One section's stored answers as summary-list rows: the question asked, then the answer in
    words. ``extra`` gives words for choices only known at run time (the council areas)."""
    questions = _questions(section)
    rows = []
    for key, value in answers.items():
        label, choices = questions.get(key, (key.replace("_", " ").capitalize(), {}))
        rows.append({"key": {"text": str(label)}, "value": {"text": _shown(value, {**choices, **extra.get(key, {})})}})
    return rows


def staff_names(ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {s.id: s.name for s in db.session.scalars(select(StaffUser).where(StaffUser.id.in_(wanted)))}


def _available(application: Application, user: StaffUser, today: date) -> set[str]:
    """The actions the case page offers now: the rules' moves from this state, and the work each
    state allows. The rules refuse anything else whatever the page shows."""
    status = application.status
    moves = {move for move, table in rules.MOVES.items() if status in table}
    can = {"message"}
    if moves & {"accept", "accept_fast_track"}:
        can |= {"accept", "decline"}
    if status not in rules.FINAL:
        can.add("allocate")
    if status == S.STAGE_ONE:
        can |= {"plan", "recommend" if not application.stage_one_recommendation else "sign_off"}
    if status in {S.STAGE_ONE, S.STAGE_TWO}:
        can |= {"record_check", "attendance"}
    if status in {S.STAGE_TWO, S.AT_PANEL}:
        can.add("visits")
    if status == S.STAGE_TWO:
        can.add("share_par")
    due = clocks.par_comments_due(application)
    if "book_panel" in moves and due is not None and (application.par_commented_at is not None or today > due):
        can.add("book_panel")
    if status == S.AT_PANEL:
        can.add("panel_recommendation")
    if moves & {"approve", "not_approve"} and application.panel_recommendation:
        can.add("decision")
    if not user.has_role(StaffRole.TEAM_MANAGER):
        can -= {"sign_off", "decision"}
    return can


def _who(event: audit.AuditEvent, names: dict[int, str]) -> str:
    if event.staff_id is not None:
        return names.get(event.staff_id, _("A member of staff"))
    if event.action in SYSTEM_ACTIONS:
        return _("The portal")
    position = (event.detail or {}).get("applicant")
    return _("Applicant %(number)d", number=position) if isinstance(position, int) else _("Applicant")


def _applicant_parts(application: Application, authority: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Each applicant: what to call them, how to communicate with them, their answers and checks."""
    ids = [a.public_user_id for a in application.applicants if a.public_user_id]
    users = {u.id: u for u in db.session.scalars(select(PublicUser).where(PublicUser.id.in_(ids)))}
    parts = []
    for applicant, typed in zip(application.applicants, rules.applicant_names(application), strict=True):
        person = users.get(applicant.public_user_id or 0)
        needs = person.communication_needs or [] if person else []
        parts.append(
            {
                "applicant": applicant,
                "label": _("Applicant %(number)d", number=applicant.position),
                "name": typed,
                "needs": needs_lines(needs, person.interpreter_language, person.communication_other) if person else [],
                "language": (
                    language_name(person.preferred_language, "")
                    if person and person.preferred_language != "en"
                    else None
                ),
                "sections": [
                    (SECTION_LABELS[s], answer_rows(s, applicant.answers.get(s) or {}, authority))
                    for s in registration.APPLICANT_SECTIONS
                ],
                "checks": [
                    {
                        "check": c,
                        "kind": label_of(CHECK_KIND_LABELS, c.kind),
                        "who": str((c.details or {}).get("name", "")),
                        "status": label_of(STAFF_CHECK_STATUS_LABELS, c.status),
                    }
                    for c in application.checks
                    if c.applicant_id == applicant.id
                ],
            }
        )
    return parts


def case_context(application: Application, user: StaffUser, today: date) -> dict[str, Any]:
    """Everything the case page shows, in words: templates show, they do not decide."""
    timeline = audit.events_for("application", application.public_id)
    names = staff_names(
        {e.staff_id for e in timeline}
        | {m.staff_id for m in application.messages}
        | {application.worker_id, application.stage_one_recommended_by_id, application.stage_one_signed_off_by_id}
    )
    area = application.authority
    authority = {"authority": {area.slug: area.name}} if area else {}
    applicants = _applicant_parts(application, authority)
    by_id = {a["applicant"].id: a["label"] for a in applicants}
    enquiry = db.session.get(Enquiry, application.enquiry_id) if application.enquiry_id else None

    def sender(message: ApplicationMessage) -> str:
        if message.staff_id:
            return names.get(message.staff_id, _("A member of staff"))
        return by_id.get(message.applicant_id or 0, _("Applicant"))

    return {
        "status_label": label_of(STATUS_LABELS, application.status),
        "stage_label": label_of(STAGE_LABELS, rules.STAGE_OF[S(application.status)]),
        "names": names,
        "applicants": applicants,
        "household": [
            (SECTION_LABELS[s], answer_rows(s, application.answers.get(s) or {}, authority))
            for s in registration.HOUSEHOLD_SECTIONS
        ],
        "enquiry": enquiry,
        "enquiry_source": label_of(SOURCE_LABELS, enquiry.source) if enquiry else None,
        "clocks": [(label_of(CLOCK_LABELS, c.name), c) for c in clocks.clocks_of(application, today)],
        "documents": [
            (d, label_of(DOCUMENT_KIND_LABELS, d.kind), by_id.get(d.applicant_id or 0, "")) for d in application.documents
        ],
        "messages": [(m, sender(m)) for m in application.messages],
        "timeline": [(e, label_of(ACTION_LABELS, e.action), _who(e, names)) for e in timeline],
        "recommendation_labels": RECOMMENDATION_LABELS,
        "par_due": clocks.par_comments_due(application),
        "can": _available(application, user, today),
        "own_recommendation": application.stage_one_recommended_by_id == user.id,
    }


def load(public_id: str) -> Application:
    """The application, if this person's scope lets them see it; otherwise 404."""
    application = rules.find_for_staff(public_id, scope_of(current_user))
    if application is None:
        abort(404)
    return application


def workers_for(application: Application) -> list[StaffUser]:
    # The area's own workers and the hub's: someone from another spoke could not see the case.
    return rules.assessment_workers(application.authority_id)


def render_case(
    application: Application, status: int = 200, problem: str | None = None, **forms: FlaskForm
) -> tuple[str, int]:
    """The case page, with any form that failed shown back with its errors and what was typed."""
    people = workers_for(application)
    accept = forms.get("accept") or AcceptForm(formdata=None)
    set_workers(accept.accept_worker, people)
    if "accept" not in forms and any(p.id == current_user.id for p in people):
        accept.accept_worker.data = current_user.public_id
    allocate = forms.get("allocate") or AllocateForm(formdata=None)
    set_workers(allocate.worker, people)
    if "allocate" not in forms and application.worker_id is not None:
        allocate.worker.data = next((p.public_id for p in people if p.id == application.worker_id), None)
    plan = forms.get("plan") or PlanForm(formdata=None, stage_one_plan=application.stage_one_plan)
    check_forms = {
        c.public_id: forms.get(f"check-{c.public_id}") or RecordCheckForm(formdata=None).use_ids(c.public_id)
        for c in application.checks
    }
    context = case_context(application, current_user, today_london())
    shown = {
        "accept": accept,
        "decline": forms.get("decline") or DeclineForm(formdata=None),
        "allocate": allocate,
        "plan": plan,
        "recommend": forms.get("recommend") or RecommendForm(formdata=None),
        "sign_off": forms.get("sign_off") or SignOffForm(formdata=None),
        "visit": forms.get("visit") or VisitForm(formdata=None),
        "par": forms.get("par") or ParForm(formdata=None, par_text=application.par_text),
        "panel": forms.get("panel") or PanelForm(formdata=None, panel_date=application.panel_date),
        "panel_recommendation": forms.get("panel_recommendation") or PanelRecommendationForm(formdata=None),
        "decision": forms.get("decision") or DecisionForm(formdata=None),
        "message": forms.get("message") or MessageForm(formdata=None),
    }
    return (
        render_template(
            "adopting/staff-application.html",
            application=application,
            problem=problem,
            check_forms=check_forms,
            forms_in_error=[f for f in [*shown.values(), *check_forms.values()] if f.errors],
            **shown,
            **context,
        ),
        status,
    )


@bp.get("/<public_id>")
@staff_with(APPLICATION_ROLES)
def view_application(public_id: str) -> tuple[str, int]:
    application = load(public_id)
    audit.record("application_viewed", "application", application.public_id)
    return render_case(application)


def seen_version(form: FlaskForm) -> int:
    """The version the person was shown. A missing or garbled one can never match, so the move is
    refused as a clash rather than made without the check."""
    try:
        return int(form.version.data or "")
    except ValueError:
        return 0


STALE = "stale"


def refusals() -> dict[str, str]:
    """What to tell staff when a rule refuses a move, by the rule's reason."""
    return {
        STALE: _("Someone else changed this application. Check the latest details and try again."),
        "no_consent": _(
            "This applicant has not given their consent to the checks yet, so the check cannot be requested."
        ),
        "no_recommendation": _("There is no recommendation to sign off yet."),
        "not_a_manager": _("Only a team manager can do this."),
        "own_recommendation": _("You made this recommendation, so another team manager must sign it off."),
        "no_panel_recommendation": _("Record the panel's recommendation before the decision."),
        "no_report": _("Share the Prospective Adopter's Report before you book the panel."),
        "comments_open": _(
            "The applicants still have time to comment on their report. Book the panel when they have "
            "commented or their time has passed."
        ),
        "date_passed": _("The panel date must be today or later."),
    }


def act(
    application: Application,
    name: str,
    form: FlaskForm,
    move: Callable[[Application, Any], None],
    done: str,
    illegal: str,
    anchor: str,
) -> Page:
    """Run one staff move: check the form, make the move and go back to the case; or show the
    page again with what was typed and what is wrong (400). A clash or a move the rules refuse is
    explained in a message at the top of the case."""
    if not form.validate_on_submit():
        return render_case(application, 400, **{name: form})
    try:
        move(application, form)
        # Written now, inside the try: a change someone else committed since the version check
        # shows up here as a stale row, and is told like any other clash.
        db.session.flush()
    except (rules.StaleEdit, StaleDataError):
        db.session.rollback()
        flash(refusals()[STALE], "error")
    except rules.IllegalMove:
        db.session.rollback()
        flash(illegal, "error")
    except rules.NotAllowed as refused:
        db.session.rollback()
        flash(refusals().get(refused.reason, illegal), "error")
    else:
        flash(done, "success")
    return redirect(url_for("application_staff.view_application", public_id=application.public_id, _anchor=anchor))


def button_problem(application: Application) -> tuple[str, int]:
    # Buttons post fixed values: anything else was not sent by the page.
    return render_case(application, 400, problem=_("Choose one of the buttons on the page."))


# Every move is registered on this blueprint by this module, imported last because it uses the
# helpers above.
from portal.adopting import application_staff_actions  # noqa: E402, F401
