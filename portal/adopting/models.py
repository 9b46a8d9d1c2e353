from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.agency.models import PartnerAuthority
from portal.core.db import db, new_public_id, utcnow


class AdoptionType(StrEnum):
    AGENCY = "agency"
    FOSTER_CHILD = "foster_child"
    STEP_PARENT = "step_parent"
    INTERCOUNTRY = "intercountry"


class EnquiryWant(StrEnum):
    INFORMATION_PACK = "information_pack"
    INFORMATION_EVENT = "information_event"
    CALL = "call"


class EnquirySource(StrEnum):
    SEARCH_ENGINE = "search_engine"
    SOCIAL_MEDIA = "social_media"
    FRIEND_OR_FAMILY = "friend_or_family"
    COUNCIL_WEBSITE = "council_website"
    EVENT = "event"
    PRESS = "press"
    ADVERT = "advert"
    ADOPTED_BEFORE = "adopted_before"
    OTHER = "other"


class EnquiryStatus(StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"


class ResponseKind(StrEnum):
    PACK_SENT = "pack_sent"
    EVENT_BOOKED = "event_booked"
    CALL_MADE = "call_made"
    STEP_PARENT_PLACE = "step_parent_place"


class Enquiry(db.Model):
    __tablename__ = "enquiry"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    # The draft's token: a second press of "Send" finds the first enquiry instead of making another.
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    phone: Mapped[str] = mapped_column(String(40), default="")
    authority_id: Mapped[int | None] = mapped_column(ForeignKey("partner_authority.id"), index=True)
    adoption_type: Mapped[AdoptionType] = mapped_column(String(20))
    wants: Mapped[list[str]] = mapped_column(JSON, default=list)
    source: Mapped[EnquirySource] = mapped_column(String(24), index=True)
    source_other: Mapped[str] = mapped_column(String(200), default="")
    preferred_language: Mapped[str] = mapped_column(String(8))
    preferred_language_other: Mapped[str] = mapped_column(String(100), default="")
    communication_needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    interpreter_language: Mapped[str] = mapped_column(String(100), default="")
    communication_other: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[EnquiryStatus] = mapped_column(String(16), default=EnquiryStatus.NEW, index=True)
    first_response_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # Bumped on every change, so two staff working on one enquiry cannot overwrite each other.
    version: Mapped[int] = mapped_column(default=1)

    authority: Mapped[PartnerAuthority | None] = relationship()
    responses: Mapped[list[EnquiryResponse]] = relationship(
        back_populates="enquiry", order_by="EnquiryResponse.at"
    )

    __mapper_args__: dict[str, Any] = {"version_id_col": version}


class EnquiryResponse(db.Model):
    __tablename__ = "enquiry_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    enquiry_id: Mapped[int] = mapped_column(ForeignKey("enquiry.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    kind: Mapped[ResponseKind] = mapped_column(String(24))
    note: Mapped[str] = mapped_column(Text, default="")

    enquiry: Mapped[Enquiry] = relationship(back_populates="responses")
