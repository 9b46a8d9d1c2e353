"""The outbox: every email the portal sends is written here first, in the same transaction as the
change that causes it, so nothing is sent for a change that was rolled back.

In the embedded default the outbox is where emails stay, and staff can read them in the back office.
Emails are rendered in the recipient's language and carry no case details.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import db, new_public_id, utcnow


class OutboxStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    recipient: Mapped[str] = mapped_column(String(320))
    locale: Mapped[str] = mapped_column(String(8))
    template: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # "email" now; a text-message channel goes through the same outbox and worker.
    channel: Mapped[str] = mapped_column(String(8), default="email")
    status: Mapped[OutboxStatus] = mapped_column(String(16), default=OutboxStatus.QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(index=True)
    # The kind of failure only (an exception's class name), never the provider's text.
    last_error: Mapped[str] = mapped_column(String(120), default="")
    sent_at: Mapped[datetime | None]


def queue_email(recipient: str, template: str, locale: str, **context: object) -> OutboxMessage:
    """Render ``templates/emails/<template>.txt`` in ``locale`` and add it to this transaction."""
    env = current_app.jinja_env
    with force_locale(locale):
        module = env.get_template(f"emails/{template}.txt").make_module(dict(context))
        subject = str(getattr(module, "subject")).strip()
        body = str(module).strip() + "\n"
    message = OutboxMessage(
        recipient=recipient, locale=locale, template=template, subject=subject, body=body
    )
    db.session.add(message)
    return message


def recent(limit: int = 50) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    return list(db.session.scalars(query.limit(limit)))


def find(public_id: str) -> OutboxMessage | None:
    return db.session.scalar(select(OutboxMessage).where(OutboxMessage.public_id == public_id))
