"""Public accounts: register, confirm the email address, sign in with a second factor, manage the account."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("accounts_public", __name__, url_prefix="/account")
