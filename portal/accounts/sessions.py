"""Signed-in sessions: who is signed in, and when their session ends.

A session ends after the idle timeout or the absolute timeout, whichever comes first, and at once
when the person signs out or is deactivated (their ``session_epoch`` moves on, so a copied cookie
no longer matches).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from portal.accounts.models import PublicUser, StaffUser
from portal.core.access import is_staff
from portal.core.db import db
from portal.extensions import login_manager


def _now() -> float:
    return datetime.now(UTC).timestamp()


SignedIn = StaffUser | PublicUser


def load_user(user_id: str) -> SignedIn | None:
    kind, _, rest = user_id.partition(":")
    public_id, _, epoch = rest.partition(":")
    model = {"staff": StaffUser, "public": PublicUser}.get(kind)
    if model is None or not public_id:
        return None
    user = db.session.scalar(select(model).where(model.public_id == public_id))
    if user is None or not user.active or str(user.session_epoch) != epoch:
        return None
    return user


def start_session(user: SignedIn) -> None:
    """Sign in: a fresh session (so nothing from before sign-in carries over) with its clocks set."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user)
    session["signed_in_at"] = session["last_seen"] = _now()
    session.permanent = True


def end_session() -> None:
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang


def _expired() -> bool:
    now = _now()
    idle = current_app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
    absolute = current_app.config["SESSION_ABSOLUTE_TIMEOUT"].total_seconds()
    signed_in_at = session.get("signed_in_at", 0)
    last_seen = session.get("last_seen", 0)
    return now - last_seen > idle or now - signed_in_at > absolute


def check_timeouts() -> Response | None:
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    if _expired():
        was_staff = is_staff()
        end_session()
        flash(str(_l("You were signed out because you had not done anything for a while.")), "timeout")
        return redirect(url_for("accounts.staff_sign_in" if was_staff else "accounts_public.sign_in"))
    session["last_seen"] = _now()
    return None


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.session_protection = "basic"

    @login_manager.unauthorized_handler
    def unauthorized() -> Any:
        return redirect(url_for("accounts.staff_sign_in"))

    app.before_request(check_timeouts)
