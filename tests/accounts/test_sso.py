"""Staff single sign-on against a real OpenID Connect provider: oidc-provider-mock, served in a thread.

The mock (0.3.4) registers no PKCE extension, so on its own it would take any code_verifier, or
none. ``ProviderFront`` sits in front of it and does what a real provider does: it remembers the
challenge each code was issued for, and refuses a token request whose verifier does not match.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from authlib.deprecate import AuthlibDeprecationWarning
from flask import Flask
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from portal.accounts import rules
from portal.accounts.models import StaffUser
from portal.accounts.sso import init_sso
from portal.core.audit import AuditEvent
from portal.core.db import db
from tests.conftest import CheckedClient, make_app, sign_in_staff

with warnings.catch_warnings():
    # oidc-provider-mock 0.3.4 imports authlib.jose and authlib's httpx client, both deprecated in
    # current authlib. These fire once, at import, from the provider's code. authlib adds its own
    # "always" filter for its warnings when first imported, which beats pytest's, so a pyproject
    # entry cannot reliably reach them: they are silenced here, by message, for this import only.
    warnings.filterwarnings("ignore", "authlib.jose module is deprecated", AuthlibDeprecationWarning)
    warnings.filterwarnings("ignore", "The httpx module is deprecated", AuthlibDeprecationWarning)
    import oidc_provider_mock

CLIENT_ID = "adoption-portal"
DISCOVERY = "/.well-known/openid-configuration"
NONCE_OR_TOKEN = re.compile(r'(?:value|nonce)="[^"]{20,}"')


class ProviderFront:
    """WSGI middleware in front of the provider that enforces PKCE with S256 (RFC 7636 §4.6).

    It also answers discovery under any path prefix with the provider's own document, which names
    the provider's root as its issuer: a provider that claims to be another issuer. And a test may
    set ``alter_tokens`` to change the token endpoint's answer (None: the provider fails with 503).
    """

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.challenges: dict[str, str] = {}
        self.verified = 0
        self.refused = 0
        self.alter_tokens: Callable[[dict[str, Any]], dict[str, Any] | None] | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD")
        if path.endswith(DISCOVERY) and path != DISCOVERY:
            environ["PATH_INFO"] = DISCOVERY
        if path == "/oauth2/authorize" and method == "POST":
            query = parse_qs(environ.get("QUERY_STRING", ""))
            challenge = query.get("code_challenge", [""])[0]
            if query.get("code_challenge_method") != ["S256"] or not challenge:
                return self._refuse(start_response, "invalid_request")

            def remember(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
                location = dict(headers).get("Location", "")
                for code in parse_qs(urlsplit(location).query).get("code", []):
                    self.challenges[code] = challenge
                return start_response(status, headers, exc_info)

            return self.app(environ, remember)
        if path == "/oauth2/token" and method == "POST":
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(body)
            form = parse_qs(body.decode())
            code = form.get("code", [""])[0]
            if code in self.challenges:
                verifier = form.get("code_verifier", [""])[0].encode()
                digest = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=").decode()
                if digest != self.challenges[code]:
                    self.refused += 1
                    return self._refuse(start_response, "invalid_grant")
                self.verified += 1
            if self.alter_tokens is not None:
                return self._altered(environ, start_response, self.alter_tokens)
        return self.app(environ, start_response)

    def _altered(
        self,
        environ: dict[str, Any],
        start_response: Callable[..., Any],
        alter: Callable[[dict[str, Any]], dict[str, Any] | None],
    ) -> list[bytes]:
        answer: dict[str, Any] = {}

        def keep(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            answer["status"] = status
            return lambda data: None

        body = b"".join(self.app(environ, keep))
        tokens = alter(json.loads(body)) if answer["status"].startswith("200") else None
        if tokens is None:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"down for maintenance"]
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps(tokens).encode()]

    @staticmethod
    def _refuse(start_response: Callable[..., Any], error: str) -> list[bytes]:
        start_response("400 Bad Request", [("Content-Type", "application/json")])
        return [f'{{"error": "{error}"}}'.encode()]


@dataclass
class Provider:
    url: str
    front: ProviderFront

    def add_user(self, sub: str, **claims: Any) -> None:
        requests.put(f"{self.url}/users/{sub}", json=claims, timeout=5).raise_for_status()

    def log_in(self, authorize_url: str, sub: str) -> str:
        """The person signs in at the provider; the callback address it sends them back to."""
        response = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=5)
        assert response.status_code == 302, response.text[:200]
        return response.headers["Location"]

    def deny(self, authorize_url: str) -> str:
        response = requests.post(authorize_url, data={"action": "deny"}, allow_redirects=False, timeout=5)
        assert response.status_code == 302, response.text[:200]
        return response.headers["Location"]


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with oidc_provider_mock.run_server_in_thread() as server:
        front = ProviderFront(server.app)
        # The request handler looks the application up on the server for each request.
        server.app = front  # type: ignore[assignment]
        yield Provider(url=f"http://localhost:{server.server_port}", front=front)


def _sso_app(app: Flask, issuer: str) -> Flask:
    # The session app's database (already migrated), with single sign-on switched on.
    return make_app(
        app.config["SQLALCHEMY_DATABASE_URI"],
        OIDC_ISSUER=issuer,
        OIDC_CLIENT_ID=CLIENT_ID,
        OIDC_CLIENT_SECRET="test-client-secret",
    )


@pytest.fixture
def alter_tokens(provider: Provider) -> Iterator[Callable[[Callable[[dict[str, Any]], dict[str, Any] | None]], None]]:
    """Change what the provider's token endpoint answers, for one test."""

    def use(alter: Callable[[dict[str, Any]], dict[str, Any] | None]) -> None:
        provider.front.alter_tokens = alter

    yield use
    provider.front.alter_tokens = None


@pytest.fixture(scope="module")
def sso_app(app: Flask, provider: Provider) -> Iterator[Flask]:
    sso = _sso_app(app, provider.url)
    yield sso
    with sso.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def sso_client(sso_app: Flask) -> CheckedClient:
    return sso_app.test_client()  # type: ignore[return-value]


def add_staff(app: Flask, email: str, active: bool = True) -> str:
    """An invited staff member who has not set a password (single sign-on only); their public id."""
    with app.app_context():
        user, _token = rules.invite_staff(email, "Test Person", ["duty_worker"], None)
        user.active = active
        db.session.commit()
        return user.public_id


def begin(client: CheckedClient, provider: Provider, next_page: str | None = None) -> str:
    """Start single sign-on in the portal; the provider's authorization address it sends us to."""
    query = "?" + urlencode({"next": next_page}) if next_page else ""
    response = client.get("/staff/sso/sign-in" + query)
    assert response.status_code == 302
    authorize_url = response.headers["Location"]
    assert authorize_url.startswith(provider.url + "/oauth2/authorize?")
    return authorize_url


def sign_in_with_sso(client: CheckedClient, provider: Provider, sub: str, next_page: str | None = None) -> Any:
    callback = provider.log_in(begin(client, provider, next_page), sub)
    assert callback.startswith("http://portal.test/staff/sso/callback?")
    return client.get(callback)


def finish_with_authenticator(client: CheckedClient, response: Any) -> Any:
    """Single sign-on replaces the password only: the person still sets up (or uses) an
    authenticator app. Complete that step and return the final redirect."""
    import re

    import pyotp

    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/sign-in/set-up-authenticator"
    assert client.get("/staff/").status_code == 302  # not signed in yet
    page = client.get("/staff/sign-in/set-up-authenticator").get_data(as_text=True)
    secret = re.search(r'translate="no">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    return client.submit("/staff/sign-in/set-up-authenticator", {"code": pyotp.TOTP(secret).now()})


def staff_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(StaffUser)) or 0


def portal_log(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("portal"))


def test_the_sign_in_page_offers_single_sign_on_only_when_it_is_configured(client, sso_client):
    assert "/staff/sso/sign-in" not in client.get("/staff/sign-in").get_data(as_text=True)
    page = sso_client.get("/staff/sign-in?next=/staff/enquiries").get_data(as_text=True)
    assert 'href="/staff/sso/sign-in?next=/staff/enquiries"' in page
    assert "Sign in with your organisation's account" in page
    # The password form is still there, and comes first.
    assert page.index('name="password"') < page.index("/staff/sso/sign-in")


def test_without_an_issuer_the_routes_do_not_exist(app, client):
    assert client.get("/staff/sso/sign-in").status_code == 404
    assert client.get("/staff/sso/callback?code=abc&state=def").status_code == 404
    assert init_sso(app) is None


def test_an_invited_active_member_of_staff_signs_in(sso_app, sso_client, provider, caplog):
    caplog.set_level(logging.DEBUG)
    public_id = add_staff(sso_app, "alex.sso@ace.example")
    # The provider's spelling of the address differs only in case.
    provider.add_user("alex-sub", email="Alex.SSO@ACE.example", email_verified=True)
    verified = provider.front.verified

    authorize_url = begin(sso_client, provider)
    query = parse_qs(urlsplit(authorize_url).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["client_id"] == [CLIENT_ID]
    assert query["redirect_uri"] == ["http://portal.test/staff/sso/callback"]
    assert set(query["scope"][0].split()) == {"openid", "email"}
    assert query["state"][0] and query["nonce"][0] and query["code_challenge"][0]
    callback = provider.log_in(authorize_url, "alex-sub")
    response = finish_with_authenticator(sso_client, sso_client.get(callback))

    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"
    assert provider.front.verified == verified + 1
    home = sso_client.get("/staff/")
    assert home.status_code == 200
    assert "Test Person" in home.get_data(as_text=True)
    with sso_app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.public_id == public_id))
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "staff_sso_identity_accepted"))
        # Recorded before the session starts, so no signed-in actor yet: the object says who.
        assert (event.object_type, event.object_id) == ("staff_user", public_id)
        assert user.totp_secret
    # No personal data in the addresses or the portal's log lines.
    for text in (authorize_url, callback, portal_log(caplog)):
        assert "alex" not in text.lower()


def test_an_address_the_provider_leaves_unverified_status_unsaid_is_accepted(sso_app, sso_client, provider):
    # Microsoft Entra ID, for one, sends no email_verified claim at all.
    add_staff(sso_app, "no.claim@ace.example")
    provider.add_user("no-claim-sub", email="no.claim@ace.example")
    response = finish_with_authenticator(sso_client, sign_in_with_sso(sso_client, provider, "no-claim-sub"))
    assert response.headers["Location"] == "/staff/"


REFUSALS = {
    "unknown address": ({"email": "stranger@ace.example", "email_verified": True}, None),
    "deactivated account": ({"email": "gone@ace.example", "email_verified": True}, False),
    "unverified address": ({"email": "unverified@ace.example", "email_verified": False}, True),
    "unverified, as a string": ({"email": "unverified2@ace.example", "email_verified": "false"}, True),
    "no address at all": ({"name": "No Email"}, None),
}


@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
def test_no_matching_active_verified_account_gets_the_same_403(sso_app, sso_client, provider, caplog, case):
    caplog.set_level(logging.DEBUG)
    claims, active = REFUSALS[case]
    email = claims.get("email")
    if active is not None:
        add_staff(sso_app, email, active=active)
    before = staff_count(sso_app)
    sub = "sub-" + case.replace(" ", "-").replace(",", "")
    provider.add_user(sub, **claims)

    response = sign_in_with_sso(sso_client, provider, sub)

    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert sso_client.last_page.h1 == "Your account is not set up here"
    assert "Ask an administrator to set up your account." in page
    assert "code=" not in page and "state=" not in page
    assert staff_count(sso_app) == before, "single sign-on must never create an account"
    assert sso_client.get("/staff/").status_code == 302
    if email:
        assert email not in page
        assert email.split("@")[0] not in portal_log(caplog)
    with sso_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "staff_signed_in_sso")) == 0


def test_the_refusal_page_can_be_read_in_another_language(sso_app, sso_client, provider):
    provider.add_user("language-sub", email="language@ace.example", email_verified=True)
    assert sign_in_with_sso(sso_client, provider, "language-sub").status_code == 403
    switched = sso_client.get("/staff/sso/callback?lang=cy")
    assert switched.status_code == 303
    response = sso_client.get(switched.headers["Location"])
    assert response.status_code == 403
    assert '<html lang="cy"' in response.get_data(as_text=True)
    with sso_app.test_request_context(), force_locale("cy"):
        expected = gettext("Your account is not set up here")
    assert sso_client.last_page.h1 == expected


def test_every_refusal_reads_the_same(sso_app, provider):
    add_staff(sso_app, "inactive.same@ace.example", active=False)
    add_staff(sso_app, "unverified.same@ace.example")
    provider.add_user("same-unknown", email="nobody.same@ace.example", email_verified=True)
    provider.add_user("same-inactive", email="inactive.same@ace.example", email_verified=True)
    provider.add_user("same-unverified", email="unverified.same@ace.example", email_verified=False)
    pages = set()
    for sub in ("same-unknown", "same-inactive", "same-unverified"):
        response = sign_in_with_sso(sso_app.test_client(), provider, sub)  # type: ignore[arg-type]
        assert response.status_code == 403
        pages.add(NONCE_OR_TOKEN.sub("", response.get_data(as_text=True)))
    assert len(pages) == 1


def test_a_tampered_state_is_refused(sso_app, sso_client, provider):
    add_staff(sso_app, "state@ace.example")
    provider.add_user("state-sub", email="state@ace.example", email_verified=True)
    callback = provider.log_in(begin(sso_client, provider), "state-sub")
    tampered = re.sub(r"state=[^&]+", "state=forged", callback)
    response = sso_client.get(tampered)
    assert response.status_code == 400
    assert sso_client.last_page.h1 == "You could not be signed in with your organisation's account"
    assert sso_client.get("/staff/").status_code == 302
    # A callback with nothing on it at all is refused the same way.
    assert sso_client.get("/staff/sso/callback").status_code == 400


def test_a_callback_cannot_be_used_twice(sso_app, sso_client, provider):
    add_staff(sso_app, "replay@ace.example")
    provider.add_user("replay-sub", email="replay@ace.example", email_verified=True)
    callback = provider.log_in(begin(sso_client, provider), "replay-sub")
    assert sso_client.get(callback).status_code == 302
    # Replayed in another browser, or in the same one after signing in: the state is used up.
    assert sso_app.test_client().get(callback).status_code == 400
    assert sso_client.get(callback).status_code == 400


def test_a_code_the_provider_does_not_know_is_refused(sso_app, sso_client, provider):
    callback = provider.log_in(begin(sso_client, provider), "unknown-code-sub")
    forged = re.sub(r"code=[^&]+", "code=not-a-real-code", callback)
    response = sso_client.get(forged)
    assert response.status_code == 400
    assert sso_client.last_page.h1 == "You could not be signed in with your organisation's account"


def test_a_code_issued_to_another_sign_in_is_refused(sso_app, provider):
    """Code injection: PKCE ties each code to the browser that started that sign-in."""
    add_staff(sso_app, "victim@ace.example")
    provider.add_user("victim-sub", email="victim@ace.example", email_verified=True)
    victim, attacker = sso_app.test_client(), sso_app.test_client()
    stolen = parse_qs(urlsplit(provider.log_in(begin(victim, provider), "victim-sub")).query)["code"][0]
    own = parse_qs(urlsplit(provider.log_in(begin(attacker, provider), "victim-sub")).query)["state"][0]
    refused = provider.front.refused

    response = attacker.get("/staff/sso/callback?" + urlencode({"code": stolen, "state": own}))

    assert response.status_code == 400
    assert provider.front.refused == refused + 1
    assert attacker.get("/staff/").status_code == 302


def test_an_error_from_the_provider_is_explained(sso_client, provider, caplog):
    caplog.set_level(logging.DEBUG)
    callback = provider.deny(begin(sso_client, provider))
    assert "error=access_denied" in callback
    response = sso_client.get(callback)
    assert response.status_code == 400
    assert sso_client.last_page.h1 == "You could not be signed in with your organisation's account"
    # Whatever else arrives in the error parameter is not copied into the log.
    response = sso_client.get("/staff/sso/callback?error=alex%40ace.example&state=x")
    assert response.status_code == 400
    log = portal_log(caplog)
    assert "error=access_denied" in log and "error=other" in log and "alex" not in log


@pytest.mark.parametrize(
    ("asked", "lands"),
    [
        ("/staff/enquiries?status=new", "/staff/enquiries?status=new"),
        ("https://evil.example/staff/", "/staff/"),
        ("//evil.example/staff", "/staff/"),
        ("/\\evil.example", "/staff/"),
        ("/public-page", "/staff/"),
    ],
)
def test_only_a_staff_page_is_followed_after_sign_in(sso_app, provider, asked, lands):
    email = f"next-{hashlib.sha256(asked.encode()).hexdigest()[:8]}@ace.example"
    add_staff(sso_app, email)
    provider.add_user(email, email=email, email_verified=True)
    client = sso_app.test_client()
    response = finish_with_authenticator(client, sign_in_with_sso(client, provider, email, next_page=asked))  # type: ignore[arg-type]
    assert response.status_code == 302
    assert response.headers["Location"] == lands


def test_password_and_authenticator_still_work_when_single_sign_on_is_on(sso_app):
    from portal.demo import DEMO_STAFF, load_demo

    with sso_app.app_context():
        load_demo()
    client = sign_in_staff(sso_app, DEMO_STAFF)
    assert client.get("/staff/").status_code == 200


def test_a_provider_that_cannot_be_reached_gets_a_page_not_a_crash(app, caplog):
    # Port 9 (discard) on the loopback: nothing listens, so the connection is refused at once.
    unreachable = _sso_app(app, "http://127.0.0.1:9")
    client: CheckedClient = unreachable.test_client()  # type: ignore[assignment]
    response = client.get("/staff/sso/sign-in")
    assert response.status_code == 502
    assert client.last_page.h1 == "You could not be signed in with your organisation's account"
    with unreachable.app_context():
        db.engine.dispose()


def test_a_provider_naming_another_issuer_is_not_trusted(app, provider, sso_client):
    # Discovery for .../other-tenant answers with the provider's root as the issuer.
    other = _sso_app(app, provider.url + "/other-tenant")
    client: CheckedClient = other.test_client()  # type: ignore[assignment]
    assert client.get("/staff/sso/sign-in").status_code == 502
    # Each app keeps its own client: the correctly configured one is unaffected.
    assert sso_client.get("/staff/sso/sign-in").headers["Location"].startswith(provider.url)
    with other.app_context():
        db.engine.dispose()


def _bad_signature(tokens: dict[str, Any]) -> dict[str, Any]:
    header, payload, signature = tokens["id_token"].split(".")
    # The same claims, signed by someone else: flip the signature's first character.
    first = "A" if signature[0] != "A" else "B"
    return {**tokens, "id_token": ".".join((header, payload, first + signature[1:]))}


@pytest.mark.parametrize(
    ("alter", "status"),
    [
        (_bad_signature, 400),
        (lambda tokens: {k: v for k, v in tokens.items() if k != "id_token"}, 400),
        (lambda tokens: None, 502),
    ],
    ids=["forged ID token", "no ID token", "provider down at the token endpoint"],
)
def test_a_token_answer_that_cannot_be_trusted_signs_nobody_in(sso_app, sso_client, provider, alter_tokens, alter, status):
    add_staff(sso_app, "tokens@ace.example")
    provider.add_user("tokens-sub", email="tokens@ace.example", email_verified=True)
    alter_tokens(alter)
    response = sign_in_with_sso(sso_client, provider, "tokens-sub")
    assert response.status_code == status
    assert sso_client.last_page.h1 == "You could not be signed in with your organisation's account"
    assert sso_client.get("/staff/").status_code == 302


def test_callbacks_are_rate_limited_like_password_sign_in(sso_app, sso_client, monkeypatch):
    from portal.extensions import limiter

    monkeypatch.setitem(sso_app.config, "SIGN_IN_LIMIT", "3 per minute")
    limiter.reset()
    try:
        codes = [sso_client.get("/staff/sso/callback?code=guess&state=guess").status_code for _ in range(5)]
        assert codes == [400, 400, 400, 429, 429]
    finally:
        limiter.reset()
