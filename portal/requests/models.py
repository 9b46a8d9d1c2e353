from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.agency.models import PartnerAuthority
from portal.core.db import db, new_public_id, utcnow


class RequestKind(StrEnum):
    BIRTH_RELATIVE_SUPPORT = "birth_relative_support"
    LETTERBOX_CHANGE = "letterbox_change"
    INTERMEDIARY = "intermediary"
    BIRTH_RECORDS = "birth_records"
    GENERAL_ADVICE = "general_advice"


class RequestStatus(StrEnum):
    NEW = "new"
    ALLOCATED = "allocated"
    IN_CONTACT = "in_contact"
    SIGNPOSTED = "signposted"
    DECLINED = "declined"
    CLOSED = "closed"


class SafeContact(StrEnum):
    DO_NOT_PHONE = "do_not_phone"
    NO_VOICEMAIL = "no_voicemail"
    EMAIL_ONLY = "email_only"
    NO_LETTERS = "no_letters"


class ServiceRequest(db.Model):
    __tablename__ = "service_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    # The draft's token: sending twice finds the first request instead of making another.
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[RequestKind] = mapped_column(String(32), index=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # None when the person made the request without an account; they may claim it later.
    public_user_id: Mapped[int | None] = mapped_column(ForeignKey("public_user.id"), index=True)
    # A hash of the claim code given to someone without an account (the code itself is never kept).
    claim_code_hash: Mapped[str | None] = mapped_column(String(128))
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    date_of_birth: Mapped[date | None]
    # Who the person is to the child: birth parent, grandparent, sibling, adopted adult...
    relation_to_child: Mapped[str] = mapped_column(String(40))
    authority_id: Mapped[int | None] = mapped_column(ForeignKey("partner_authority.id"), index=True)
    # The answers particular to this kind of request (stage, what is known, what they need...).
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    contact_methods: Mapped[list[str]] = mapped_column(JSON, default=list)
    safe_contact: Mapped[list[str]] = mapped_column(JSON, default=list)
    safe_times: Mapped[str] = mapped_column(Text, default="")
    preferred_language: Mapped[str] = mapped_column(String(8), default="en")
    communication_needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    interpreter_language: Mapped[str] = mapped_column(String(100), default="")
    communication_other: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[RequestStatus] = mapped_column(String(16), default=RequestStatus.NEW, index=True)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    allocated_at: Mapped[datetime | None]
    first_contact_at: Mapped[datetime | None]
    # What the person is told comes next, written by their worker.
    next_step: Mapped[str] = mapped_column(Text, default="")
    outcome_reason: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    authority: Mapped[PartnerAuthority | None] = relationship()
    messages: Mapped[list[RequestMessage]] = relationship(
        back_populates="request", order_by="RequestMessage.at"
    )

    __mapper_args__: dict[str, Any] = {"version_id_col": version}


class RequestMessage(db.Model):
    """A secure message on a request. The email that announces it never carries its words."""

    __tablename__ = "request_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_request.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when a member of staff wrote it; None when the person did.
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    body: Mapped[str] = mapped_column(Text)

    request: Mapped[ServiceRequest] = relationship(back_populates="messages")
