from __future__ import annotations

import json
import logging
import re
import time
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select, update

from portal.accounts import public as public_views
from portal.accounts import public_rules
from portal.accounts.models import OneTimeCode
from portal.core.db import db, utcnow
from tests.accounts.public_support import (
    EMAIL,
    PASSWORD,
    emails,
    give_password,
    last_email,
    make_account,
    replay,
    session_cookie,
    sign_in,
)

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
TOKENS = re.compile(r'(?:value|nonce)="[^"]{20,}"')
WRONG = "Enter a correct email address and password"


def _code_page(client):
    return client.get("/account/sign-in/code")


def test_wrong_password_and_unknown_address_get_the_same_answer(app, client):
    make_account(app)
    wrong = give_password(client, EMAIL, "not the password at all")
    unknown = give_password(app.test_client(), "nobody@people.example", "not the password at all")
    assert wrong.status_code == unknown.status_code == 200
    strip = lambda r, e: TOKENS.sub("", r.get_data(as_text=True).replace(e, ""))  # noqa: E731
    assert WRONG in wrong.get_data(as_text=True)
    assert strip(wrong, EMAIL) == strip(unknown, "nobody@people.example")
    assert emails(app) == []


def test_unknown_addresses_cost_the_same_password_check(app, client, monkeypatch):
    from argon2 import PasswordHasher

    calls = []
    original = PasswordHasher.verify
    monkeypatch.setattr(PasswordHasher, "verify", lambda self, h, p: calls.append(h) or original(self, h, p))
    make_account(app)
    give_password(client, EMAIL, "not the password at all")
    give_password(client, "nobody@people.example", "not the password at all")
    assert len(calls) == 2 and all(h.startswith("$argon2id$") for h in calls)


def test_an_unconfirmed_account_is_sent_a_new_link_not_signed_in(app, client):
    make_account(app, confirmed=False)
    assert WRONG in give_password(client, EMAIL, "not the password at all").get_data(as_text=True)
    response = give_password(client)
    assert response.status_code == 200
    assert "You need to confirm your email address" in response.get_data(as_text=True)
    assert last_email(app, EMAIL).template == "account-confirm-email"
    assert client.get("/account/").status_code == 302
    assert emails(app, template="account-sign-in-code") == []


def test_password_alone_does_not_sign_in(app, client):
    make_account(app)
    response = give_password(client)
    assert response.headers["Location"].endswith("/account/sign-in/code")
    response = client.get("/account/")
    assert response.status_code == 302 and "/account/sign-in" in response.headers["Location"]
    assert _code_page(client).status_code == 200
    assert client.last_page.h1 == "Check your email for a code"


def test_the_code_page_needs_a_password_first(client):
    assert client.get("/account/sign-in/code").headers["Location"].endswith("/account/sign-in")


def test_the_emailed_code_signs_in_and_nothing_from_before_carries_over(app, client):
    make_account(app)
    client.get("/account/sign-in")
    before = session_cookie(app, client)
    give_password(client)
    message = last_email(app, EMAIL, "account-sign-in-code")
    assert message.subject == "Your sign-in code"
    with app.app_context():
        stored = db.session.scalar(select(OneTimeCode.code_hash))
    assert message.code not in stored and len(stored) == 64
    response = client.submit("/account/sign-in/code", {"code": f" {message.code[:3]} {message.code[3:]} "})
    assert response.headers["Location"].endswith("/account/")
    after = session_cookie(app, client)
    assert before and after and before != after
    assert client.get("/account/").status_code == 200
    assert client.last_page.h1 == "Your account"
    # The old, pre-sign-in cookie is not signed in.
    assert replay(app, before).get("/account/").status_code == 302


def test_wrong_codes_are_refused_and_five_tries_need_a_new_code(app, client):
    make_account(app)
    give_password(client)
    right = last_email(app, EMAIL, "account-sign-in-code").code
    wrong = "000000" if right != "000000" else "111111"
    for attempt in range(4):
        page = client.submit("/account/sign-in/code", {"code": wrong}).get_data(as_text=True)
        assert "The code is not right" in page, attempt
    page = client.submit("/account/sign-in/code", {"code": wrong}).get_data(as_text=True)
    assert "You have entered a wrong code too many times" in page
    # Even the right code no longer works: a new one is needed.
    page = client.submit("/account/sign-in/code", {"code": right}).get_data(as_text=True)
    assert "You have entered a wrong code too many times" in page
    assert client.last_page.title.startswith("Error: Check your email for a code")
    response = client.submit("/account/sign-in/new-code", {}, page="/account/sign-in/code")
    assert response.headers["Location"].endswith("/account/sign-in/code")
    fresh = last_email(app, EMAIL, "account-sign-in-code").code
    assert client.submit("/account/sign-in/code", {"code": fresh}).status_code == 302


def test_empty_and_odd_codes_get_a_message(app, client):
    make_account(app)
    give_password(client)
    assert "Enter the 6-digit code" in client.submit("/account/sign-in/code", {"code": ""}).get_data(as_text=True)
    page = client.submit("/account/sign-in/code", {"code": "12ab"}).get_data(as_text=True)
    assert "The code is not right" in page


def test_an_expired_code_does_not_work(app, client):
    make_account(app)
    give_password(client)
    code = last_email(app, EMAIL, "account-sign-in-code").code
    with app.app_context():
        db.session.execute(update(OneTimeCode).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    page = client.submit("/account/sign-in/code", {"code": code}).get_data(as_text=True)
    assert "This code has expired or has been used" in page


def test_a_code_works_once(app):
    make_account(app)
    first, second = app.test_client(), app.test_client()
    give_password(first)
    give_password(second)
    code = last_email(app, EMAIL, "account-sign-in-code").code
    assert first.submit("/account/sign-in/code", {"code": code}).status_code == 302
    page = second.submit("/account/sign-in/code", {"code": code}).get_data(as_text=True)
    assert "This code has expired or has been used" in page


def test_a_new_code_replaces_the_old_one(app, client):
    make_account(app)
    give_password(client)
    old = last_email(app, EMAIL, "account-sign-in-code").code
    response = client.submit("/account/sign-in/new-code", {}, page="/account/sign-in/code")
    assert "We have sent you a new code" in client.get(response.headers["Location"]).get_data(as_text=True)
    new = last_email(app, EMAIL, "account-sign-in-code").code
    if old != new:
        assert "The code is not right" in client.submit("/account/sign-in/code", {"code": old}).get_data(as_text=True)
    assert client.submit("/account/sign-in/code", {"code": new}).status_code == 302


def test_codes_per_hour_are_capped(app, client, monkeypatch):
    monkeypatch.setattr(public_rules, "CODES_PER_HOUR", 2)
    make_account(app)
    give_password(client)
    client.submit("/account/sign-in/new-code", {}, page="/account/sign-in/code")
    response = client.submit("/account/sign-in/new-code", {}, page="/account/sign-in/code")
    assert "We have sent you a lot of codes recently" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert len(emails(app, EMAIL, "account-sign-in-code")) == 2


def test_a_password_given_long_ago_must_be_given_again(app, client, monkeypatch):
    make_account(app)
    give_password(client)
    code = last_email(app, EMAIL, "account-sign-in-code").code
    token = client.csrf_token("/account/sign-in/code")
    monkeypatch.setattr(public_views, "PENDING_MAX_AGE", -1)
    response = client.post("/account/sign-in/code", data={"csrf_token": token, "code": code})
    assert response.headers["Location"].endswith("/account/sign-in")


def test_an_authenticator_app_replaces_the_emailed_code(app, client):
    make_account(app, totp_secret=SECRET)
    give_password(client)
    assert emails(app) == []
    _code_page(client)
    assert client.last_page.h1 == "Enter the code from your authenticator app"
    code = pyotp.TOTP(SECRET).now()
    assert "The code is not right" in client.submit("/account/sign-in/code", {"code": "000000" if code != "000000" else "111111"}).get_data(as_text=True)
    assert client.submit("/account/sign-in/code", {"code": code}).status_code == 302
    # The same app code does not work twice.
    other = app.test_client()
    give_password(other)
    assert "The code is not right" in other.submit("/account/sign-in/code", {"code": code}).get_data(as_text=True)


def test_sign_in_returns_to_the_page_asked_for_but_never_elsewhere(app, client):
    make_account(app)
    response = client.get("/account/details")
    assert response.status_code == 302
    target = response.headers["Location"]
    assert "next=" in target
    token = client.csrf_token(target)
    client.post(target, data={"csrf_token": token, "email": EMAIL, "password": PASSWORD})
    code = last_email(app, EMAIL, "account-sign-in-code").code
    assert client.submit("/account/sign-in/code", {"code": code}).headers["Location"].endswith("/account/details")

    other = app.test_client()
    for evil in ("https://evil.example/", "//evil.example/", "/staff/"):
        token = other.csrf_token("/account/sign-in")
        other.post(f"/account/sign-in?next={evil}", data={"csrf_token": token, "email": EMAIL, "password": PASSWORD})
        code = last_email(app, EMAIL, "account-sign-in-code").code
        assert other.submit("/account/sign-in/code", {"code": code}).headers["Location"].endswith("/account/")
        other.submit("/account/sign-out", {}, page="/account/")


def test_the_chosen_language_is_used_from_sign_in(app):
    make_account(app, language="cy")
    client = sign_in(app)
    client.get("/account/")
    assert client.last_page.tree.get("lang") == "cy"


def test_staff_are_not_account_holders(app, staff_client):
    assert staff_client.get("/account/").status_code == 404
    assert staff_client.get("/account/details").status_code == 404


def test_sign_in_is_audited(app):
    from portal.core.audit import AuditEvent

    make_account(app)
    sign_in(app)
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"public_password_accepted", "public_sign_in_code_sent", "public_signed_in"} <= actions


# --- Rate limits -----------------------------------------------------------------------------------


@pytest.fixture
def low_limit(app, monkeypatch):
    from portal.extensions import limiter

    monkeypatch.setitem(app.config, "SIGN_IN_LIMIT", "3 per minute")
    limiter.reset()
    yield
    limiter.reset()


def _post_from(client, url, data, address, page=None):
    token = client.csrf_token(page or url)
    return client.post(url, data={"csrf_token": token, **data}, environ_base={"REMOTE_ADDR": address})


def test_one_client_is_limited_whatever_the_addresses(app, client, low_limit):
    codes = [
        _post_from(client, "/account/sign-in", {"email": f"person{i}@people.example", "password": "wrong password"}, "10.0.0.1").status_code
        for i in range(5)
    ]
    assert codes == [200, 200, 200, 429, 429]


def test_one_address_is_limited_from_every_client(app, low_limit):
    codes = [
        _post_from(app.test_client(), "/account/sign-in", {"email": EMAIL, "password": "wrong password"}, f"10.0.0.{i}").status_code
        for i in range(1, 6)
    ]
    assert codes == [200, 200, 200, 429, 429]
    limited = _post_from(app.test_client(), "/account/sign-in", {"email": EMAIL.upper(), "password": "x"}, "10.0.1.1")
    assert limited.status_code == 429
    assert "Too many attempts" in limited.get_data(as_text=True)
    # Another address from a fresh client is not held up.
    other = _post_from(app.test_client(), "/account/sign-in", {"email": "other@people.example", "password": "x"}, "10.0.1.2")
    assert other.status_code == 200


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/account/register", {"email": EMAIL, "password": "short"}),
        ("/account/forgotten-password", {"email": EMAIL}),
    ],
)
def test_registration_and_reset_are_limited_per_address(app, low_limit, url, data):
    codes = [_post_from(app.test_client(), url, data, f"10.0.2.{i}").status_code for i in range(1, 6)]
    assert codes == [200, 200, 200, 429, 429]


def test_codes_and_new_codes_are_limited(app, client, low_limit):
    make_account(app)
    _post_from(client, "/account/sign-in", {"email": EMAIL, "password": PASSWORD}, "10.0.3.1")
    codes = [
        _post_from(client, "/account/sign-in/code", {"code": "999999"}, f"10.0.3.{i}").status_code for i in range(2, 7)
    ]
    # Per account being signed in to, whichever client the tries come from.
    assert codes == [200, 200, 200, 429, 429]
    resend = [
        _post_from(client, "/account/sign-in/new-code", {}, f"10.0.4.{i}", page="/account/sign-in/code").status_code for i in range(1, 6)
    ]
    assert resend == [302, 302, 302, 429, 429]


def test_no_email_address_reaches_the_logs(app, client, caplog, low_limit):
    caplog.set_level(logging.DEBUG)
    make_account(app)
    client.submit("/account/register", {"email": "new.person@people.example", "password": PASSWORD})
    for _ in range(5):
        give_password(client, EMAIL, "wrong password")
    other = sign_in_after_reset(app)
    other.get("/account/")
    client.submit("/account/forgotten-password", {"email": EMAIL})
    text = caplog.text.lower()
    # The limits were hit, yet the limiter logs neither the client's address nor the email's.
    for address in (EMAIL, "new.person@people.example", "people.example", "127.0.0.1"):
        assert address not in text


def sign_in_after_reset(app):
    from portal.extensions import limiter

    limiter.reset()
    return sign_in(app)


# --- Staying signed in -----------------------------------------------------------------------------


def test_signed_in_pages_carry_the_timeout_warning(app, client):
    page = client.get("/").get_data(as_text=True)
    assert "timeout-warning" not in page and "Sign in" in page
    make_account(app)
    signed_in = sign_in(app)
    signed_in.get("/account/")
    html = signed_in.last_page.html
    dialog = signed_in.last_page.tree.find(".//dialog")
    assert dialog.get("aria-labelledby") == "timeout-warning-heading"
    assert dialog.get("data-idle-seconds") == str(int(app.config["SESSION_IDLE_TIMEOUT"].total_seconds()))
    assert dialog.get("data-warning-seconds") == "120"
    assert '<script type="module" src="/assets/timeout-warning.js"></script>' in html
    assert "we sign you out if you do nothing for 30 minutes" in html
    assert "Your account" in html and "Sign out" in html


def test_the_timeout_script_is_served(client):
    with client.get("/assets/timeout-warning.js") as response:
        assert response.status_code == 200
        script = response.get_data(as_text=True)
    assert "showModal" in script and "keepAliveForm" in script


def test_staying_signed_in_from_the_warning_keeps_the_page(app, monkeypatch):
    import portal.accounts.sessions as sessions

    make_account(app)
    client = sign_in(app)
    token = client.csrf_token("/account/details")
    idle = app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
    start = time.time()
    monkeypatch.setattr(sessions, "_now", lambda: start + idle - 60)
    response = client.post(
        "/account/keep-signed-in",
        data={"csrf_token": token, "next": "/account/details"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    answer = json.loads(response.get_data(as_text=True))
    assert answer["signed_in"] is True and len(answer["csrf_token"]) > 20
    # The fresh token works for the page's forms.
    response = client.post("/account/details", data={"csrf_token": answer["csrf_token"], "name": ""})
    assert response.status_code == 200 and "Enter your name" in response.get_data(as_text=True)
    # The idle clock started again: well past the first limit, still signed in.
    monkeypatch.setattr(sessions, "_now", lambda: start + 2 * idle - 120)
    assert client.get("/account/").status_code == 200


def test_staying_signed_in_without_javascript_returns_to_the_page(app):
    make_account(app)
    client = sign_in(app)
    response = client.submit("/account/keep-signed-in", {"next": "/account/details"}, page="/account/details")
    assert response.headers["Location"].endswith("/account/details")
    assert "You are still signed in." in client.get("/account/details").get_data(as_text=True)
    response = client.submit("/account/keep-signed-in", {"next": "https://evil.example/"}, page="/account/")
    assert response.headers["Location"].endswith("/account/")


def test_an_idle_session_ends_and_the_keep_alive_cannot_revive_it(app, monkeypatch):
    import portal.accounts.sessions as sessions

    make_account(app)
    client = sign_in(app)
    token = client.csrf_token("/account/")
    later = time.time() + app.config["SESSION_IDLE_TIMEOUT"].total_seconds() + 5
    monkeypatch.setattr(sessions, "_now", lambda: later)
    response = client.post("/account/keep-signed-in", data={"csrf_token": token}, headers={"Accept": "application/json"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/sign-in")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You were signed out because you had not done anything for a while." in page
    assert client.get("/account/").status_code == 302
