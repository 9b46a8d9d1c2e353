"""Staff single sign-on with OpenID Connect (authorization code with PKCE), through authlib.

It is off unless ``OIDC_ISSUER`` is set. When it is off, both routes answer 404 and the sign-in
page offers only the password. The provider proves who someone is. Whether that person may use
the back office is still decided here: the verified email address must belong to an existing,
active staff account that an administrator set up. Single sign-on never creates an account.
Password and authenticator app sign-in stays the default, and keeps working alongside it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import requests
from authlib.integrations.flask_client import OAuth, OAuthError
from authlib.integrations.flask_client.apps import FlaskOAuth2App
from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    render_template,
    request,
    session,
    url_for,
)
from joserfc.errors import JoseError
from werkzeug.wrappers import Response

from portal.accounts import rules
from portal.accounts.models import StaffUser
from portal.accounts.staff import begin_second_factor, safe_next
from portal.core import audit
from portal.core.access import public
from portal.extensions import limiter

bp = Blueprint("accounts_sso", __name__, url_prefix="/staff/sso")
log = logging.getLogger("portal.accounts.sso")

_EXTENSION = "portal.accounts.sso"
_NEXT = "sso_next"
_OUTCOME = "sso_outcome"
_OUTCOMES = {
    "not_set_up": ("accounts/staff-sso-not-set-up.html", 403),
    "failed": ("accounts/staff-sso-failed.html", 400),
    "unavailable": ("accounts/staff-sso-failed.html", 502),
}
# The error codes a provider may send back (RFC 6749 §4.1.2.1, OpenID Connect Core §3.1.2.6).
# Anything else goes into the log as "other", because the value comes straight from the address bar.
_PROVIDER_ERRORS = frozenset(
    {
        "access_denied",
        "invalid_request",
        "unauthorized_client",
        "unsupported_response_type",
        "invalid_scope",
        "server_error",
        "temporarily_unavailable",
        "interaction_required",
        "login_required",
        "account_selection_required",
        "consent_required",
        "invalid_request_uri",
        "invalid_request_object",
        "request_not_supported",
        "request_uri_not_supported",
        "registration_not_supported",
    }
)
Failure = tuple[str, int]


def _settings(app: Flask) -> tuple[str, str, str]:
    config = app.config
    return (
        str(config.get("OIDC_ISSUER") or "").rstrip("/"),
        str(config.get("OIDC_CLIENT_ID") or ""),
        str(config.get("OIDC_CLIENT_SECRET") or ""),
    )


def init_sso(app: Flask) -> FlaskOAuth2App | None:
    """Register this app's OpenID Connect client from its own settings; None when SSO is off.

    Each app gets its own authlib registry, kept in ``app.extensions`` and never in a module
    global, because tests build several apps with different providers in one process.
    """
    issuer, client_id, client_secret = settings = _settings(app)
    if not issuer:
        app.extensions.pop(_EXTENSION, None)
        return None
    client = OAuth(app).register(
        "staff_sso",
        client_id=client_id,
        client_secret=client_secret or None,
        server_metadata_url=issuer + "/.well-known/openid-configuration",
        client_kwargs={"scope": "openid email", "code_challenge_method": "S256", "default_timeout": 10},
    )
    app.extensions[_EXTENSION] = (settings, client)
    return client


def _client() -> FlaskOAuth2App:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    known = app.extensions.get(_EXTENSION)
    # Built on first use, and again if the settings have changed since.
    if known is not None and known[0] == _settings(app):
        return known[1]  # type: ignore[no-any-return]
    client = init_sso(app)
    if client is None:
        abort(404)
    return client


def _check_issuer(client: FlaskOAuth2App) -> None:
    # OpenID Connect Discovery §4.3: the issuer the provider names must be the one we asked.
    # authlib checks the ID token against the metadata's issuer, so this closes the loop.
    named = str(client.load_server_metadata().get("issuer", "")).rstrip("/")
    if named != _settings(current_app)[0]:
        raise OAuthError(error="issuer_mismatch")


def _sign_in_limit() -> str:
    return str(current_app.config["SIGN_IN_LIMIT"])


@bp.before_request
def _only_when_configured() -> None:
    if not _settings(current_app)[0]:
        abort(404)


def staff_for(claims: Mapping[str, Any]) -> StaffUser | None:
    """The active staff account the provider's verified email address belongs to, or None.

    The address must be verified when the provider says whether it is (some providers, such
    as Microsoft Entra ID, leave ``email_verified`` out; their addresses are the tenant's own;
    a few send it as the string "true").
    Nobody is ever created here: an administrator invites staff first.
    """
    email = claims.get("email")
    if not isinstance(email, str) or not email.strip():
        return None
    verified = claims.get("email_verified", True)
    if verified is not True and verified != "true":
        return None
    user = rules.find_staff_by_email(email)
    if user is None or not user.active:
        return None
    return user


def _clean_switch_url(code: str) -> str:
    return url_for(".finish_sign_in", lang=code)


def _outcome(kind: str) -> Failure:
    """The page explaining why sign-in did not finish, at the status that says so.

    The outcome is remembered in the session so that the language links can point to the bare
    callback address, which shows it again, instead of carrying the used code and state.
    """
    session[_OUTCOME] = kind
    template, status = _OUTCOMES[kind]
    return render_template(template, language_switch_url=_clean_switch_url), status


@bp.get("/sign-in")
@public
def sign_in() -> Response | Failure:
    target = safe_next(request.args.get("next"))
    client = _client()
    callback = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for(".finish_sign_in")
    try:
        _check_issuer(client)
        response: Response = client.authorize_redirect(callback)
    except (OAuthError, requests.RequestException, ValueError) as error:
        log.warning(
            "staff_sso_provider_unavailable exception=%s error=%s",
            type(error).__name__,
            getattr(error, "error", "none"),
        )
        return render_template("accounts/staff-sso-failed.html"), 502
    session.pop(_NEXT, None)
    if target:
        session[_NEXT] = target
    return response


@bp.get("/callback")
@public
@limiter.limit(_sign_in_limit)
def finish_sign_in() -> Response | Failure:
    if not request.args:
        # Someone changing language on an outcome page (the ?lang= is already taken off).
        previous = session.get(_OUTCOME)
        return _outcome(previous if previous in _OUTCOMES else "failed")
    target = session.pop(_NEXT, None)
    error = request.args.get("error")
    if error is not None:
        log.info("staff_sso_provider_error error=%s", error if error in _PROVIDER_ERRORS else "other")
        return _outcome("failed")
    client = _client()
    try:
        _check_issuer(client)
        token = client.authorize_access_token()
    except OAuthError as failure:
        # Our own codes and the token endpoint's (RFC 6749 §5.2) are a fixed vocabulary.
        log.info("staff_sso_refused error=%s", str(failure.error)[:40])
        return _outcome("failed")
    except JoseError as failure:
        log.info("staff_sso_id_token_refused exception=%s", type(failure).__name__)
        return _outcome("failed")
    except requests.RequestException as failure:
        log.warning("staff_sso_provider_unavailable exception=%s", type(failure).__name__)
        return _outcome("unavailable")
    claims = token.get("userinfo")
    if not claims:
        log.info("staff_sso_refused error=no_id_token")
        return _outcome("failed")
    user = staff_for(claims)
    if user is None:
        # The same page whatever the reason, so it tells nobody which addresses have accounts.
        log.info("staff_sso_no_account")
        return _outcome("not_set_up")
    # Single sign-on replaces the password, not the second factor: staff always give a code from
    # their authenticator app too, whatever the organisation's provider enforces.
    audit.record("staff_sso_identity_accepted", "staff_user", user.public_id)
    return begin_second_factor(user, target)
