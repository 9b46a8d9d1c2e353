"""Staff sign-in: email and password, then a code from an authenticator app (set up at first sign-in)."""

from __future__ import annotations

from typing import Any

import segno
from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from portal.accounts import rules
from portal.accounts.forms import CodeForm, SetPasswordForm, StaffSignInForm
from portal.accounts.sessions import end_session, start_session
from portal.core import audit
from portal.core.access import public, staff, staff_signing_in
from portal.core.forms import ButtonForm
from portal.extensions import limiter

bp = Blueprint("accounts", __name__, url_prefix="/staff")


def _sign_in_limit() -> str:
    return str(current_app.config["SIGN_IN_LIMIT"])


def safe_next(target: str | None) -> str | None:
    # Only our own staff pages: never an address on another site.
    if target and target.startswith("/staff") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(_sign_in_limit, methods=["POST"])
def staff_sign_in() -> str | Response:
    form = StaffSignInForm()
    if form.validate_on_submit():
        user = rules.check_password(form.email.data, form.password.data)
        if user is not None:
            audit.record("staff_password_accepted", "staff_user", user.public_id)
            return begin_second_factor(user, request.args.get("next"))
        # The same words whether or not the address has an account.
        form.email.errors = [_("Enter a correct email address and password")]
    return render_template("accounts/staff-sign-in.html", form=form)


def begin_second_factor(user: rules.StaffUser, target: str | None) -> Response:
    """The first factor (password or single sign-on) is done: ask for the authenticator code, or
    have the person set up an authenticator if they have none yet."""
    pending: dict[str, Any] = {"id": user.public_id, "next": safe_next(target)}
    if not user.totp_secret:
        pending["secret"] = rules.new_totp_secret()
    session["pending_staff"] = pending
    if "secret" in pending:
        return redirect(url_for("accounts.staff_set_up_authenticator"))
    return redirect(url_for("accounts.staff_sign_in_code"))


def _pending_user() -> rules.StaffUser | None:
    pending = session.get("pending_staff") or {}
    user = rules.find_staff(pending.get("id", ""))
    return user if user is not None and user.active else None


def _finish(user: rules.StaffUser) -> Response:
    target = (session.get("pending_staff") or {}).get("next")
    start_session(user)
    audit.record("staff_signed_in", "staff_user", user.public_id)
    return redirect(target or url_for("backoffice.home"))


@bp.route("/sign-in/set-up-authenticator", methods=["GET", "POST"])
@staff_signing_in
@limiter.limit(_sign_in_limit, methods=["POST"])
def staff_set_up_authenticator() -> str | Response:
    user = _pending_user()
    secret = (session.get("pending_staff") or {}).get("secret")
    if user is None or not secret:
        session.pop("pending_staff", None)
        return redirect(url_for("accounts.staff_sign_in"))
    form = CodeForm()
    if form.validate_on_submit():
        if rules.confirm_authenticator(user, secret, form.code.data):
            return _finish(user)
        form.code.errors = [_("The code is not right. Enter the code your app shows now")]
    uri = rules.provisioning_uri(secret, user.email)
    qr = Markup(
        segno.make(uri, error="m").svg_inline(
            scale=4, title=_("QR code for your authenticator app"), omitsize=False
        )
    )
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return render_template("accounts/staff-set-up-authenticator.html", form=form, qr=qr, secret=grouped)


@bp.route("/sign-in/code", methods=["GET", "POST"])
@staff_signing_in
@limiter.limit(_sign_in_limit, methods=["POST"])
def staff_sign_in_code() -> str | Response:
    user = _pending_user()
    if user is None or not user.totp_secret:
        session.pop("pending_staff", None)
        return redirect(url_for("accounts.staff_sign_in"))
    form = CodeForm()
    if form.validate_on_submit():
        if rules.verify_code(user, form.code.data):
            return _finish(user)
        form.code.errors = [_("The code is not right. Enter the code your app shows now")]
    return render_template("accounts/staff-sign-in-code.html", form=form)


@bp.post("/sign-out")
@staff
def staff_sign_out() -> Response:
    user = current_user._get_current_object()
    form = ButtonForm()
    if form.validate_on_submit():
        rules.end_sessions(user)
        audit.record("staff_signed_out", "staff_user", user.public_id)
        end_session()
    return redirect(url_for("accounts.staff_signed_out"))


@bp.get("/signed-out")
@public
def staff_signed_out() -> str:
    return render_template("accounts/staff-signed-out.html")


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@public
@limiter.limit(_sign_in_limit, methods=["POST"])
def staff_accept_invitation(token: str) -> str | Response:
    user = rules.staff_from_invitation(token)
    if user is None:
        return render_template("accounts/staff-invitation-expired.html"), 404  # type: ignore[return-value]
    form = SetPasswordForm()
    if form.validate_on_submit():
        rules.accept_invitation(user, form.password.data)
        flash(_("Password saved. Now sign in and set up your authenticator app."), "success")
        return redirect(url_for("accounts.staff_sign_in"))
    return render_template("accounts/staff-accept-invitation.html", form=form, person=user)
