from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import select

from portal.accounts import public_rules
from portal.accounts.models import PublicUser, StaffUser
from portal.core.audit import AuditEvent
from portal.core.db import db
from portal.demo import DEMO_STAFF
from tests.accounts.public_support import account, emails, give_password, last_email, make_account

PASSWORD = "a password of my own"
INVITEE = "birth.parent@people.example"
PHONE = "07700 900982"


def _invite(app, email=INVITEE, phone=None, language="en"):
    with app.test_request_context():
        staff = db.session.scalar(select(StaffUser).where(StaffUser.email == DEMO_STAFF))
        user = public_rules.invite_public_user("Alex Morgan", email, phone, staff, language=language)
        db.session.commit()
        return user.public_id


def test_staff_invite_someone_by_email_who_then_sets_a_password(app, client, demo):
    public_id = _invite(app, email=" Birth.Parent@People.example ", language="pl")
    user = account(app, INVITEE)
    assert user.password_hash is None and user.email_confirmed_at is None and user.name == "Alex Morgan"
    message = last_email(app, INVITEE)
    assert (message.template, message.channel, message.locale) == ("account-invitation", "email", "pl")
    link = message.link
    assert link.startswith("/account/invitations/")
    # Nobody can sign in to an invited account before the password is set.
    refused = give_password(client, INVITEE, "any password at all").get_data(as_text=True)
    assert "Enter a correct email address and password" in refused
    page = client.get(link)
    assert page.status_code == 200 and client.last_page.h1 == "Set up your account"
    assert 'name="email"' not in page.get_data(as_text=True)
    assert "Password must be 8 characters or more" in client.submit(link, {"password": "short"}).get_data(as_text=True)
    response = client.submit(link, {"password": PASSWORD})
    assert response.headers["Location"].endswith("/account/sign-in")
    assert account(app, INVITEE).email_confirmed_at is not None
    assert client.get(link).status_code == 404
    assert give_password(client, INVITEE, PASSWORD).headers["Location"].endswith("/account/sign-in/code")
    with app.app_context():
        invited = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "public_user_invited", AuditEvent.object_id == public_id)
        )
        staff_id = db.session.scalar(select(StaffUser.id).where(StaffUser.email == DEMO_STAFF))
    assert invited is not None and invited.staff_id == staff_id


def test_someone_with_only_a_phone_is_invited_by_text_message(app, client, demo):
    public_id = _invite(app, email=None, phone=PHONE)
    message = last_email(app, PHONE)
    assert (message.template, message.channel) == ("account-invitation-sms", "sms")
    assert len(message.body) < 320
    link = message.link
    page = client.get(link).get_data(as_text=True)
    assert 'name="email"' in page
    response = client.submit(link, {"email": "", "password": PASSWORD})
    assert "Enter your email address" in response.get_data(as_text=True)
    response = client.submit(link, {"email": INVITEE, "password": PASSWORD})
    assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(select(PublicUser).where(PublicUser.public_id == public_id))
        assert user.email is None and user.pending_email == INVITEE
    confirm = last_email(app, INVITEE, "account-confirm-email")
    assert confirm.link.startswith("/account/confirm-email-change/")
    client.submit(confirm.link, {})
    user = account(app, INVITEE)
    assert user.phone == PHONE and user.email_confirmed_at is not None
    assert give_password(client, INVITEE, PASSWORD).headers["Location"].endswith("/account/sign-in/code")


def test_invitations_need_a_way_to_reach_someone_and_a_new_address(app, demo):
    make_account(app, email=INVITEE)
    with pytest.raises(public_rules.AccountExists):
        _invite(app)
    with pytest.raises(ValueError):
        _invite(app, email=" ", phone=" ")


def test_an_invitation_expires(app, client, demo, monkeypatch):
    _invite(app)
    link = last_email(app, INVITEE).link
    monkeypatch.setattr(public_rules, "INVITATION_MAX_AGE", -1)
    response = client.get(link)
    assert response.status_code == 404 and "This link does not work" in response.get_data(as_text=True)


def test_the_demo_accounts_sign_in(app, client, monkeypatch):
    from portal.accounts.public_demo import (
        DEMO_BIRTH_RELATIVE,
        DEMO_PUBLIC_PASSWORD,
        DEMO_PUBLIC_TOTP_SECRET,
        DemoRefused,
        load_public_demo,
    )

    with app.app_context():
        assert "demo.example" in load_public_demo()
        db.session.commit()
        assert load_public_demo() == "Demo public accounts are loaded already."
    assert public_rules.password_problem(DEMO_PUBLIC_PASSWORD) is None
    give_password(client, DEMO_BIRTH_RELATIVE, DEMO_PUBLIC_PASSWORD)
    response = client.submit("/account/sign-in/code", {"code": pyotp.TOTP(DEMO_PUBLIC_TOTP_SECRET).now()})
    assert response.headers["Location"].endswith("/account/")
    assert emails(app) == []

    monkeypatch.setitem(app.config, "PORTAL_ENV", "production")
    with app.app_context(), pytest.raises(DemoRefused):
        load_public_demo()
