"""The application to adopt: registration of interest, Stage One, the break, Stage Two, panel and
decision. One application has one or two applicants; everything else hangs off the application.

Only the rules modules (``application_rules``, ``registration_rules``, ``assessment_rules``) write these
models.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.agency.models import PartnerAuthority
from portal.core.db import db, new_public_id, utcnow


class ApplicationStatus(StrEnum):
    DRAFT = "draft"  # the registration of interest is being filled in
    SUBMITTED = "submitted"  # waiting for the agency's decision on the registration
    DECLINED = "declined"  # the agency did not accept the registration
    STAGE_ONE = "stage_one"
    STAGE_ONE_ENDED = "stage_one_ended"  # the agency decided not to go on after Stage One
    STAGE_ONE_DONE = "stage_one_done"  # waiting for the applicants to continue or take a break
    ON_BREAK = "on_break"
    STAGE_TWO = "stage_two"
    AT_PANEL = "at_panel"  # panel booked; waiting for its recommendation and the decision
    APPROVED = "approved"
    NOT_APPROVED = "not_approved"
    WITHDRAWN = "withdrawn"


class CheckKind(StrEnum):
    DBS = "dbs"
    LOCAL_AUTHORITY = "local_authority"
    MEDICAL = "medical"
    REFERENCE = "reference"
    PREVIOUS_PARTNER = "previous_partner"
    EMPLOYER = "employer"


class CheckStatus(StrEnum):
    NOT_REQUESTED = "not_requested"
    REQUESTED = "requested"
    SATISFACTORY = "satisfactory"
    CONCERN = "concern"


class DocumentKind(StrEnum):
    IDENTITY = "identity"
    PROOF_OF_ADDRESS = "proof_of_address"
    OTHER = "other"


class Application(db.Model):
    __tablename__ = "application"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    status: Mapped[ApplicationStatus] = mapped_column(String(20), default=ApplicationStatus.DRAFT, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    joint: Mapped[bool] = mapped_column(default=False)
    # Answers about the household as a whole, one key per section of the registration.
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    completed_sections: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The earlier enquiry made with the same email address, so the agency can follow each source
    # through to approval.
    enquiry_id: Mapped[int | None] = mapped_column(ForeignKey("enquiry.id"), index=True)
    authority_id: Mapped[int | None] = mapped_column(ForeignKey("partner_authority.id"), index=True)
    fast_track: Mapped[bool] = mapped_column(default=False)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    submitted_at: Mapped[datetime | None] = mapped_column(index=True)
    registration_decided_at: Mapped[datetime | None]
    decline_reasons: Mapped[str] = mapped_column(Text, default="")

    stage_one_started_at: Mapped[datetime | None]
    stage_one_plan: Mapped[str] = mapped_column(Text, default="")
    # The worker's recommendation at the end of Stage One, which a team manager signs off.
    stage_one_recommendation: Mapped[str] = mapped_column(String(16), default="")
    stage_one_reasons: Mapped[str] = mapped_column(Text, default="")
    stage_one_recommended_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    stage_one_decided_at: Mapped[datetime | None]
    stage_one_signed_off_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    break_started_at: Mapped[datetime | None]
    break_until: Mapped[date | None]
    break_reminder_sent_at: Mapped[datetime | None]

    stage_two_started_at: Mapped[datetime | None]
    par_text: Mapped[str] = mapped_column(Text, default="")
    par_shared_at: Mapped[datetime | None]
    par_comments: Mapped[str] = mapped_column(Text, default="")
    par_commented_at: Mapped[datetime | None]
    panel_date: Mapped[date | None]
    panel_recommendation: Mapped[str] = mapped_column(String(16), default="")
    panel_recorded_at: Mapped[datetime | None]
    decision: Mapped[str] = mapped_column(String(16), default="")
    decision_reasons: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None]
    approved_on: Mapped[date | None]

    withdrawn_at: Mapped[datetime | None]
    withdraw_reason: Mapped[str] = mapped_column(Text, default="")
    # Bumped on every change, so two staff working on one case cannot overwrite each other.
    version: Mapped[int] = mapped_column(default=1)

    authority: Mapped[PartnerAuthority | None] = relationship()
    # Removing a second applicant, a check or a booking from these lists deletes it.
    applicants: Mapped[list[Applicant]] = relationship(
        back_populates="application", order_by="Applicant.position", cascade="all, delete-orphan"
    )
    checks: Mapped[list[ApplicationCheck]] = relationship(
        back_populates="application", order_by="ApplicationCheck.id", cascade="all, delete-orphan"
    )
    visits: Mapped[list[HomeVisit]] = relationship(back_populates="application", order_by="HomeVisit.at")
    messages: Mapped[list[ApplicationMessage]] = relationship(
        back_populates="application", order_by="ApplicationMessage.at"
    )
    bookings: Mapped[list[TrainingBooking]] = relationship(back_populates="application", cascade="all, delete-orphan")
    documents: Mapped[list[ApplicationDocument]] = relationship(
        back_populates="application", order_by="ApplicationDocument.uploaded_at"
    )

    __mapper_args__: dict[str, Any] = {"version_id_col": version}


class Applicant(db.Model):
    """One of the (one or two) people applying. The second is invited by email and joins with their
    own account, completing and signing their own part."""

    __tablename__ = "applicant"
    __table_args__ = (UniqueConstraint("application_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    position: Mapped[int] = mapped_column(default=1)
    public_user_id: Mapped[int | None] = mapped_column(ForeignKey("public_user.id"), index=True)
    # The same person while the application is open, cleared when it ends: unique, so the database
    # itself refuses anyone a second open application, however many tabs press "Start" at once.
    open_for_user_id: Mapped[int | None] = mapped_column(ForeignKey("public_user.id"), unique=True)
    # For the second applicant until they accept: where the invitation went, and a hash of its token.
    invite_email: Mapped[str] = mapped_column(String(320), default="")
    invite_token_hash: Mapped[str | None] = mapped_column(String(128), unique=True)
    invited_at: Mapped[datetime | None]
    # This person's own answers, one key per section (about you, health, suitability...).
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    completed_sections: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The e-signature: the name typed, when, and the declaration as they read it, with its version.
    signed_name: Mapped[str] = mapped_column(String(200), default="")
    signed_at: Mapped[datetime | None]
    declaration_version: Mapped[str] = mapped_column(String(16), default="")
    declaration_text: Mapped[str] = mapped_column(Text, default="")
    # Consent to the Stage One checks, recorded the same way.
    consent_at: Mapped[datetime | None]
    consent_version: Mapped[str] = mapped_column(String(16), default="")
    consent_text: Mapped[str] = mapped_column(Text, default="")
    # What Stage One asks of each applicant: previous partners, an employer who works with children.
    stage_one_answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    application: Mapped[Application] = relationship(back_populates="applicants")


class ApplicationCheck(db.Model):
    """A statutory check or reference in Stage One. Applicants see its status, never its content."""

    __tablename__ = "application_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    applicant_id: Mapped[int | None] = mapped_column(ForeignKey("applicant.id"))
    kind: Mapped[CheckKind] = mapped_column(String(20))
    # For referees, previous partners and employers: who, and how to reach them.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[CheckStatus] = mapped_column(String(16), default=CheckStatus.NOT_REQUESTED)
    requested_at: Mapped[datetime | None]
    received_at: Mapped[datetime | None]
    # Staff only: what came back. Never shown to the applicants.
    staff_note: Mapped[str] = mapped_column(Text, default="")

    application: Mapped[Application] = relationship(back_populates="checks")
    applicant: Mapped[Applicant | None] = relationship()


class TrainingCourse(db.Model):
    """Preparation training dates the agency publishes for applicants to book."""

    __tablename__ = "training_course"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    venue: Mapped[str] = mapped_column(String(200))
    places: Mapped[int] = mapped_column(default=12)
    cancelled: Mapped[bool] = mapped_column(default=False)


class TrainingBooking(db.Model):
    __tablename__ = "training_booking"
    __table_args__ = (UniqueConstraint("application_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("training_course.id"), index=True)
    booked_at: Mapped[datetime] = mapped_column(default=utcnow)
    # None until staff record it.
    attended: Mapped[bool | None]

    application: Mapped[Application] = relationship(back_populates="bookings")
    course: Mapped[TrainingCourse] = relationship()


class ApplicationDocument(db.Model):
    """A document an applicant uploaded: checked by its content, images re-encoded without metadata."""

    __tablename__ = "application_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    applicant_id: Mapped[int | None] = mapped_column(ForeignKey("applicant.id"))
    kind: Mapped[DocumentKind] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship(back_populates="documents")


class HomeVisit(db.Model):
    """A Stage Two home study visit, shown to the applicants as soon as it is booked."""

    __tablename__ = "home_visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    at: Mapped[datetime]
    purpose: Mapped[str] = mapped_column(String(200), default="")
    done: Mapped[bool] = mapped_column(default=False)
    cancelled: Mapped[bool] = mapped_column(default=False)

    application: Mapped[Application] = relationship(back_populates="visits")


class ApplicationMessage(db.Model):
    """A secure message on an application. The email that announces it never carries its words."""

    __tablename__ = "application_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    # Exactly one of these is set: the member of staff, or the applicant, who wrote it.
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    applicant_id: Mapped[int | None] = mapped_column(ForeignKey("applicant.id"))
    body: Mapped[str] = mapped_column(Text)

    application: Mapped[Application] = relationship(back_populates="messages")
