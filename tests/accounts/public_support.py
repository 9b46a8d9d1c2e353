"""Helpers for the public account tests: make accounts, read the emails the portal queued, sign in."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import select

from portal.accounts.models import PublicUser
from portal.accounts.rules import hash_password
from portal.core.db import db, utcnow
from portal.core.outbox import OutboxMessage
from tests.conftest import CheckedClient

PASSWORD = "correct horse battery staple"
EMAIL = "sam.taylor@people.example"
LINK = re.compile(r"http://portal\.test(/account/\S+)")
CODE = re.compile(r"\b(\d{6})\b")


@dataclass
class Email:
    recipient: str
    template: str
    locale: str
    subject: str
    body: str
    channel: str

    @property
    def link(self) -> str:
        found = LINK.search(self.body)
        assert found, f"no link in {self.template}"
        return found.group(1)

    @property
    def links(self) -> list[str]:
        return LINK.findall(self.body)

    @property
    def code(self) -> str:
        found = CODE.search(self.body)
        assert found, f"no code in {self.template}"
        return found.group(1)


def make_account(
    app: Flask,
    email: str = EMAIL,
    password: str = PASSWORD,
    confirmed: bool = True,
    totp_secret: str | None = None,
    language: str = "en",
) -> str:
    """An account straight in the database; gives back its public id."""
    with app.app_context():
        user = PublicUser(
            email=email,
            name="Sam Taylor",
            password_hash=hash_password(password),
            email_confirmed_at=utcnow() if confirmed else None,
            preferred_language=language,
            communication_needs=[],
            contact_preferences=[],
            totp_secret=totp_secret,
        )
        db.session.add(user)
        db.session.commit()
        return user.public_id


def account(app: Flask, email: str = EMAIL) -> PublicUser:
    with app.app_context():
        user = db.session.scalar(select(PublicUser).where(PublicUser.email == email))
        assert user is not None
        db.session.expunge(user)
        return user


def emails(app: Flask, recipient: str | None = None, template: str | None = None) -> list[Email]:
    """The emails queued so far, oldest first."""
    with app.app_context():
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if recipient is not None:
            query = query.where(OutboxMessage.recipient == recipient)
        if template is not None:
            query = query.where(OutboxMessage.template == template)
        return [
            Email(m.recipient, m.template, m.locale, m.subject, m.body, m.channel)
            for m in db.session.scalars(query)
        ]


def last_email(app: Flask, recipient: str | None = None, template: str | None = None) -> Email:
    found = emails(app, recipient, template)
    assert found, f"no {template or 'email'} queued"
    return found[-1]


def give_password(client: CheckedClient, email: str = EMAIL, password: str = PASSWORD) -> object:
    return client.submit("/account/sign-in", {"email": email, "password": password})


def sign_in(app: Flask, email: str = EMAIL, password: str = PASSWORD) -> CheckedClient:
    """A client signed in through the real pages, with the code from the email."""
    client: CheckedClient = app.test_client()  # type: ignore[assignment]
    response = give_password(client, email, password)
    assert response.headers["Location"].endswith("/account/sign-in/code")  # type: ignore[attr-defined]
    code = last_email(app, email, "account-sign-in-code").code
    response = client.submit("/account/sign-in/code", {"code": code})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def session_cookie(app: Flask, client: CheckedClient) -> str:
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"], domain="portal.test")
    return cookie.value if cookie else ""


def replay(app: Flask, cookie_value: str) -> CheckedClient:
    """A second browser holding a copy of a session cookie."""
    client: CheckedClient = app.test_client()  # type: ignore[assignment]
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie_value, domain="portal.test")
    return client
