"""The outbox: every message the portal sends is written here first, in the same transaction as the
change that causes it, so nothing is sent for a change that was rolled back.

This module owns the outbox's states: a message is queued, claimed by one worker at a time, and
then sent, kept, retried later or failed. ``portal.core.delivery`` runs the workers and backends.
In the embedded default the backend keeps messages here, and staff read them in the back office.
Messages are rendered in the recipient's language and carry no case details.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from flask import current_app, has_request_context, request
from flask_babel import force_locale
from sqlalchemy import Row, String, Text, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import db, new_public_id, utcnow

log = logging.getLogger("portal.outbox")

# Set on the session by queue_email, so the in-process worker can be woken once the transaction
# commits instead of waiting for its next poll.
QUEUED_FLAG = "outbox_queued"

# How long a claim lasts. It must be far longer than one send (the backends time out after 30
# seconds), so that a slow send never outlives it; a worker that dies mid-send delays by this much.
LEASE = timedelta(minutes=15)
# 1, 2, 4, 8 ... minutes between attempts: with the default 8 attempts a provider may be down for
# about two hours before a message is marked failed.
RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=6)


class OutboxStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    # Given by the "outbox" backend: final, and nothing left the portal. A state of its own (not
    # "sent") so the back office never says an email was sent when it was not, and so switching a
    # deployment to a real backend later does not suddenly send a backlog of stale messages.
    KEPT = "kept"
    FAILED = "failed"


class OutboxChannel(StrEnum):
    EMAIL = "email"
    # Text messages go through the same outbox and worker. No backend sends them yet: the "outbox"
    # backend keeps them like emails; with a sending backend they wait, then fail as "NoBackend",
    # until a text-message backend is added in delivery.backends_for().
    SMS = "sms"


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
    channel: Mapped[str] = mapped_column(String(8), default=OutboxChannel.EMAIL)
    status: Mapped[OutboxStatus] = mapped_column(String(16), default=OutboxStatus.QUEUED, index=True)
    # Delivery attempts started. A worker counts one when it claims the message, so a worker that
    # dies mid-send still uses one up.
    attempts: Mapped[int] = mapped_column(default=0)
    # When a worker may next take the message: empty means at once. While a worker is sending, its
    # lease is here, so no other worker takes the message meanwhile.
    next_attempt_at: Mapped[datetime | None] = mapped_column(index=True)
    # The kind of failure only (an exception's class name), never the provider's text.
    last_error: Mapped[str] = mapped_column(String(120), default="")
    sent_at: Mapped[datetime | None]


def queue_email(recipient: str, template: str, locale: str, **context: object) -> OutboxMessage:
    """Render ``templates/emails/<template>.txt`` in ``locale`` and add it to this transaction.

    Nothing is sent here: a worker sees the message only once the transaction that queued it
    commits, and never if it rolls back.
    """
    env = current_app.jinja_env
    with force_locale(locale):
        module = env.get_template(f"emails/{template}.txt").make_module(dict(context))
        subject = str(module.subject).strip()
        body = str(module).strip() + "\n"
    message = OutboxMessage(
        recipient=recipient,
        locale=locale,
        template=template,
        subject=subject,
        body=body,
        channel=OutboxChannel.EMAIL,
        status=OutboxStatus.QUEUED,
        attempts=0,
        last_error="",
    )
    db.session.add(message)
    db.session.info[QUEUED_FLAG] = True
    return message


def parse_status(value: str | None) -> OutboxStatus | None:
    """A status filter from a query string; anything unknown means no filter."""
    try:
        return OutboxStatus(value) if value else None
    except ValueError:
        return None


def recent(limit: int = 50, status: str | None = None) -> list[OutboxMessage]:
    """The latest messages, newest first; only those with ``status`` when one is given.

    Without a ``status`` argument a request's ``?status=`` decides, so the back-office list can be
    filtered (``?status=failed``) while its view keeps calling ``recent()`` as it always has.
    """
    if status is None and has_request_context():
        status = request.args.get("status")
    wanted = parse_status(status)
    query = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    if wanted is not None:
        query = query.where(OutboxMessage.status == wanted)
    return list(db.session.scalars(query.limit(limit)))


# Emails whose body works like a password: a sign-in code, or a link that confirms, resets or
# accepts. In production staff never see these bodies, so nobody with outbox access can take over
# an account; in the embedded demo the outbox is the only way to read them, so they are shown.
CARRIES_SECRETS = frozenset(
    {
        "account-change-email",
        "account-confirm-email",
        "account-invitation",
        "account-invitation-sms",
        "application-joint-invitation",
        "account-reset-password",
        "account-sign-in-code",
        "staff-invitation",
    }
)


def body_for_staff(message: OutboxMessage) -> str | None:
    """The body as staff may read it, or None when it must stay hidden."""
    if message.template in CARRIES_SECRETS and current_app.config["PORTAL_ENV"] == "production":
        return None
    return message.body


def find(public_id: str) -> OutboxMessage | None:
    return db.session.scalar(select(OutboxMessage).where(OutboxMessage.public_id == public_id))


# Claiming and recording outcomes (the worker's side) -----------------------------------------


@dataclass(frozen=True)
class Outgoing:
    """What a backend needs to send one message: a copy, so sending holds no database session."""

    public_id: str
    channel: str
    recipient: str
    locale: str
    subject: str
    body: str


@dataclass(frozen=True)
class Claim:
    message: Outgoing
    # The attempt this claim started; recording the outcome checks the message is still ours.
    attempts: int


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: doubling, with a ceiling."""
    return min(RETRY_BASE * 2 ** max(attempts - 1, 0), RETRY_CAP)


def _select_due(now: datetime, limit: int) -> Sequence[Row[int, int]]:
    # SKIP LOCKED: a second worker passes over rows the first is claiming, rather than waiting for
    # them and then finding them gone. SQLite has no row locks; SQLAlchemy leaves the clause out.
    query = (
        select(OutboxMessage.id, OutboxMessage.attempts)
        .where(
            OutboxMessage.status == OutboxStatus.QUEUED,
            or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return db.session.execute(query).all()


def _take(message_id: int, seen_attempts: int, lease_until: datetime) -> bool:
    # Compare-and-set: succeeds only if nobody has taken the message since we read it. This alone
    # keeps two workers apart on any engine (SQLite's writers take turns); the row lock saves work.
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.attempts == seen_attempts,
            OutboxMessage.status == OutboxStatus.QUEUED,
        )
        .values(attempts=seen_attempts + 1, next_attempt_at=lease_until)
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1


# SQLite takes one writer at a time, and two writers that have both read first can block each
# other until the busy timeout. So on SQLite the workers of one process take turns for their short
# write transactions (the compare-and-set still decides who gets a message); run one worker process
# per SQLite file. PostgreSQL needs no such turn-taking.
_SQLITE_WRITES = threading.Lock()


@contextmanager
def _worker_transaction() -> Iterator[None]:
    turn: AbstractContextManager[object] = _SQLITE_WRITES if db.engine.dialect.name == "sqlite" else nullcontext()
    try:
        with turn:
            yield
            db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def claim_due(now: datetime, limit: int) -> list[Claim]:
    """Take up to ``limit`` due messages for this worker, so that no other worker sends them.

    Taking a message counts an attempt and sets ``next_attempt_at`` to a lease: if this worker dies
    mid-send, the message comes due again when the lease ends. Commits, so never call it inside a
    request.
    """
    while True:
        try:
            # On PostgreSQL this read opens the transaction whose row locks last until the commit.
            rows = _select_due(now, limit)
        except BaseException:
            db.session.rollback()
            raise
        if not rows:
            db.session.rollback()  # ends the read-only transaction
            return []
        claims: list[Claim] = []
        with _worker_transaction():
            taken = [row.id for row in rows if _take(row.id, row.attempts, now + LEASE)]
            if taken:
                # Columns rather than ORM objects: an object already in the session could be stale.
                query = (
                    select(
                        OutboxMessage.public_id, OutboxMessage.channel, OutboxMessage.recipient,
                        OutboxMessage.locale, OutboxMessage.subject, OutboxMessage.body,
                        OutboxMessage.attempts,
                    )
                    .where(OutboxMessage.id.in_(taken))
                    .order_by(OutboxMessage.id)
                )
                for row in db.session.execute(query):
                    claims.append(Claim(Outgoing(*row[:6]), row.attempts))
        if claims:
            return claims
        # Another worker took every message we saw, so each is out of the queue or leased: look
        # again, since more may be due behind them.


def _record(claim: Claim, **values: Any) -> bool:
    with _worker_transaction():
        result = db.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.public_id == claim.message.public_id,
                OutboxMessage.attempts == claim.attempts,
                OutboxMessage.status == OutboxStatus.QUEUED,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    if getattr(result, "rowcount", 0) != 1:
        # Our lease ran out and another worker took the message: its outcome is the one that counts.
        log.warning("outbox_result_stale id=%s attempt=%d", claim.message.public_id, claim.attempts)
        return False
    return True


def record_delivered(claim: Claim, status: OutboxStatus, at: datetime) -> bool:
    """The backend took the message: ``SENT`` (it left the portal) or ``KEPT`` (it stays here)."""
    if status not in (OutboxStatus.SENT, OutboxStatus.KEPT):
        raise ValueError(f"a delivered message is sent or kept, not {status!r}")
    sent_at = at if status == OutboxStatus.SENT else None
    return _record(claim, status=status, next_attempt_at=None, last_error="", sent_at=sent_at)


def record_failure(claim: Claim, kind: str, at: datetime, *, final: bool) -> datetime | None:
    """The attempt failed: try again after the back-off, or give up for good when ``final``.

    Returns when the next attempt is due, or None when the message is now failed.
    """
    if final:
        _record(claim, status=OutboxStatus.FAILED, next_attempt_at=None, last_error=kind[:120])
        return None
    due = at + retry_delay(claim.attempts)
    _record(claim, next_attempt_at=due, last_error=kind[:120])
    return due
