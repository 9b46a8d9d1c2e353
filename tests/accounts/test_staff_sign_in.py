from __future__ import annotations

import time

import pyotp
from sqlalchemy import select

from portal.accounts.models import StaffUser
from portal.core.audit import AuditEvent
from portal.core.db import db
from portal.demo import DEMO_NEW_STAFF, DEMO_PASSWORD, DEMO_STAFF, DEMO_TOTP_SECRET


def test_wrong_password_and_unknown_address_get_the_same_answer(client, demo):
    wrong = client.submit("/staff/sign-in", {"email": DEMO_STAFF, "password": "not-the-password"})
    unknown = client.submit("/staff/sign-in", {"email": "nobody@ace.example", "password": "not-the-password"})
    assert wrong.status_code == unknown.status_code == 200
    for response in (wrong, unknown):
        assert "Enter a correct email address and password" in response.get_data(as_text=True)
    # Nothing in the page says which of the two it was.
    strip = lambda r: r.get_data(as_text=True).replace(DEMO_STAFF, "").replace("nobody@ace.example", "")  # noqa: E731
    import re

    tokens = re.compile(r'(?:value|nonce)="[^"]{20,}"')
    assert tokens.sub("", strip(wrong)) == tokens.sub("", strip(unknown))


def test_password_alone_does_not_sign_in(client, demo):
    client.submit("/staff/sign-in", {"email": DEMO_STAFF, "password": DEMO_PASSWORD})
    response = client.get("/staff/")
    assert response.status_code == 302
    assert "/staff/sign-in" in response.headers["Location"]


def test_code_is_needed_and_wrong_codes_are_refused(client, demo):
    client.submit("/staff/sign-in", {"email": DEMO_STAFF, "password": DEMO_PASSWORD})
    response = client.submit("/staff/sign-in/code", {"code": "000000"})
    assert "The code is not right" in response.get_data(as_text=True)
    response = client.submit("/staff/sign-in/code", {"code": "12ab"})
    assert "The code is not right" in response.get_data(as_text=True)
    response = client.submit("/staff/sign-in/code", {"code": ""})
    assert "Enter the 6-digit code" in response.get_data(as_text=True)


def test_a_code_works_once_only(app, demo):
    code = pyotp.TOTP(DEMO_TOTP_SECRET).now()
    first = app.test_client()
    first.submit("/staff/sign-in", {"email": DEMO_STAFF, "password": DEMO_PASSWORD})
    assert first.submit("/staff/sign-in/code", {"code": code}).status_code == 302
    second = app.test_client()
    second.submit("/staff/sign-in", {"email": DEMO_STAFF, "password": DEMO_PASSWORD})
    response = second.submit("/staff/sign-in/code", {"code": code})
    assert response.status_code == 200
    assert "The code is not right" in response.get_data(as_text=True)


def test_first_sign_in_sets_up_an_authenticator(app, client, demo):
    response = client.submit("/staff/sign-in", {"email": DEMO_NEW_STAFF, "password": DEMO_PASSWORD})
    assert response.headers["Location"].endswith("/staff/sign-in/set-up-authenticator")
    page = client.get("/staff/sign-in/set-up-authenticator").get_data(as_text=True)
    assert "<svg" in page
    import re

    secret = re.search(r'<code class="app-secret" translate="no">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    # The secret shown on the page is the one the QR code carries, and nothing is stored until confirmed.
    with app.app_context():
        assert db.session.scalar(select(StaffUser).where(StaffUser.email == DEMO_NEW_STAFF)).totp_secret is None
    response = client.submit("/staff/sign-in/set-up-authenticator", {"code": pyotp.TOTP(secret).now()})
    assert response.headers["Location"].endswith("/staff/")
    assert client.get("/staff/").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(StaffUser).where(StaffUser.email == DEMO_NEW_STAFF)).totp_secret == secret


def test_sign_out_makes_the_old_cookie_useless(app, staff_client):
    cookie = staff_client.get_cookie(app.config["SESSION_COOKIE_NAME"], domain="portal.test")
    assert staff_client.get("/staff/").status_code == 200
    token = staff_client.csrf_token("/staff/")
    response = staff_client.post("/staff/sign-out", data={"csrf_token": token})
    assert response.headers["Location"].endswith("/staff/signed-out")
    replay = app.test_client()
    replay.set_cookie(cookie.key, cookie.value, domain="portal.test")
    response = replay.get("/staff/")
    assert response.status_code == 302
    assert "/staff/sign-in" in response.headers["Location"]


def test_deactivated_staff_are_signed_out_at_once(app, staff_client):
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.email == DEMO_STAFF))
        user.active = False
        db.session.commit()
    assert staff_client.get("/staff/").status_code == 302


def test_idle_sessions_end(app, staff_client, monkeypatch):
    import portal.accounts.sessions as sessions

    later = time.time() + app.config["SESSION_IDLE_TIMEOUT"].total_seconds() + 5
    monkeypatch.setattr(sessions, "_now", lambda: later)
    response = staff_client.get("/staff/")
    assert response.status_code == 302
    follow = staff_client.get(response.headers["Location"])
    assert "You were signed out because you had not done anything for a while." in follow.get_data(as_text=True)


def test_sessions_end_after_the_absolute_limit_even_when_busy(app, staff_client, monkeypatch):
    import portal.accounts.sessions as sessions

    start = time.time()
    step = app.config["SESSION_IDLE_TIMEOUT"].total_seconds() - 60
    limit = app.config["SESSION_ABSOLUTE_TIMEOUT"].total_seconds()
    moment = start
    while moment - start < limit - step:
        moment += step
        monkeypatch.setattr(sessions, "_now", lambda m=moment: m)
        assert staff_client.get("/staff/").status_code == 200
    monkeypatch.setattr(sessions, "_now", lambda: start + limit + 1)
    assert staff_client.get("/staff/").status_code == 302


def test_next_only_goes_to_our_own_staff_pages(client, demo):
    client.get("/staff/sign-in?next=https://evil.example/")
    token = client.csrf_token("/staff/sign-in")
    client.post("/staff/sign-in?next=https://evil.example/", data={"csrf_token": token, "email": DEMO_STAFF, "password": DEMO_PASSWORD})
    response = client.submit("/staff/sign-in/code", {"code": pyotp.TOTP(DEMO_TOTP_SECRET).now()})
    assert response.headers["Location"].endswith("/staff/")


def test_sign_in_is_audited(app, staff_client):
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"staff_password_accepted", "staff_signed_in"} <= actions


def test_sign_in_attempts_are_rate_limited(app, client, demo, monkeypatch):
    from portal.extensions import limiter

    monkeypatch.setitem(app.config, "SIGN_IN_LIMIT", "3 per minute")
    limiter.reset()
    try:
        codes = [
            client.submit("/staff/sign-in", {"email": "a@b.example", "password": "wrong-password"}).status_code
            for _ in range(5)
        ]
        assert codes == [200, 200, 200, 429, 429]
        limited = client.submit("/staff/sign-in", {"email": "a@b.example", "password": "wrong-password"})
        assert "Too many attempts" in limited.get_data(as_text=True)
    finally:
        limiter.reset()



def test_every_form_post_is_rate_limited_but_reading_is_not(app, client, demo, monkeypatch):
    from portal.extensions import limiter

    monkeypatch.setitem(app.config, "FORM_POST_LIMIT", "3 per minute")
    limiter.reset()
    try:
        statuses = [client.submit("/adopt/enquiry/about-you", {"full_name": ""}).status_code for _ in range(5)]
        assert statuses == [200, 200, 200, 429, 429]
        assert all(client.get("/adopt/enquiry/about-you").status_code == 200 for _ in range(10))
    finally:
        limiter.reset()


def test_session_fixation_a_cookie_from_before_sign_in_grants_nothing(app, client, demo):
    client.submit("/staff/sign-in", {"email": DEMO_STAFF, "password": DEMO_PASSWORD})
    before = client.get_cookie(app.config["SESSION_COOKIE_NAME"], domain="portal.test").value
    client.submit("/staff/sign-in/code", {"code": pyotp.TOTP(DEMO_TOTP_SECRET).now()})
    after = client.get_cookie(app.config["SESSION_COOKIE_NAME"], domain="portal.test").value
    assert before != after
    planted = app.test_client()
    planted.set_cookie(app.config["SESSION_COOKIE_NAME"], before, domain="portal.test")
    assert planted.get("/staff/").status_code == 302
