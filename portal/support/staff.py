"""The back office for adoption support: the duty screening queue and the referral's case.

The queue, the case page (what it shows, in words) and the helpers every move shares live here;
the moves themselves, from screening to transfer, with messages, are in staff_actions, registered
on this blueprint.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from babel.numbers import format_currency
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from portal.accounts.models import StaffRole, StaffUser
from portal.accounts.rules import scope_of
from portal.agency.rules import list_authorities
from portal.core import audit
from portal.core.access import staff_with
from portal.core.db import db
from portal.core.forms import page_number
from portal.core.timescales import today_london
from portal.support import models  # noqa: F401  (the tables exist wherever the blueprint does)
from portal.support import plan_rules as plan
from portal.support import rules
from portal.support.models import ReferralStatus, SupportReferral
from portal.support.presenters import (
    CLOCK_LABELS,
    FUND_STATUS_LABELS,
    OUTCOME_LABELS,
    PLAN_ITEM_LABELS,
    STAFF_STATUS_LABELS,
    responsibility_text,
)
from portal.support.roles import SUPPORT_ROLES
from portal.support.staff_forms import (
    ACTION_LABELS,
    ClosureLetterForm,
    CloseForm,
    FirstVisitForm,
    FundStatusForm,
    MashForm,
    MessageForm,
    NextStepForm,
    PlanForm,
    PlanItemForm,
    ReviewForm,
    ScreenForm,
    SignOffForm,
    StartAssessmentForm,
    TransferForm,
    set_workers,
)

bp = Blueprint("support_staff", __name__, url_prefix="/staff/support")

PER_PAGE = 50
R = ReferralStatus
STATUS_FILTERS = ["open", *[s.value for s in R], "all"]
Page = tuple[str, int] | Response

def label_of(labels: dict[Any, Any], value: str | None) -> str:
    """The words for a stored value, or the value itself if it has none (never an error)."""
    return str(labels.get(value, value or ""))


def pounds(pence: int | None) -> str:
    """Pounds and pence, as the reader's language writes them (Decimal: no rounding on the way)."""
    if pence is None:
        return ""
    return format_currency(Decimal(pence) / 100, "GBP", locale=str(get_locale() or "en"))


def staff_names(ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {s.id: s.name for s in db.session.scalars(select(StaffUser).where(StaffUser.id.in_(wanted)))}


@bp.get("/")
@staff_with(SUPPORT_ROLES)
def list_referrals() -> str:
    status = request.args.get("status", "open")
    status = status if status in STATUS_FILTERS else "open"
    page = page_number()
    found, total = rules.queue(None if status == "open" else status, scope_of(current_user), page, PER_PAGE)
    today = today_london()
    workers = staff_names({r.worker_id for r in found})
    # One query for every council's name (the region has a handful): none per row.
    councils = {a.id: a.name for a in list_authorities(include_inactive=True)}
    rows = [
        {
            "referral": r,
            "status": label_of(STAFF_STATUS_LABELS, r.status),
            "clocks": [(label_of(CLOCK_LABELS, c.name), c) for c in plan.current_clocks(r, today)],
            "worker": workers.get(r.worker_id) if r.worker_id else None,
            "responsible": _responsible_names(r, today, councils),
            "lives_in": councils.get(r.home_authority_id or 0) or r.home_elsewhere or _("Outside the region"),
        }
        for r in found
    ]
    audit.record("support_queue_viewed", "support_queue", "all", status=status)
    return render_template(
        "support/staff-referrals.html",
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
        status=status,
        status_labels={s.value: label for s, label in STAFF_STATUS_LABELS.items()},
    )


def _responsible_names(referral: SupportReferral, today: date, councils: dict[int, str]) -> list[str]:
    """Each child's responsible council by name (or "outside the region"), without repeats."""
    names: list[str] = []
    for child in referral.children:
        who = rules.responsibility_for(child, referral.home_authority_id, today)
        if who.kind == rules.Responsible.OUTSIDE:
            name = _("Outside the region")
        elif who.authority_id is not None:
            name = councils.get(who.authority_id, "")
        else:
            name = child.placing_authority_other
        if name and name not in names:
            names.append(name)
    return names


# The actions the case page offers only in some states (see _available).
OFFERED = {
    "screen", "sign_off", "mash", "start_assessment", "first_visit", "share_plan", "plan_item", "review",
    "close", "transfer", "next_step", "closure_letter",
}


def _available(referral: SupportReferral, user: StaffUser, today: date) -> set[str]:
    """The actions the case page offers now: the rules' moves from this state and the work the
    state allows. The rules refuse anything else whatever the page shows."""
    status = R(referral.status)
    moves = {move for move, table in rules.MOVES.items() if status in table}
    can: set[str] = {"message"}
    if "screen" in moves:
        can.add("screen")
    if "send_back" in moves and user.has_role(StaffRole.TEAM_MANAGER):
        can.add("sign_off")
    if status == R.SAFEGUARDING:
        can |= {"mash", "start_assessment"}
    if status == R.ASSESSMENT:
        can.add("first_visit")
        if referral.first_visit_on is not None and referral.consent_recorded_at is not None:
            can.add("share_plan")
    if status in {R.ASSESSMENT, R.PLAN}:
        can.add("plan_item")
    if "review" in moves:
        can.add("review")
    if "close" in moves:
        can.add("close")
    if "transfer" in moves and plan.may_transfer(referral, today):
        can.add("transfer")
    if status in rules.OPEN:
        can.add("next_step")
    if status == R.CLOSED and referral.closure_letter_sent_at is None:
        can.add("closure_letter")
    return can


def _shown(value: Any) -> str:
    """A stored answer as words (the family's own text stays as typed; the template escapes it)."""
    if value is None or value == "" or value == []:
        return _("Not given")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return "; ".join(_shown(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{str(k).replace('_', ' ')}: {_shown(v)}" for k, v in value.items())
    return str(value)


# Events the family makes happen from their account; any other event without a member of staff
# was the portal's own doing.
FAMILY_ACTIONS = {"support_referral_received", "support_message_from_family"}


def _who(event: audit.AuditEvent, names: dict[int, str]) -> str:
    if event.staff_id is not None:
        return names.get(event.staff_id, _("A member of staff"))
    return _("The family") if event.action in FAMILY_ACTIONS else _("The portal")


def case_context(referral: SupportReferral, user: StaffUser, today: date) -> dict[str, Any]:
    """Everything the case page shows, in words: templates show, they do not decide."""
    timeline = audit.events_for("support_referral", referral.public_id)
    names = staff_names(
        {e.staff_id for e in timeline}
        | {m.staff_id for m in referral.messages}
        | {referral.worker_id, referral.screened_by_id, referral.signed_off_by_id}
    )
    children = {c.id: c for c in referral.children}
    due = plan.assessment_due(referral)
    return {
        "status_label": label_of(STAFF_STATUS_LABELS, referral.status),
        "outcome_label": label_of(OUTCOME_LABELS, referral.screening_outcome) if referral.screening_outcome else None,
        "names": names,
        "responsibility": responsibility_text(referral, today),
        "answers": [(k.replace("_", " ").capitalize(), _shown(v)) for k, v in (referral.answers or {}).items()],
        "clocks": [(label_of(CLOCK_LABELS, c.name), c) for c in plan.clocks_of(referral, today)],
        "plan_items": [
            {
                "item": i,
                "kind": label_of(PLAN_ITEM_LABELS, i.kind),
                "child": children[i.child_id].first_name if i.child_id in children else None,
                "amount": pounds(i.fund_amount_pence),
                "fund_status": label_of(FUND_STATUS_LABELS, i.fund_status) if i.fund_status else None,
            }
            for i in referral.plan_items
        ],
        "messages": [
            (m, names.get(m.staff_id, _("A member of staff")) if m.staff_id else _("The family"))
            for m in referral.messages
        ],
        "timeline": [(e, label_of(ACTION_LABELS, e.action), _who(e, names)) for e in timeline],
        "assessment_due": due,
        "plan_late": due is not None and today > due,
        "can": _available(referral, user, today),
        "own_screening": referral.screened_by_id == user.id,
    }


def load(public_id: str) -> SupportReferral:
    """The referral, if this person's scope lets them see it; otherwise 404."""
    referral = rules.find_for_staff(public_id, scope_of(current_user))
    if referral is None:
        abort(404)
    return referral


def workers() -> list[StaffUser]:
    return rules.support_workers(scope_of(current_user))


def child_choices(referral: SupportReferral) -> list[tuple[str, str]]:
    return [(c.public_id, c.first_name) for c in referral.children]


def render_case(referral: SupportReferral, status: int = 200, **forms: FlaskForm) -> tuple[str, int]:
    """The case page, with any form that failed shown back with its errors and what was typed."""
    people = workers()
    today = today_london()
    context = case_context(referral, current_user, today)
    sign_off = forms.get("sign_off") or SignOffForm(formdata=None)
    set_workers(sign_off.sign_off_worker, people)
    start = forms.get("start_assessment") or StartAssessmentForm(formdata=None)
    set_workers(start.assessment_worker, people)
    plan = forms.get("share_plan") or PlanForm(formdata=None)
    plan.late = context["plan_late"]
    item = forms.get("plan_item") or PlanItemForm(formdata=None)
    item.item_child.choices = child_choices(referral)
    fund_forms = {
        i.public_id: forms.get(f"fund-{i.public_id}")
        or FundStatusForm(formdata=None, fund_status=i.fund_status).use_ids(i.public_id)
        for i in referral.plan_items
        if i.fund_amount_pence is not None
    }
    shown = {
        "screen": forms.get("screen") or ScreenForm(formdata=None),
        "sign_off": sign_off,
        "mash": forms.get("mash") or MashForm(formdata=None),
        "start_assessment": start,
        "first_visit": forms.get("first_visit") or FirstVisitForm(formdata=None),
        "share_plan": plan,
        "plan_item": item,
        "next_step": forms.get("next_step")
        or NextStepForm(formdata=None, next_step_text=referral.next_step, next_step_date=referral.next_step_on),
        "review": forms.get("review") or ReviewForm(formdata=None),
        "close": forms.get("close") or CloseForm(formdata=None),
        "closure_letter": forms.get("closure_letter") or ClosureLetterForm(formdata=None),
        "transfer": forms.get("transfer") or TransferForm(formdata=None),
        "message": forms.get("message") or MessageForm(formdata=None),
    }
    return (
        render_template(
            "support/staff-referral.html",
            referral=referral,
            forms=shown,
            fund_forms=fund_forms,
            forms_in_error=[f for f in [*shown.values(), *fund_forms.values()] if f.errors],
            **context,
        ),
        status,
    )


@bp.get("/<public_id>")
@staff_with(SUPPORT_ROLES)
def view_referral(public_id: str) -> tuple[str, int]:
    referral = load(public_id)
    audit.record("support_referral_viewed", "support_referral", referral.public_id)
    return render_case(referral)


def seen_version(form: FlaskForm) -> int:
    """The version the person was shown. A missing or garbled one can never match, so the move is
    refused as a clash rather than made without the check."""
    try:
        return int(form.version.data or "")
    except ValueError:
        return 0


def check_version(referral: SupportReferral, form: FlaskForm) -> None:
    """For the rules that take no version (they add to the referral rather than change it), the
    page still refuses a move made from an out-of-date page."""
    if seen_version(form) != referral.version:
        raise rules.StaleEdit(referral.public_id)


STALE = "stale"


def refusals() -> dict[str, str]:
    """What to tell staff when a rule refuses a move, by the rule's reason."""
    return {
        STALE: _("Someone else changed this referral. Check the latest details and try again."),
        "not_a_manager": _("Only a team manager can do this."),
        "own_screening": _("You screened this referral, so another team manager must sign it off."),
        "no_worker": _("Select who will assess the family's support needs."),
        "no_visit_or_consent": _("Record the first visit and the family's consent before sharing the plan."),
        "late_reason_needed": _("The plan is late: enter why before sharing it."),
        "fund_needs_child_and_amount": _("A Support Fund application needs a child and an amount."),
        "no_limit_for_year": _("There is no Support Fund limit for this year yet. Ask an administrator to set it."),
        "over_limit": _("This would take the child over the Support Fund limit for the year."),
        "already_shared": _("This review has already been shared."),
        "already_sent": _("The closure letter has already been sent."),
        "not_yet": _(
            "The referral can only be transferred when every child is 3 years past the order and the "
            "family lives outside the region."
        ),
    }


def act(
    referral: SupportReferral,
    name: str,
    form: FlaskForm,
    move: Callable[[SupportReferral, Any], None],
    done: str,
    illegal: str,
    anchor: str,
) -> Page:
    """Run one staff move: check the form, make the move and go back to the case; or show the
    page again with what was typed and what is wrong (400). A clash or a move the rules refuse is
    explained in a message at the top of the case."""
    if not form.validate_on_submit():
        if name in OFFERED and name not in _available(referral, current_user, today_london()):
            # The page does not show this form now, so its errors would point at nothing: say
            # why it cannot be done instead.
            flash(illegal, "error")
            return redirect(url_for("support_staff.view_referral", public_id=referral.public_id))
        return render_case(referral, 400, **{name: form})
    try:
        move(referral, form)
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
    return redirect(url_for("support_staff.view_referral", public_id=referral.public_id, _anchor=anchor))


# Every move is registered on this blueprint by this module, imported last because it uses the
# helpers above.
from portal.support import staff_actions  # noqa: E402, F401
