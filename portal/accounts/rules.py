"""Staff sign-in rules: passwords (argon2id), authenticator codes (TOTP), sessions that can be ended."""

from __future__ import annotations

import time

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import func, select

from portal.accounts.models import StaffUser
from portal.core import audit
from portal.core.db import db

MIN_PASSWORD = 8
MAX_PASSWORD = 128


def _hasher() -> PasswordHasher:
    # Tests run with cheaper parameters; production uses argon2-cffi's argon2id defaults.
    params = current_app.config.get("ARGON2_PARAMS") or {}
    return PasswordHasher(**params)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


_DUMMY_HASH: dict[str, str] = {}


def _dummy_hash() -> str:
    key = repr(current_app.config.get("ARGON2_PARAMS"))
    if key not in _DUMMY_HASH:
        _DUMMY_HASH[key] = hash_password("not a real password, used to even out timing")
    return _DUMMY_HASH[key]


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_staff_by_email(email: str) -> StaffUser | None:
    return db.session.scalar(
        select(StaffUser).where(func.lower(StaffUser.email) == normalise_email(email))
    )


def find_staff(public_id: str) -> StaffUser | None:
    return db.session.scalar(select(StaffUser).where(StaffUser.public_id == public_id))


def check_password(email: str, password: str) -> StaffUser | None:
    """The active staff member with this email and password, or None; the same work either way."""
    user = find_staff_by_email(email)
    try:
        _hasher().verify(user.password_hash if user else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    return user


def create_staff(email: str, name: str, password: str, totp_secret: str | None = None) -> StaffUser:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise ValueError("password length")
    user = StaffUser(
        email=normalise_email(email), name=name, password_hash=hash_password(password), totp_secret=totp_secret
    )
    db.session.add(user)
    db.session.flush()
    audit.record("staff_created", "staff_user", user.public_id)
    return user


def new_totp_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=current_app.config["TOTP_ISSUER"])


def _matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    code = "".join(code.split())
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    moment = time.time() if now is None else now
    # One step either side allows for a phone clock that is a little out.
    for offset in (0, -1, 1):
        at = moment + offset * totp.interval
        if pyotp.utils.strings_equal(totp.at(at), code):
            return int(at // totp.interval)
    return None


def verify_code(user: StaffUser, code: str, secret: str | None = None) -> bool:
    """True for a current code not used before; a code is accepted once only."""
    secret = secret or user.totp_secret
    if not secret:
        return False
    step = _matching_step(secret, code)
    if step is None or step <= user.last_totp_step:
        return False
    user.last_totp_step = step
    return True


def confirm_authenticator(user: StaffUser, secret: str, code: str) -> bool:
    if not verify_code(user, code, secret=secret):
        return False
    user.totp_secret = secret
    audit.record("staff_second_factor_set_up", "staff_user", user.public_id)
    return True


def end_sessions(user: StaffUser) -> None:
    """Make every session of this person stop working, including the one in use."""
    user.session_epoch += 1
