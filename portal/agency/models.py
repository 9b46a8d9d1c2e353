from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import db


class AuthorityKind(StrEnum):
    HUB = "hub"
    SPOKE = "spoke"


class Agency(db.Model):
    """The one agency this deployment serves."""

    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(40))
    email: Mapped[str] = mapped_column(String(320))
    phone: Mapped[str] = mapped_column(String(40))
    address: Mapped[str] = mapped_column(Text, default="")
    duty_hours: Mapped[str] = mapped_column(String(200))
    website: Mapped[str] = mapped_column(String(300), default="")
    enquiry_response_days: Mapped[int] = mapped_column(default=10)
    # Requests from birth relatives and adopted adults: allocate a worker within this many working
    # days, then make first contact within this many working days of allocation.
    request_allocation_days: Mapped[int] = mapped_column(default=20)
    request_contact_days: Mapped[int] = mapped_column(default=5)


class PartnerAuthority(db.Model):
    __tablename__ = "partner_authority"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[AuthorityKind] = mapped_column(String(8), default=AuthorityKind.SPOKE)
    active: Mapped[bool] = mapped_column(default=True)

    caps: Mapped[list[StepParentCap]] = relationship(back_populates="authority")


class StepParentCap(db.Model):
    """How many step-parent assessments an authority has agreed to fund in a financial year."""

    __tablename__ = "step_parent_cap"
    __table_args__ = (UniqueConstraint("authority_id", "year", name="uq_step_parent_cap_authority_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("partner_authority.id"))
    year: Mapped[int]
    places: Mapped[int]

    authority: Mapped[PartnerAuthority] = relationship(back_populates="caps")


class AgencyContent(db.Model):
    """A piece of the agency's own content (for example what adoption support it offers), in one
    language, written by an administrator and kept only after sanitising."""

    __tablename__ = "agency_content"
    __table_args__ = (UniqueConstraint("key", "locale", name="uq_agency_content_key_locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60))
    locale: Mapped[str] = mapped_column(String(8))
    body: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
