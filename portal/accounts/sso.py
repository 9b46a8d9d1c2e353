"""Staff single sign-on with OpenID Connect (authorization code with PKCE), through authlib."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("accounts_sso", __name__, url_prefix="/staff/sso")
