"""Public account rules: register, confirm an email address, sign in with a second factor, reset a
password, change the email address, keep a profile, and accept an invitation made by staff.

Links sent by email are signed tokens that carry only the account's opaque id and a fingerprint of
the state the link may change (the password, the address waiting to be confirmed). Once the link has
been used that state has moved on, so the same link stops working; and no email address ever ends up
in a URL.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import OneTimeCode, PublicUser, StaffUser
from portal.accounts.rules import (
    MAX_PASSWORD,
    MIN_PASSWORD,
    dummy_hash,
    hash_password,
    normalise_email,
    password_hasher,
    verify_code,
)
from portal.core import audit, outbox
from portal.core.db import db, utcnow

CONFIRM_MAX_AGE = 24 * 3600
RESET_MAX_AGE = 3600
EMAIL_CHANGE_MAX_AGE = 24 * 3600
INVITATION_MAX_AGE = 7 * 24 * 3600

SIGN_IN = "sign_in"
CODE_LIFETIME = timedelta(minutes=10)
CODE_TRIES = 5
# Each code allows 5 guesses, so this caps guesses at 50 an hour for someone who has the password.
CODES_PER_HOUR = 10

OBJECT = "public_user"


class ContactMethod(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    TEXT_MESSAGE = "text_message"
    LETTER = "letter"


class CodeResult(StrEnum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    TOO_MANY_TRIES = "too_many_tries"
    EXPIRED = "expired"


class PasswordProblem(StrEnum):
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    TOO_COMMON = "too_common"


class AccountExists(Exception):
    """Staff tried to invite someone whose email address already has an account."""


# ---------------------------------------------------------------------------------------------------
# Passwords


@cache
def common_passwords() -> frozenset[str]:
    """The common passwords shipped with the portal (from the ranked list in the MIT-licensed zxcvbn
    project, 8 characters or more, lower case): the ones attackers try first."""
    path = Path(__file__).with_name("common_passwords.txt")
    return frozenset(line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


def password_problem(password: str, email: str | None = None) -> PasswordProblem | None:
    """Length and a check against common passwords only: composition rules make passwords worse."""
    if len(password) < MIN_PASSWORD:
        return PasswordProblem.TOO_SHORT
    if len(password) > MAX_PASSWORD:
        return PasswordProblem.TOO_LONG
    folded = password.strip().lower()
    address = normalise_email(email) if email else ""
    if folded in common_passwords() or (address and folded in {address, address.partition("@")[0]}):
        return PasswordProblem.TOO_COMMON
    return None


def _set_password(user: PublicUser, password: str) -> None:
    if password_problem(password) is not None:
        raise ValueError("password not acceptable")
    user.password_hash = hash_password(password)


def find_by_email(email: str) -> PublicUser | None:
    # Addresses are stored normalised, so this uses the unique index.
    return db.session.scalar(select(PublicUser).where(PublicUser.email == normalise_email(email)))


def find_public_user(public_id: str) -> PublicUser | None:
    return db.session.scalar(select(PublicUser).where(PublicUser.public_id == public_id))


def check_password(email: str, password: str) -> PublicUser | None:
    """The active account with this email address and password, or None: the same work either way,
    so how long the answer takes says nothing about whether the address has an account."""
    user = find_by_email(email)
    stored = user.password_hash if user is not None and user.password_hash else dummy_hash()
    try:
        password_hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or user.password_hash is None or not user.active:
        return None
    if password_hasher().check_needs_rehash(user.password_hash):
        # Stronger hashing settings take effect as people sign in.
        user.password_hash = hash_password(password)
    return user


def password_matches(user: PublicUser, password: str) -> bool:
    """For asking a signed-in person for their password again before a sensitive change."""
    try:
        return bool(user.password_hash) and password_hasher().verify(str(user.password_hash), password)
    except (VerificationError, InvalidHashError):
        return False


# ---------------------------------------------------------------------------------------------------
# Links


def _secret() -> bytes:
    return str(current_app.secret_key).encode()


def _digest(*parts: object) -> str:
    message = "|".join(str(part) for part in parts).encode()
    return hmac.new(_secret(), message, hashlib.sha256).hexdigest()


def limit_key_for_address(email: str) -> str:
    """A rate-limit key for an email address. Hashed, because limiter storage and its log lines
    must not hold addresses."""
    return "address:" + _digest("rate-limit", normalise_email(email))[:32]


def _state(purpose: str, user: PublicUser) -> str:
    if purpose == "confirm":
        return f"{user.email}|{user.email_confirmed_at is None}"
    if purpose == "reset":
        return f"{user.password_hash}"
    if purpose == "email-change":
        return f"{user.pending_email}"
    if purpose == "invitation":
        return f"{user.password_hash}|{user.email}"
    raise ValueError(purpose)


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(str(current_app.secret_key), salt=f"public-account-{purpose}")


def _token(purpose: str, user: PublicUser) -> str:
    fingerprint = _digest(purpose, user.public_id, _state(purpose, user))[:32]
    return str(_serializer(purpose).dumps({"id": user.public_id, "fp": fingerprint}))


def _user_from_token(purpose: str, token: str, max_age: int) -> PublicUser | None:
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except BadSignature:  # SignatureExpired is a BadSignature too
        return None
    if not isinstance(data, dict):
        return None
    user = find_public_user(str(data.get("id", "")))
    if user is None or not user.active:
        return None
    expected = _digest(purpose, user.public_id, _state(purpose, user))[:32]
    if not hmac.compare_digest(str(data.get("fp", "")), expected):
        return None
    return user


def _link(endpoint: str, **values: Any) -> str:
    return str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/") + url_for(endpoint, **values)


def _queue(recipient: str, template: str, user: PublicUser, **context: object) -> outbox.OutboxMessage:
    # Every email goes in the language the person chose, whatever language the page is in.
    return outbox.queue_email(recipient, template, user.preferred_language, **context)


# ---------------------------------------------------------------------------------------------------
# Registration and confirming the email address


def register(email: str, password: str, language: str) -> PublicUser | None:
    """Start an account and email a confirmation link; if the address has an account already, email
    its owner to say so instead. The page and the work are the same either way."""
    if password_problem(password, email) is not None:
        raise ValueError("password not acceptable")
    address = normalise_email(email)
    password_hash = hash_password(password)  # hashed either way, so both answers take as long
    existing = find_by_email(address)
    if existing is None:
        user = PublicUser(
            email=address,
            password_hash=password_hash,
            preferred_language=language,
            communication_needs=[],
            contact_preferences=[],
        )
        db.session.add(user)
        try:
            db.session.flush()
        except IntegrityError:
            # Two registrations for one address at the same moment: the other one won.
            db.session.rollback()
            existing = find_by_email(address)
        else:
            send_confirmation(user)
            audit.record("public_account_registered", OBJECT, user.public_id)
            return user
    if existing is not None:
        _queue(
            address,
            "account-already-registered",
            existing,
            sign_in_link=_link("accounts_public.sign_in"),
            reset_link=_link("accounts_public.request_password_reset"),
        )
    return None


def send_confirmation(user: PublicUser) -> None:
    if user.email:
        link = _link("accounts_public.confirm_email", token=_token("confirm", user))
        _queue(user.email, "account-confirm-email", user, link=link)


def user_from_confirmation(token: str) -> PublicUser | None:
    return _user_from_token("confirm", token, CONFIRM_MAX_AGE)


def confirm_email(user: PublicUser) -> None:
    user.email_confirmed_at = utcnow()
    audit.record("public_email_confirmed", OBJECT, user.public_id)


# ---------------------------------------------------------------------------------------------------
# The second factor: a code by email, or an authenticator app


def _code_hash(user: PublicUser, code: str) -> str:
    # Keyed with the app's secret: a copy of the table alone does not let anyone try all million codes.
    return _digest(SIGN_IN, user.public_id, code)


def send_sign_in_code(user: PublicUser) -> bool:
    """Email a new 6-digit code (any earlier code stops working). False when so many have been sent
    in the last hour that no more will be, for now."""
    since = utcnow() - timedelta(hours=1)
    recent = db.session.scalar(
        select(func.count())
        .select_from(OneTimeCode)
        .where(OneTimeCode.user_id == user.id, OneTimeCode.purpose == SIGN_IN, OneTimeCode.created_at >= since)
    )
    if (recent or 0) >= CODES_PER_HOUR or not user.email:
        return False
    code = f"{secrets.randbelow(10**6):06d}"
    db.session.add(
        OneTimeCode(
            user_id=user.id,
            purpose=SIGN_IN,
            code_hash=_code_hash(user, code),
            expires_at=utcnow() + CODE_LIFETIME,
        )
    )
    _queue(user.email, "account-sign-in-code", user, code=code,
           reset_link=_link("accounts_public.request_password_reset"))
    audit.record("public_sign_in_code_sent", OBJECT, user.public_id)
    return True


def check_sign_in_code(user: PublicUser, code: str) -> CodeResult:
    """Try the latest emailed code: valid for 10 minutes, once, with at most 5 tries."""
    latest = db.session.scalar(
        select(OneTimeCode)
        .where(OneTimeCode.user_id == user.id, OneTimeCode.purpose == SIGN_IN)
        .order_by(OneTimeCode.created_at.desc(), OneTimeCode.id.desc())
        .limit(1)
        .with_for_update()
    )
    if latest is None or latest.used_at is not None or latest.expires_at <= utcnow():
        return CodeResult.EXPIRED
    if latest.attempts >= CODE_TRIES:
        return CodeResult.TOO_MANY_TRIES
    latest.attempts += 1
    typed = "".join(code.split())
    if hmac.compare_digest(latest.code_hash, _code_hash(user, typed)):
        latest.used_at = utcnow()
        return CodeResult.ACCEPTED
    audit.record("public_sign_in_code_refused", OBJECT, user.public_id)
    return CodeResult.WRONG if latest.attempts < CODE_TRIES else CodeResult.TOO_MANY_TRIES


def _discard_codes(user: PublicUser) -> None:
    now = utcnow()
    for code in db.session.scalars(
        select(OneTimeCode).where(OneTimeCode.user_id == user.id, OneTimeCode.used_at.is_(None))
    ):
        code.used_at = now


def check_authenticator_code(user: PublicUser, code: str, secret: str | None = None) -> bool:
    """True for a current code from the app that has not been used before."""
    return verify_code(user, code, secret=secret)


def set_up_authenticator(user: PublicUser, secret: str, code: str) -> bool:
    if not check_authenticator_code(user, code, secret=secret):
        return False
    user.totp_secret = secret
    audit.record("public_authenticator_set_up", OBJECT, user.public_id)
    return True


def remove_authenticator(user: PublicUser) -> None:
    """Back to codes by email. Staff can do this for someone who has lost their phone."""
    user.totp_secret = None
    user.last_totp_step = 0
    audit.record("public_authenticator_removed", OBJECT, user.public_id)


def record_sign_in(user: PublicUser) -> None:
    audit.record("public_signed_in", OBJECT, user.public_id)


def end_sessions(user: PublicUser) -> None:
    """Every session of this person stops working, including the one in use."""
    user.session_epoch += 1


# ---------------------------------------------------------------------------------------------------
# Forgotten password


def request_password_reset(email: str) -> None:
    """Email a reset link if the address has an account. Unknown addresses get nothing (the page
    says the same either way), so the form cannot be used to send our emails to anyone."""
    user = find_by_email(email)
    if user is None or not user.active or not user.email:
        return
    link = _link("accounts_public.reset_password", token=_token("reset", user))
    _queue(user.email, "account-reset-password", user, link=link)
    audit.record("public_password_reset_requested", OBJECT, user.public_id)


def user_from_reset(token: str) -> PublicUser | None:
    return _user_from_token("reset", token, RESET_MAX_AGE)


def reset_password(user: PublicUser, password: str) -> None:
    _set_password(user, password)
    if user.email_confirmed_at is None:
        # The link reached this address, which proves it is theirs.
        user.email_confirmed_at = utcnow()
    _discard_codes(user)
    end_sessions(user)
    audit.record("public_password_reset", OBJECT, user.public_id)


# ---------------------------------------------------------------------------------------------------
# Changing the email address


def request_email_change(user: PublicUser, new_email: str, template: str = "account-change-email") -> None:
    """Send a confirmation link to the new address; the address changes only when it is followed.
    If another account has that address, its owner is told instead, and the page says the same."""
    address = normalise_email(new_email)
    other = find_by_email(address)
    if other is not None and other.id != user.id:
        _queue(address, "account-email-in-use", other, sign_in_link=_link("accounts_public.sign_in"))
        audit.record("public_email_change_requested", OBJECT, user.public_id)
        return
    user.pending_email = address
    link = _link("accounts_public.confirm_email_change", token=_token("email-change", user))
    _queue(address, template, user, link=link)
    audit.record("public_email_change_requested", OBJECT, user.public_id)


def user_from_email_change(token: str) -> PublicUser | None:
    return _user_from_token("email-change", token, EMAIL_CHANGE_MAX_AGE)


def confirm_email_change(user: PublicUser) -> bool:
    """Make the confirmed new address the account's, and tell the old address. False if someone
    else took the address in the meantime."""
    address = user.pending_email
    if not address:
        return False
    other = find_by_email(address)
    if other is not None and other.id != user.id:
        user.pending_email = None
        return False
    old = user.email
    user.email = address
    user.pending_email = None
    user.email_confirmed_at = utcnow()
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return False
    if old and old != address:
        _queue(old, "account-email-changed", user, sign_in_link=_link("accounts_public.sign_in"))
    audit.record("public_email_changed", OBJECT, user.public_id)
    return True


# ---------------------------------------------------------------------------------------------------
# Profile


@dataclass(frozen=True)
class Profile:
    name: str
    preferred_language: str
    communication_needs: list[str]
    interpreter_language: str
    communication_other: str
    contact_methods: list[str]
    contact_note: str


def contact_methods(user: PublicUser) -> list[str]:
    return list(user.contact_preferences or [])


def contact_note(user: PublicUser) -> str:
    return user.contact_note or ""


def profile_of(user: PublicUser) -> Profile:
    return Profile(
        name=user.name,
        preferred_language=user.preferred_language,
        communication_needs=list(user.communication_needs or []),
        interpreter_language=user.interpreter_language,
        communication_other=user.communication_other,
        contact_methods=contact_methods(user),
        contact_note=contact_note(user),
    )


def update_profile(user: PublicUser, profile: Profile) -> None:
    """Save the person's details. The language is used for every page and email from now on."""
    if profile.preferred_language not in current_app.config["LOCALES"]:
        raise ValueError("unsupported language")
    user.name = profile.name
    user.preferred_language = profile.preferred_language
    user.communication_needs = sorted(set(profile.communication_needs))
    # Details for a need that is no longer ticked would only mislead staff.
    user.interpreter_language = profile.interpreter_language if "interpreter" in profile.communication_needs else ""
    user.communication_other = profile.communication_other if "other" in profile.communication_needs else ""
    methods = [m.value for m in ContactMethod if m.value in profile.contact_methods]
    user.contact_preferences = methods
    user.contact_note = profile.contact_note
    audit.record("public_profile_changed", OBJECT, user.public_id)


# ---------------------------------------------------------------------------------------------------
# Invitations: staff make an account for someone, who sets their own password


def invite_public_user(
    name: str, email: str | None, phone: str | None, staff_user: StaffUser, language: str = "en"
) -> PublicUser:
    """Make an account for someone and send them an invitation: by email when there is an address,
    otherwise by text message (queued in the outbox for a text-message backend to send).

    Raises AccountExists if the email address has an account already, and ValueError when there is
    neither an email address nor a phone number.
    """
    address = normalise_email(email) if email and email.strip() else None
    number = phone.strip() if phone and phone.strip() else None
    if address is None and number is None:
        raise ValueError("an invitation needs an email address or a phone number")
    if address is not None and find_by_email(address) is not None:
        raise AccountExists()
    user = PublicUser(
        name=name,
        email=address,
        phone=number,
        password_hash=None,
        preferred_language=language if language in current_app.config["LOCALES"] else "en",
        communication_needs=[],
        contact_preferences=[],
        invited_by_staff_id=staff_user.id,
    )
    db.session.add(user)
    db.session.flush()
    link = _link("accounts_public.accept_invitation", token=_token("invitation", user))
    if address is not None:
        _queue(address, "account-invitation", user, link=link)
    else:
        message = _queue(str(number), "account-invitation-sms", user, link=link)
        message.channel = "sms"
    # The staff member named by the caller is the one who acted, whoever is signed in.
    audit.record("public_user_invited", OBJECT, user.public_id).staff_id = staff_user.id
    return user


def user_from_invitation(token: str) -> PublicUser | None:
    """The invited person while the invitation is unexpired and unused (no password yet)."""
    user = _user_from_token("invitation", token, INVITATION_MAX_AGE)
    if user is None or user.password_hash is not None:
        return None
    return user


def accept_invitation(user: PublicUser, password: str, email: str | None = None) -> None:
    """Set the invited person's password. Someone invited by text message gives an email address
    to sign in with, which is confirmed by a link like any change of address."""
    _set_password(user, password)
    if user.email:
        # The invitation reached this address, which proves it is theirs.
        user.email_confirmed_at = user.email_confirmed_at or utcnow()
    elif email:
        request_email_change(user, email, template="account-confirm-email")
    audit.record("public_invitation_accepted", OBJECT, user.public_id)
