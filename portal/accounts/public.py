"""Public accounts: register, confirm the email address, sign in with a second factor, manage the account."""

from __future__ import annotations

import time
from dataclasses import asdict
from typing import Any

import segno
from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from werkzeug.wrappers import Response

from portal.accounts import public_rules as rules
from portal.accounts.forms import CodeForm
from portal.accounts.models import PublicUser
from portal.accounts.public_forms import (
    CONTACT_LABELS,
    AcceptInvitationForm,
    AcceptInvitationWithEmailForm,
    ChangeEmailForm,
    EmailCodeForm,
    ForgottenPasswordForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
    SignInForm,
)
from portal.accounts.rules import new_totp_secret, provisioning_uri
from portal.accounts.sessions import end_session, start_session
from portal.core import audit
from portal.core.access import account, account_signing_in, is_account_holder, public
from portal.core.communication import NEED_LABELS
from portal.core.forms import ButtonForm
from portal.core.i18n import current_locale
from portal.extensions import limiter

bp = Blueprint("accounts_public", __name__, url_prefix="/account")

# A password given but no second factor within this time: start again.
PENDING_MAX_AGE = 15 * 60

Page = str | Response | tuple[str, int]


def _sign_in_limit() -> str:
    return str(current_app.config["SIGN_IN_LIMIT"])


def _address_key() -> str:
    # Limits per address as well as per client, so one account cannot be tried from many machines.
    return rules.limit_key_for_address(request.form.get("email", ""))


def _pending_key() -> str:
    return "pending:" + str((session.get("pending_account") or {}).get("id", ""))


per_client = limiter.limit(_sign_in_limit, methods=["POST"])
per_address = limiter.limit(_sign_in_limit, methods=["POST"], key_func=_address_key)
per_pending_account = limiter.limit(_sign_in_limit, methods=["POST"], key_func=_pending_key)


def _safe_next(target: str | None) -> str | None:
    # Only a path on this site, and never the staff side: no address elsewhere can be slipped in.
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and not target.startswith("/staff")
    ):
        return target
    return None


def _me() -> PublicUser:
    user: PublicUser = current_user._get_current_object()
    return user


def _link_failed() -> tuple[str, int]:
    return render_template("accounts/account-link-expired.html"), 404


def _check_email(kind: str, email: str) -> str:
    # Shown straight from the POST rather than after a redirect, so the address never has to be
    # kept in the session cookie or put in a URL.
    return render_template("accounts/account-check-email.html", kind=kind, email=rules.normalise_email(email))


# ---------------------------------------------------------------------------------------------------
# Registration and confirmation


@bp.route("/register", methods=["GET", "POST"])
@public
@per_client
@per_address
def register() -> Page:
    if is_account_holder():
        return redirect(url_for("accounts_public.view_account"))
    form = RegisterForm()
    if form.validate_on_submit():
        rules.register(form.email.data, form.password.data, current_locale())
        # Someone sent to sign in on the way to a page (an invitation to join an application) who
        # has no account yet: after confirming their email and signing in, they go on to it.
        target = _safe_next(request.args.get("next"))
        if target:
            session["after_sign_in"] = target
        return _check_email("register", form.email.data)
    return render_template("accounts/account-register.html", form=form)


@bp.route("/confirm-email/<token>", methods=["GET", "POST"])
@public
@per_client
def confirm_email(token: str) -> Page:
    user = rules.user_from_confirmation(token)
    if user is None:
        return _link_failed()
    form = ButtonForm()
    if form.validate_on_submit():
        rules.confirm_email(user)
        flash(_("Your email address is confirmed. You can now sign in."), "success")
        return redirect(url_for("accounts_public.sign_in", next=_safe_next(session.pop("after_sign_in", None))))
    return render_template(
        "accounts/account-confirm.html",
        form=form,
        title=_("Confirm your email address"),
        text=_("Confirm your email address to finish creating your account."),
        button=_("Confirm email address"),
    )


# ---------------------------------------------------------------------------------------------------
# Signing in


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@per_client
@per_address
def sign_in() -> Page:
    if is_account_holder():
        return redirect(url_for("accounts_public.view_account"))
    form = SignInForm()
    if form.validate_on_submit():
        user = rules.check_password(form.email.data, form.password.data)
        if user is not None and user.email_confirmed_at is None:
            rules.send_confirmation(user)
            return _check_email("unconfirmed", form.email.data)
        if user is not None:
            session["pending_account"] = {
                "id": user.public_id,
                "next": _safe_next(request.args.get("next")),
                "at": time.time(),
            }
            audit.record("public_password_accepted", rules.OBJECT, user.public_id)
            if not user.totp_secret and not rules.send_sign_in_code(user):
                _too_many_codes()
            return redirect(url_for("accounts_public.sign_in_code"))
        # The same words whether or not the address has an account.
        form.email.errors = [_("Enter a correct email address and password")]
    return render_template("accounts/account-sign-in.html", form=form, next_page=_safe_next(request.args.get("next")))


def _too_many_codes() -> None:
    flash(_("We have sent you a lot of codes recently. Use the last one we sent, or wait an hour and sign in again."))


def _pending_user() -> PublicUser | None:
    pending = session.get("pending_account") or {}
    if time.time() - float(pending.get("at", 0)) > PENDING_MAX_AGE:
        return None
    user = rules.find_public_user(str(pending.get("id", "")))
    return user if user is not None and user.active else None


def _restart_sign_in() -> Response:
    session.pop("pending_account", None)
    flash(_("Sign in again: it has been too long since you entered your password."))
    return redirect(url_for("accounts_public.sign_in"))


def _finish(user: PublicUser) -> Response:
    target = (session.get("pending_account") or {}).get("next")
    start_session(user)
    session["lang"] = user.preferred_language
    rules.record_sign_in(user)
    return redirect(target or url_for("accounts_public.view_account"))


CODE_MESSAGES = {
    rules.CodeResult.WRONG: lambda: _("The code is not right. Check the email we sent and try again"),
    rules.CodeResult.TOO_MANY_TRIES: lambda: _("You have entered a wrong code too many times. Ask for a new code"),
    rules.CodeResult.EXPIRED: lambda: _("This code has expired or has been used. Ask for a new code"),
}


@bp.route("/sign-in/code", methods=["GET", "POST"])
@account_signing_in
@per_client
@per_pending_account
def sign_in_code() -> Page:
    user = _pending_user()
    if user is None:
        return _restart_sign_in()
    if user.totp_secret:
        app_form = CodeForm()
        if app_form.validate_on_submit():
            if rules.check_authenticator_code(user, app_form.code.data):
                return _finish(user)
            app_form.code.errors = [_("The code is not right. Enter the code your app shows now")]
        return render_template("accounts/account-sign-in-code.html", form=app_form, by_email=False)
    form = EmailCodeForm()
    if form.validate_on_submit():
        result = rules.check_sign_in_code(user, form.code.data)
        if result is rules.CodeResult.ACCEPTED:
            return _finish(user)
        form.code.errors = [CODE_MESSAGES[result]()]
    return render_template("accounts/account-sign-in-code.html", form=form, by_email=True)


@bp.post("/sign-in/new-code")
@account_signing_in
@per_client
@per_pending_account
def send_new_code() -> Response:
    user = _pending_user()
    if user is None:
        return _restart_sign_in()
    if not user.totp_secret:
        if rules.send_sign_in_code(user):
            flash(_("We have sent you a new code. Codes we sent before no longer work."), "success")
        else:
            _too_many_codes()
    return redirect(url_for("accounts_public.sign_in_code"))


# ---------------------------------------------------------------------------------------------------
# Forgotten password


@bp.route("/forgotten-password", methods=["GET", "POST"])
@public
@per_client
@per_address
def request_password_reset() -> Page:
    form = ForgottenPasswordForm()
    if form.validate_on_submit():
        rules.request_password_reset(form.email.data)
        return _check_email("reset", form.email.data)
    return render_template("accounts/account-forgotten-password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@public
@per_client
def reset_password(token: str) -> Page:
    user = rules.user_from_reset(token)
    if user is None:
        return _link_failed()
    form = ResetPasswordForm()
    form.account_email = user.email  # type: ignore[attr-defined]
    if form.validate_on_submit():
        rules.reset_password(user, form.password.data)
        if is_account_holder() and _me().id == user.id:
            # Every session of this account has ended, this one included.
            end_session()
        flash(
            _("Your password has been changed and you have been signed out everywhere. Sign in with your new password."),
            "success",
        )
        return redirect(url_for("accounts_public.sign_in"))
    return render_template("accounts/account-reset-password.html", form=form, username=user.email)


# ---------------------------------------------------------------------------------------------------
# Invitations from staff


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@public
@per_client
def accept_invitation(token: str) -> Page:
    user = rules.user_from_invitation(token)
    if user is None:
        return _link_failed()
    form: AcceptInvitationForm | AcceptInvitationWithEmailForm
    form = AcceptInvitationForm() if user.email else AcceptInvitationWithEmailForm()
    form.account_email = user.email  # type: ignore[union-attr]
    if form.validate_on_submit():
        email = form.email.data if isinstance(form, AcceptInvitationWithEmailForm) else None
        rules.accept_invitation(user, form.password.data, email=email)
        if email:
            return _check_email("invitation", email)
        flash(_("Your password is saved. Now sign in."), "success")
        return redirect(url_for("accounts_public.sign_in"))
    return render_template(
        "accounts/account-accept-invitation.html", form=form, username=user.email, needs_email=not user.email
    )


# ---------------------------------------------------------------------------------------------------
# The account


@bp.get("/")
@account
def view_account() -> str:
    user = _me()
    return render_template(
        "accounts/account-home.html",
        user=user,
        profile=rules.profile_of(user),
        locales=current_app.config["LOCALES"],
        need_labels=NEED_LABELS,
        contact_labels=CONTACT_LABELS,
    )


@bp.route("/details", methods=["GET", "POST"])
@account
def change_details() -> Page:
    user = _me()
    form = ProfileForm(data=asdict(rules.profile_of(user)))
    if form.validate_on_submit():
        rules.update_profile(
            user,
            rules.Profile(
                name=form.name.data,
                preferred_language=form.preferred_language.data,
                communication_needs=list(form.communication_needs.data or []),
                interpreter_language=form.interpreter_language.data or "",
                communication_other=form.communication_other.data or "",
                contact_methods=list(form.contact_methods.data or []),
                contact_note=form.contact_note.data or "",
            ),
        )
        session["lang"] = user.preferred_language
        flash(_("Your details have been saved."), "success")
        return redirect(url_for("accounts_public.view_account"))
    return render_template("accounts/account-details.html", form=form)


@bp.route("/change-email", methods=["GET", "POST"])
@account
@per_client
def change_email() -> Page:
    user = _me()
    form = ChangeEmailForm()
    if form.validate_on_submit():
        if not rules.password_matches(user, form.password.data):
            form.password.errors = [_("The password is not right")]
        elif rules.normalise_email(form.email.data) == user.email:
            form.email.errors = [_("This is already your email address. Enter a different one")]
        else:
            rules.request_email_change(user, form.email.data)
            return _check_email("change", form.email.data)
    return render_template("accounts/account-change-email.html", form=form, username=user.email)


@bp.route("/confirm-email-change/<token>", methods=["GET", "POST"])
@public
@per_client
def confirm_email_change(token: str) -> Page:
    user = rules.user_from_email_change(token)
    if user is None:
        return _link_failed()
    form = ButtonForm()
    if form.validate_on_submit():
        if not rules.confirm_email_change(user):
            return _link_failed()
        flash(_("Your email address has been changed. Use your new address to sign in."), "success")
        signed_in_here = is_account_holder() and _me().id == user.id
        return redirect(url_for("accounts_public.view_account" if signed_in_here else "accounts_public.sign_in"))
    return render_template(
        "accounts/account-confirm.html",
        form=form,
        title=_("Confirm your new email address"),
        text=_("Confirm this is the email address you want to use for your account."),
        button=_("Confirm email address"),
    )


@bp.route("/authenticator", methods=["GET", "POST"])
@account
def set_up_authenticator() -> Page:
    user = _me()
    if user.totp_secret:
        return render_template("accounts/account-authenticator.html", has_app=True)
    secret = session.get("new_authenticator")
    if not secret:
        # Kept in the session until it is confirmed, as staff set-up does: nothing is stored before then.
        secret = session["new_authenticator"] = new_totp_secret()
    form = CodeForm()
    form.submit.label.text = _("Save")
    if form.validate_on_submit():
        if rules.set_up_authenticator(user, secret, form.code.data):
            session.pop("new_authenticator", None)
            flash(_("Your authenticator app is set up. You will use it each time you sign in."), "success")
            return redirect(url_for("accounts_public.view_account"))
        form.code.errors = [_("The code is not right. Enter the code your app shows now")]
    qr = Markup(
        segno.make(provisioning_uri(secret, user.email or user.public_id), error="m").svg_inline(
            scale=4, title=_("QR code for your authenticator app"), omitsize=False
        )
    )
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return render_template("accounts/account-authenticator.html", has_app=False, form=form, qr=qr, secret=grouped)


@bp.post("/authenticator/remove")
@account
def remove_authenticator() -> Response:
    user = _me()
    if ButtonForm().validate_on_submit() and user.totp_secret:
        rules.remove_authenticator(user)
        flash(
            _("Your authenticator app has been removed. We will email you a code each time you sign in."), "success"
        )
    return redirect(url_for("accounts_public.view_account"))


@bp.post("/keep-signed-in")
@account
def keep_signed_in() -> Response:
    # Reaching here has already moved the idle clock on (sessions.check_timeouts): nothing to save.
    if request.accept_mimetypes.best == "application/json":
        # A fresh form token too: the page may stay open longer than a token lasts, and its forms
        # (what the person is typing into) should still send when they are ready.
        return jsonify({"signed_in": True, "csrf_token": generate_csrf()})
    flash(_("You are still signed in."), "success")
    return redirect(_safe_next(request.form.get("next")) or url_for("accounts_public.view_account"))


@bp.post("/sign-out")
@account
def sign_out() -> Response:
    user = _me()
    if ButtonForm().validate_on_submit():
        # The session cookie lives in the browser: moving the epoch on is what stops a copy of it working.
        rules.end_sessions(user)
        audit.record("public_signed_out", rules.OBJECT, user.public_id)
        end_session()
    return redirect(url_for("accounts_public.signed_out"))


@bp.get("/signed-out")
@public
def signed_out() -> str:
    return render_template("accounts/account-signed-out.html")


@bp.post("/sign-out-everywhere")
@account
def sign_out_everywhere() -> Response:
    user = _me()
    if ButtonForm().validate_on_submit():
        rules.end_sessions(user)
        audit.record("public_signed_out_everywhere", rules.OBJECT, user.public_id)
        # A fresh session here, under the new epoch; every other one has ended.
        start_session(user)
        session["lang"] = user.preferred_language
        flash(_("You have been signed out on every other device."), "success")
    return redirect(url_for("accounts_public.view_account"))


@bp.app_context_processor
def account_session_context() -> dict[str, Any]:
    # What the timeout warning in the public layout needs: the idle limit and when to warn.
    idle = int(current_app.config["SESSION_IDLE_TIMEOUT"].total_seconds())
    warning = min(120, idle // 2)
    return {
        "account_idle_seconds": idle,
        "account_warning_seconds": warning,
        "account_warning_minutes": max(1, warning // 60),
        "account_session_minutes": idle // 60,
    }
