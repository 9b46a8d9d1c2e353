"""Answers to a multi-page form, kept on the server between pages.

The browser holds only a random token in its session; the answers (names, emails) stay in the
database, not in a cookie. A finished journey discards its draft; old drafts are purged.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from flask import session
from flask_login import current_user
from sqlalchemy import JSON, ForeignKey, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import db, utcnow

KEEP_FOR = timedelta(days=7)


class Draft(db.Model):
    __tablename__ = "draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    # An account holder's draft belongs to their account, so signing out and back in (on any
    # device) loses nothing; anyone else's belongs to the browser session's token.
    public_user_id: Mapped[int | None] = mapped_column(ForeignKey("public_user.id"), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


def _owner() -> int | None:
    if current_user and current_user.is_authenticated and not getattr(current_user, "is_staff", True):
        return int(current_user.id)
    return None


def _find(kind: str) -> Draft | None:
    owner = _owner()
    if owner is not None:
        return db.session.scalar(select(Draft).where(Draft.public_user_id == owner, Draft.kind == kind))
    token = (session.get("drafts") or {}).get(kind)
    if not token:
        return None
    return db.session.scalar(select(Draft).where(Draft.token == token, Draft.kind == kind))


def token_for(kind: str) -> str | None:
    """The draft's token, used as the key that stops one journey being sent twice."""
    owner = _owner()
    if owner is not None:
        draft = _find(kind)
        return draft.token if draft else (session.get("sent_drafts") or {}).get(kind)
    return (session.get("drafts") or {}).get(kind)


def load(kind: str) -> dict[str, Any]:
    draft = _find(kind)
    return dict(draft.data) if draft else {}


def save(kind: str, answers: dict[str, Any]) -> None:
    """Merge these answers into the draft (starting one if there is none)."""
    draft = _find(kind)
    if draft is None:
        token = secrets.token_urlsafe(32)
        draft = Draft(token=token, kind=kind, data={}, public_user_id=_owner())
        db.session.add(draft)
        if draft.public_user_id is None:
            drafts = dict(session.get("drafts") or {})
            drafts[kind] = token
            session["drafts"] = drafts
    draft.data = {**draft.data, **answers}
    draft.updated_at = utcnow()


def discard(kind: str) -> None:
    draft = _find(kind)
    if draft is not None:
        if draft.public_user_id is not None:
            # Remember the sent draft's token for this session, so a second press of "Send" is
            # recognised as the same submission.
            sent = dict(session.get("sent_drafts") or {})
            sent[kind] = draft.token
            session["sent_drafts"] = sent
        db.session.execute(delete(Draft).where(Draft.id == draft.id))
    drafts = dict(session.get("drafts") or {})
    if kind in drafts:
        drafts.pop(kind)
        session["drafts"] = drafts


def purge_old(now: datetime | None = None) -> int:
    cutoff = (now or utcnow()) - KEEP_FOR
    result = db.session.execute(delete(Draft).where(Draft.updated_at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)
