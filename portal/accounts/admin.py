"""Administrators manage staff accounts: invite, change roles and team, deactivate, reset a lost
second factor."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.accounts import rules
from portal.accounts.forms import HUB, ROLE_LABELS, InviteStaffForm, StaffDetailsForm
from portal.accounts.models import StaffRole, StaffUser
from portal.agency.rules import find_authority, list_authorities
from portal.core import audit, outbox
from portal.core.access import staff_with
from portal.core.forms import ButtonForm

bp = Blueprint("staff_admin", __name__, url_prefix="/staff/admin/staff")

ADMINISTRATORS = [StaffRole.ADMINISTRATOR]


def _teams(form: StaffDetailsForm) -> None:
    form.set_teams([(a.slug, a.name) for a in list_authorities()])


def _authority_id(team: str) -> int | None:
    if team == HUB:
        return None
    authority = find_authority(team)
    return authority.id if authority else None


def _load(public_id: str) -> StaffUser:
    user = rules.find_staff(public_id)
    if user is None:
        abort(404)
    return user


@bp.get("/")
@staff_with(ADMINISTRATORS)
def list_staff() -> str:
    audit.record("staff_list_viewed", "staff_user", "all")
    authorities = {a.id: a.name for a in list_authorities()}
    return render_template(
        "accounts/admin-staff.html", people=rules.list_staff(), authorities=authorities, role_labels=ROLE_LABELS
    )


@bp.route("/invite", methods=["GET", "POST"])
@staff_with(ADMINISTRATORS)
def invite_staff() -> str | Response:
    form = InviteStaffForm()
    _teams(form)
    if form.validate_on_submit():
        if rules.find_staff_by_email(form.email.data):
            form.email.errors = [_("There is already a staff account with this email address")]
        else:
            user, token = rules.invite_staff(
                form.email.data, form.name.data, form.roles.data, _authority_id(form.team.data)
            )
            link = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for(
                "accounts.staff_accept_invitation", token=token
            )
            outbox.queue_email(user.email, "staff-invitation", "en", link=link)
            flash(_("Invitation sent."), "success")
            return redirect(url_for("staff_admin.list_staff"))
    return render_template("accounts/admin-invite-staff.html", form=form)


@bp.route("/<public_id>", methods=["GET", "POST"])
@staff_with(ADMINISTRATORS)
def edit_staff(public_id: str) -> str | Response:
    user = _load(public_id)
    form = StaffDetailsForm(
        data={
            "roles": list(user.roles or []),
            "team": next((a.slug for a in list_authorities() if a.id == user.authority_id), HUB),
        }
    )
    _teams(form)
    if form.validate_on_submit():
        try:
            rules.change_staff(user, form.roles.data, _authority_id(form.team.data))
        except rules.LastAdministrator:
            form.roles.errors = [_("The agency needs at least one active administrator")]
        else:
            flash(_("Changes saved. They take effect when the person next signs in."), "success")
            return redirect(url_for("staff_admin.list_staff"))
    else:
        audit.record("staff_viewed", "staff_user", user.public_id)
    return render_template(
        "accounts/admin-edit-staff.html", form=form, person=user, action_form=ButtonForm(formdata=None)
    )


def _action(public_id: str, change: str) -> Response:
    user = _load(public_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        if change == "deactivate":
            if user.id == current_user.id:
                flash(_("You cannot deactivate your own account."), "error")
                return redirect(url_for("staff_admin.edit_staff", public_id=public_id))
            rules.deactivate_staff(user)
            flash(_("Account deactivated. Any session it had has ended."), "success")
        elif change == "reactivate":
            rules.reactivate_staff(user)
            flash(_("Account reactivated."), "success")
        else:
            rules.reset_second_factor(user)
            flash(_("Authenticator reset. They will set up a new one when they next sign in."), "success")
    except rules.LastAdministrator:
        flash(_("The agency needs at least one active administrator"), "error")
    return redirect(url_for("staff_admin.edit_staff", public_id=public_id))


@bp.post("/<public_id>/deactivate")
@staff_with(ADMINISTRATORS)
def deactivate_staff(public_id: str) -> Response:
    return _action(public_id, "deactivate")


@bp.post("/<public_id>/reactivate")
@staff_with(ADMINISTRATORS)
def reactivate_staff(public_id: str) -> Response:
    return _action(public_id, "reactivate")


@bp.post("/<public_id>/reset-authenticator")
@staff_with(ADMINISTRATORS)
def reset_authenticator(public_id: str) -> Response:
    return _action(public_id, "reset")
