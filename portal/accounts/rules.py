"""Staff sign-in rules: passwords (argon2id), authenticator codes (TOTP), sessions that can be ended."""

from __future__ import annotations

import time

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from portal.accounts.models import PublicUser, StaffRole, StaffUser
from portal.core import audit
from portal.core.db import db, utcnow

MIN_PASSWORD = 8
MAX_PASSWORD = 128


def password_hasher() -> PasswordHasher:
    # Tests run with cheaper parameters; production uses argon2-cffi's argon2id defaults.
    params = current_app.config.get("ARGON2_PARAMS") or {}
    return PasswordHasher(**params)


def hash_password(password: str) -> str:
    return password_hasher().hash(password)


_DUMMY_HASHES: dict[str, str] = {}


def dummy_hash() -> str:
    key = repr(current_app.config.get("ARGON2_PARAMS"))
    if key not in _DUMMY_HASHES:
        _DUMMY_HASHES[key] = hash_password("not a real password, used to even out timing")
    return _DUMMY_HASHES[key]


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
        password_hasher().verify(user.password_hash if user and user.password_hash else dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if user is not None and user.password_hash is None:
        return None
    if user is None or not user.active:
        return None
    return user


def create_staff(
    email: str,
    name: str,
    password: str,
    totp_secret: str | None = None,
    roles: list[str] | None = None,
    authority_id: int | None = None,
) -> StaffUser:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise ValueError("password length")
    user = StaffUser(
        email=normalise_email(email),
        name=name,
        password_hash=hash_password(password),
        totp_secret=totp_secret,
        roles=sorted(set(roles or [])),
        authority_id=authority_id,
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


def verify_code(user: StaffUser | PublicUser, code: str, secret: str | None = None) -> bool:
    """True for a current authenticator code not used before: a code is accepted once only.
    Staff and public accounts keep their secret and last-used step in the same two fields."""
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


# ---------------------------------------------------------------------------------------------------
# Staff administration: invitations, roles and teams, deactivation, lost second factors.

INVITATION_MAX_AGE = 7 * 24 * 3600


class LastAdministrator(Exception):
    """The change would leave the agency with no active administrator."""


def _invitations() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="staff-invitation")


def list_staff() -> list[StaffUser]:
    return list(db.session.scalars(select(StaffUser).order_by(StaffUser.name)))


def invite_staff(email: str, name: str, roles: list[str], authority_id: int | None) -> tuple[StaffUser, str]:
    """Create an invited staff account (no password yet) and give back the invitation token."""
    user = StaffUser(
        email=normalise_email(email),
        name=name,
        password_hash=None,
        roles=sorted(set(roles)),
        authority_id=authority_id,
        invited_at=utcnow(),
    )
    db.session.add(user)
    db.session.flush()
    audit.record("staff_invited", "staff_user", user.public_id, roles=user.roles)
    return user, _invitations().dumps({"id": user.public_id})


def staff_from_invitation(token: str) -> StaffUser | None:
    """The invited person, while the invitation is unexpired and not yet used."""
    try:
        data = _invitations().loads(token, max_age=INVITATION_MAX_AGE)
    except (BadSignature, SignatureExpired):
        return None
    user = find_staff(str(data.get("id", "")))
    if user is None or not user.active or user.password_hash is not None:
        return None
    return user


def accept_invitation(user: StaffUser, password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise ValueError("password length")
    user.password_hash = hash_password(password)
    audit.record("staff_invitation_accepted", "staff_user", user.public_id)


def _active_administrators(excluding: StaffUser | None = None) -> int:
    return sum(
        1
        for u in list_staff()
        if u.active and u.has_role(StaffRole.ADMINISTRATOR) and (excluding is None or u.id != excluding.id)
    )


def change_staff(user: StaffUser, roles: list[str], authority_id: int | None) -> None:
    if StaffRole.ADMINISTRATOR not in roles and user.has_role(StaffRole.ADMINISTRATOR):
        if _active_administrators(excluding=user) == 0:
            raise LastAdministrator()
    user.roles = sorted(set(roles))
    user.authority_id = authority_id
    # A change of role or team takes effect at once: the person signs in again.
    end_sessions(user)
    audit.record("staff_changed", "staff_user", user.public_id, roles=user.roles)


def deactivate_staff(user: StaffUser) -> None:
    if user.has_role(StaffRole.ADMINISTRATOR) and _active_administrators(excluding=user) == 0:
        raise LastAdministrator()
    user.active = False
    end_sessions(user)
    audit.record("staff_deactivated", "staff_user", user.public_id)


def reactivate_staff(user: StaffUser) -> None:
    user.active = True
    audit.record("staff_reactivated", "staff_user", user.public_id)


def reset_second_factor(user: StaffUser) -> None:
    """A lost phone: the person sets up a new authenticator at their next sign-in."""
    user.totp_secret = None
    end_sessions(user)
    audit.record("staff_second_factor_reset", "staff_user", user.public_id)


def scope_of(user: StaffUser) -> int | None:
    """The authority whose cases this person sees, or None for hub staff, who see the region."""
    return user.authority_id
