"""Staff make a public account on someone's behalf (some birth relatives have only a phone) and
send them an invitation through the outbox."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.accounts.forms import InvitePersonForm
from portal.accounts.models import StaffRole
from portal.accounts.public_rules import AccountExists, invite_public_user
from portal.core.access import staff_with
from portal.core.communication import language_choices

bp = Blueprint("public_invites", __name__, url_prefix="/staff/people")

INVITING_ROLES = [
    StaffRole.BIRTH_RELATIVE_WORKER,
    StaffRole.LETTERBOX_COORDINATOR,
    StaffRole.SUPPORT_WORKER,
    StaffRole.ADMINISTRATOR,
]


@bp.route("/invite", methods=["GET", "POST"])
@staff_with(INVITING_ROLES)
def invite_person() -> str | Response:
    form = InvitePersonForm()
    form.language.choices = language_choices(current_app.config["LOCALES"])[:-1]
    if form.validate_on_submit():
        try:
            invite_public_user(
                form.name.data, form.email.data or None, form.phone.data or None, current_user, form.language.data
            )
        except AccountExists:
            form.email.errors = [_("This email address already has an account")]
        else:
            flash(_("Account made and invitation sent."), "success")
            return redirect(url_for("public_invites.invite_person"))
    return render_template("accounts/staff-invite-person.html", form=form)
