"""Demonstration public accounts, with known passwords. Loading refuses to run in production mode.

``portal.demo.load_demo`` calls ``load_public_demo()`` inside its own transaction and commits.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from portal.accounts.models import PublicUser
from portal.accounts.rules import hash_password
from portal.core.db import db, utcnow

DEMO_PUBLIC_PASSWORD = "demo-account-2026"
# The same well-known example key as the demo staff, so one authenticator entry serves both.
DEMO_PUBLIC_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
DEMO_APPLICANT = "applicant@demo.example"
DEMO_BIRTH_RELATIVE = "birth.relative@demo.example"
DEMO_WELSH_SPEAKER = "siaradwr.cymraeg@demo.example"

DEMO_ACCOUNTS = [
    # email, name, language, authenticator secret
    (DEMO_APPLICANT, "Demo applicant", "en", None),
    (DEMO_BIRTH_RELATIVE, "Demo birth relative", "en", DEMO_PUBLIC_TOTP_SECRET),
    (DEMO_WELSH_SPEAKER, "Demo Welsh speaker", "cy", None),
]


class DemoRefused(RuntimeError):
    pass


def load_public_demo() -> str:
    """Add the demo public accounts (email confirmed) and say how to sign in as each. The caller commits."""
    if current_app.config["PORTAL_ENV"] == "production":
        raise DemoRefused("demo accounts are never loaded in production mode")
    if db.session.scalar(select(PublicUser).where(PublicUser.email == DEMO_APPLICANT)) is not None:
        return "Demo public accounts are loaded already."
    password_hash = hash_password(DEMO_PUBLIC_PASSWORD)
    for email, name, language, secret in DEMO_ACCOUNTS:
        db.session.add(
            PublicUser(
                email=email,
                name=name,
                password_hash=password_hash,
                email_confirmed_at=utcnow(),
                preferred_language=language,
                communication_needs=[],
                contact_preferences=["email"],
                totp_secret=secret,
            )
        )
    db.session.flush()
    return "\n".join(
        [
            f"Public accounts (password {DEMO_PUBLIC_PASSWORD}), at /account/sign-in:",
            f"  {DEMO_APPLICANT}: a code by email (read it in the back office outbox)",
            f"  {DEMO_BIRTH_RELATIVE}: a code from an authenticator app with the key {DEMO_PUBLIC_TOTP_SECRET}",
            f"  {DEMO_WELSH_SPEAKER}: a code by email; pages and emails in Welsh",
        ]
    )
