"""Adoption support: a family's referral, its children, the screening, the assessment of need and
support plan, Support Fund applications, reviews and closure.

Only ``portal/support/rules.py`` and ``portal/support/plan_rules.py`` write these models.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.agency.models import PartnerAuthority
from portal.core.db import db, new_public_id, utcnow


class ReferralStatus(StrEnum):
    NEW = "new"  # waiting for the duty worker's screening
    SCREENED = "screened"  # screened; waiting for a team manager's sign-off
    ASSESSMENT = "assessment"  # assessment of need under way
    SAFEGUARDING = "safeguarding"  # referred to the authority's Multi-Agency Safeguarding Hub
    PLAN = "plan"  # support plan shared; reviewed at least yearly
    CLOSED = "closed"
    TRANSFERRED = "transferred"  # passed to the authority where the family now lives


class ScreeningOutcome(StrEnum):
    ADVICE = "advice"  # advice, information or signposting, then closed with a letter
    ASSESSMENT = "assessment"  # an assessment of need, with a worker allocated
    SAFEGUARDING = "safeguarding"  # a referral to the Multi-Agency Safeguarding Hub


class ReferrerRole(StrEnum):
    ADOPTIVE_PARENT = "adoptive_parent"
    SPECIAL_GUARDIAN = "special_guardian"


class PlanItemKind(StrEnum):
    UNIVERSAL = "universal"
    PEER_SUPPORT = "peer_support"
    TRAINING = "training"
    THERAPY = "therapy"
    SHORT_BREAKS = "short_breaks"
    FINANCIAL = "financial"


class FundStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REFUSED = "refused"


class SupportReferral(db.Model):
    __tablename__ = "support_referral"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    # The draft's token: sending twice finds the first referral instead of making another.
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    public_user_id: Mapped[int] = mapped_column(ForeignKey("public_user.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    role: Mapped[ReferrerRole] = mapped_column(String(20))
    # Who is in the family, what is happening and what help they want, as the forms keep them.
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Anyone at risk right now: the referral is urgent and goes to the top of the queue.
    urgent: Mapped[bool] = mapped_column(default=False, index=True)
    consent_to_share: Mapped[bool] = mapped_column(default=False)
    # Where the family lives now: a partner authority, or somewhere outside the region.
    home_authority_id: Mapped[int | None] = mapped_column(ForeignKey("partner_authority.id"), index=True)
    home_elsewhere: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[ReferralStatus] = mapped_column(String(16), default=ReferralStatus.NEW, index=True)

    screening_outcome: Mapped[str] = mapped_column(String(16), default="")
    screening_notes: Mapped[str] = mapped_column(Text, default="")
    screened_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    screened_at: Mapped[datetime | None]
    signed_off_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    signed_off_at: Mapped[datetime | None]
    # The referral to the Multi-Agency Safeguarding Hub: when, to whom, and its reference.
    mash_referred_at: Mapped[datetime | None]
    mash_contact: Mapped[str] = mapped_column(String(200), default="")
    mash_reference: Mapped[str] = mapped_column(String(100), default="")

    worker_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    consent_recorded_at: Mapped[datetime | None]
    first_visit_on: Mapped[date | None]
    wishes_and_feelings: Mapped[str] = mapped_column(Text, default="")
    assessment: Mapped[str] = mapped_column(Text, default="")
    plan_shared_at: Mapped[datetime | None]
    late_reason: Mapped[str] = mapped_column(Text, default="")
    # What the family is told comes next, and when.
    next_step: Mapped[str] = mapped_column(Text, default="")
    next_step_on: Mapped[date | None]

    closed_at: Mapped[datetime | None]
    closure_reason: Mapped[str] = mapped_column(Text, default="")
    closure_letter: Mapped[str] = mapped_column(Text, default="")
    closure_letter_sent_at: Mapped[datetime | None]
    feedback_requested_at: Mapped[datetime | None]
    transferred_at: Mapped[datetime | None]
    transferred_to: Mapped[str] = mapped_column(String(200), default="")
    version: Mapped[int] = mapped_column(default=1)

    home_authority: Mapped[PartnerAuthority | None] = relationship()
    children: Mapped[list[SupportChild]] = relationship(
        back_populates="referral", order_by="SupportChild.id", cascade="all, delete-orphan"
    )
    plan_items: Mapped[list[PlanItem]] = relationship(
        back_populates="referral", order_by="PlanItem.id", cascade="all, delete-orphan"
    )
    reviews: Mapped[list[SupportReview]] = relationship(
        back_populates="referral", order_by="SupportReview.held_on", cascade="all, delete-orphan"
    )
    messages: Mapped[list[SupportMessage]] = relationship(
        back_populates="referral", order_by="SupportMessage.at", cascade="all, delete-orphan"
    )

    __mapper_args__: dict[str, Any] = {"version_id_col": version}


class SupportChild(db.Model):
    """An adopted child (or a child under special guardianship) the referral is about."""

    __tablename__ = "support_child"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    referral_id: Mapped[int] = mapped_column(ForeignKey("support_referral.id"), index=True)
    first_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date]
    placed_on: Mapped[date | None]
    # None while the order has not been made yet: the placing authority is responsible until then.
    order_made_on: Mapped[date | None]
    placing_authority_id: Mapped[int | None] = mapped_column(ForeignKey("partner_authority.id"))
    placing_authority_other: Mapped[str] = mapped_column(String(120), default="")

    referral: Mapped[SupportReferral] = relationship(back_populates="children")
    placing_authority: Mapped[PartnerAuthority | None] = relationship()


class PlanItem(db.Model):
    """One piece of the support plan; Support Fund applications carry an amount and a status."""

    __tablename__ = "support_plan_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    referral_id: Mapped[int] = mapped_column(ForeignKey("support_referral.id"), index=True)
    kind: Mapped[PlanItemKind] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text)
    child_id: Mapped[int | None] = mapped_column(ForeignKey("support_child.id"))
    # Adoption and Special Guardianship Support Fund: pence asked for, the financial year and status.
    fund_amount_pence: Mapped[int | None]
    fund_year: Mapped[int | None]
    fund_status: Mapped[str] = mapped_column(String(12), default="")

    referral: Mapped[SupportReferral] = relationship(back_populates="plan_items")


class SupportReview(db.Model):
    """A review of the support plan (at least yearly), shared with the family within 7 working days."""

    __tablename__ = "support_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    referral_id: Mapped[int] = mapped_column(ForeignKey("support_referral.id"), index=True)
    held_on: Mapped[date]
    summary: Mapped[str] = mapped_column(Text, default="")
    shared_at: Mapped[datetime | None]

    referral: Mapped[SupportReferral] = relationship(back_populates="reviews")


class SupportMessage(db.Model):
    """A secure message on a referral. The email that announces it never carries its words."""

    __tablename__ = "support_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("support_referral.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    body: Mapped[str] = mapped_column(Text)

    referral: Mapped[SupportReferral] = relationship(back_populates="messages")


class FundLimit(db.Model):
    """The Support Fund's limit per child for a financial year (for example £3,000 for 2025/26):
    data, changed when the Department for Education changes it."""

    __tablename__ = "support_fund_limit"
    __table_args__ = (UniqueConstraint("year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    pence_per_child: Mapped[int]
