"""A family following their request for support: status, worker, next step, plan, reviews, closure
letter, and secure messages.

Only the family's own referrals are ever found (rules.find_for_family); anything else is a 404, so
a guessed id tells nobody whether it exists. The safeguarding referral to the council's MASH stays
with staff: these pages never read its contact or reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from babel.numbers import format_currency
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from portal.accounts.models import StaffUser
from portal.core.access import account
from portal.core.db import db
from portal.core.i18n import current_locale
from portal.core.timescales import today_london
from portal.support import plan_rules as plan
from portal.support import rules
from portal.support.family_forms import FamilyMessageForm
from portal.support.models import PlanItem, ReferralStatus, ScreeningOutcome, SupportReferral
from portal.support.presenters import (
    FUND_STATUS_LABELS,
    OUTCOME_LABELS,
    PLAN_ITEM_LABELS,
    STATUS_LABELS,
    responsibility_text,
)

bp = Blueprint("support_family", __name__, url_prefix="/my-support")


# The dates a family is waiting for, in their words (the staff labels name internal steps such as
# a manager's sign-off, which mean little to a family).
FAMILY_CLOCK_LABELS = {
    "screening_sign_off": _l("We decide how we can help"),
    "assessment": _l("We share your assessment and support plan"),
    "review": _l("We review your support plan"),
}



def money(pence: int) -> str:
    """Pence as pounds with two decimals, written the reader's way."""
    return format_currency(Decimal(pence) / 100, "GBP", locale=current_locale())


@dataclass(frozen=True)
class PlanRow:
    kind: str
    description: str
    child: str
    amount: str
    fund_status: str


@dataclass(frozen=True)
class DateRow:
    label: str
    due: date
    finished: date | None


def _own(public_id: str) -> SupportReferral:
    found = rules.find_for_family(current_user, public_id)
    if found is None:
        abort(404)
    return found


def _staff_names(ids: set[int]) -> dict[int, str]:
    """Names of the worker and of the staff who wrote, in one query."""
    if not ids:
        return {}
    rows = db.session.execute(select(StaffUser.id, StaffUser.name).where(StaffUser.id.in_(ids)))
    return {staff_id: name for staff_id, name in rows}


def _plan_rows(referral: SupportReferral) -> list[PlanRow]:
    children = {child.id: child.first_name for child in referral.children}

    def row(item: PlanItem) -> PlanRow:
        funded = item.fund_amount_pence is not None
        return PlanRow(
            kind=str(PLAN_ITEM_LABELS[item.kind]),
            description=item.description,
            child=children.get(item.child_id, "") if item.child_id else "",
            amount=money(item.fund_amount_pence) if funded else "",  # type: ignore[arg-type]
            fund_status=str(FUND_STATUS_LABELS[item.fund_status]) if funded and item.fund_status else "",
        )

    return [row(item) for item in referral.plan_items]


def _date_rows(referral: SupportReferral, today: date) -> list[DateRow]:
    """The screening decision, the plan and the next review; past reviews are listed with the
    reviews themselves."""
    clocks = [c for c in plan.clocks_of(referral, today) if c.name in FAMILY_CLOCK_LABELS]
    reviews = [c for c in clocks if c.name == "review"]
    shown = [c for c in clocks if c.name != "review"] + reviews[-1:]
    return [DateRow(str(FAMILY_CLOCK_LABELS[c.name]), c.due, c.finished) for c in shown]


def _outcome(referral: SupportReferral) -> str:
    if referral.signed_off_at is None or not referral.screening_outcome:
        return ""
    if referral.screening_outcome == ScreeningOutcome.SAFEGUARDING:
        # What the council's safeguarding hub was told, and by whom, is for staff only.
        return str(_l("We are working with the council's children's services."))
    return str(OUTCOME_LABELS[ScreeningOutcome(referral.screening_outcome)])


@bp.get("/")
@account
def list_referrals() -> str:
    return render_template(
        "support/family-referrals.html",
        referrals=rules.referrals_of(current_user),
        status_labels=STATUS_LABELS,
    )


@bp.get("/<public_id>")
@account
def view_referral(public_id: str) -> str:
    referral = _own(public_id)
    today = today_london()
    names = _staff_names({referral.worker_id} if referral.worker_id else set())
    shared_plan = referral.plan_shared_at is not None
    return render_template(
        "support/family-referral.html",
        referral=referral,
        status_label=STATUS_LABELS[referral.status],
        safeguarding=referral.status == ReferralStatus.SAFEGUARDING,
        responsibility=responsibility_text(referral, today),
        worker=names.get(referral.worker_id, "") if referral.worker_id else "",
        outcome=_outcome(referral),
        shared_plan=shared_plan,
        plan_rows=_plan_rows(referral) if shared_plan else [],
        date_rows=_date_rows(referral, today),
        ended=referral.status not in rules.OPEN,
    )


def _show_messages(referral: SupportReferral, form: FamilyMessageForm) -> str:
    names = _staff_names({m.staff_id for m in referral.messages if m.staff_id})
    return render_template(
        "support/family-messages.html",
        referral=referral,
        form=form,
        names=names,
        ended=referral.status not in rules.OPEN,
    )


@bp.route("/<public_id>/messages", methods=["GET", "POST"])
@account
def referral_messages(public_id: str) -> str | Response:
    referral = _own(public_id)
    form = FamilyMessageForm()
    if not form.is_submitted():
        return _show_messages(referral, form)
    if referral.status not in rules.OPEN:
        # Ended while they were writing: say so plainly; the page explains what to do instead.
        flash(str(_l("This request for support has ended, so your message was not sent.")), "important")
        return redirect(url_for("support_family.referral_messages", public_id=public_id))
    if not form.validate():
        return _show_messages(referral, form)
    try:
        rules.send_family_message(referral, current_user, form.body.data)
    except rules.IllegalMove:
        flash(str(_l("This request for support has ended, so your message was not sent.")), "important")
        return redirect(url_for("support_family.referral_messages", public_id=public_id))
    flash(str(_l("Your message has been sent")), "success")
    return redirect(url_for("support_family.referral_messages", public_id=public_id, _anchor="messages"))
