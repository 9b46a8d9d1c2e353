from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import db, new_public_id, utcnow


class StaffRole(StrEnum):
    DUTY_WORKER = "duty_worker"
    ASSESSMENT_WORKER = "assessment_worker"
    SUPPORT_WORKER = "support_worker"
    FAMILY_FINDER = "family_finder"
    LETTERBOX_COORDINATOR = "letterbox_coordinator"
    BIRTH_RELATIVE_WORKER = "birth_relative_worker"
    TEAM_MANAGER = "team_manager"
    PERFORMANCE_OFFICER = "performance_officer"
    ADMINISTRATOR = "administrator"


class StaffUser(db.Model):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    # Empty until an invited person sets a password (and for people who only use single sign-on).
    password_hash: Mapped[str | None] = mapped_column(String(200))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    last_totp_step: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    # None: the hub, which sees the whole region; otherwise the one partner authority's spoke.
    authority_id: Mapped[int | None] = mapped_column(ForeignKey("partner_authority.id"), index=True)
    invited_at: Mapped[datetime | None]
    # Raised on sign-out and deactivation: every session cookie carrying the old value stops working.
    session_epoch: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Flask-Login's user interface.
    is_staff = True
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def staff_id(self) -> int:
        return self.id

    def get_id(self) -> str:
        return f"staff:{self.public_id}:{self.session_epoch}"

    def has_role(self, *roles: str) -> bool:
        return any(role in (self.roles or []) for role in roles)


class PublicUser(db.Model):
    """Someone outside the agency: an applicant, an adoptive family, a birth relative, an adopted adult."""

    __tablename__ = "public_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    # Some birth relatives have only a phone: staff make their account and invite them.
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(200))
    email_confirmed_at: Mapped[datetime | None]
    pending_email: Mapped[str | None] = mapped_column(String(320))
    preferred_language: Mapped[str] = mapped_column(String(8), default="en")
    communication_needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    interpreter_language: Mapped[str] = mapped_column(String(100), default="")
    communication_other: Mapped[str] = mapped_column(Text, default="")
    contact_preferences: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Safe times or ways to reach the person (some live with people who must not know).
    contact_note: Mapped[str] = mapped_column(Text, default="")
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    last_totp_step: Mapped[int] = mapped_column(default=0)
    session_epoch: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    invited_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    is_staff = False
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def staff_id(self) -> None:
        return None

    def get_id(self) -> str:
        return f"public:{self.public_id}:{self.session_epoch}"


class OneTimeCode(db.Model):
    """A 6-digit sign-in code sent by email: valid 10 minutes, used once, at most 5 tries."""

    __tablename__ = "one_time_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("public_user.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    code_hash: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[datetime | None]
