"""Answers to a multi-page form, kept on the server between pages.

The browser holds only a random token in its session; the answers (names, emails) stay in the
database, not in a cookie. A finished journey discards its draft; old drafts are purged.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from flask import session
from sqlalchemy import JSON, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import db, utcnow

KEEP_FOR = timedelta(days=7)


class Draft(db.Model):
    __tablename__ = "draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


def token_for(kind: str) -> str | None:
    return (session.get("drafts") or {}).get(kind)


def load(kind: str) -> dict[str, Any]:
    token = token_for(kind)
    if not token:
        return {}
    draft = db.session.scalar(select(Draft).where(Draft.token == token, Draft.kind == kind))
    return dict(draft.data) if draft else {}


def save(kind: str, answers: dict[str, Any]) -> None:
    """Merge these answers into the draft (starting one if there is none)."""
    token = token_for(kind)
    draft = None
    if token:
        draft = db.session.scalar(select(Draft).where(Draft.token == token, Draft.kind == kind))
    if draft is None:
        token = secrets.token_urlsafe(32)
        draft = Draft(token=token, kind=kind, data={})
        db.session.add(draft)
        drafts = dict(session.get("drafts") or {})
        drafts[kind] = token
        session["drafts"] = drafts
    draft.data = {**draft.data, **answers}
    draft.updated_at = utcnow()


def discard(kind: str) -> None:
    token = token_for(kind)
    if token:
        db.session.execute(delete(Draft).where(Draft.token == token))
        drafts = dict(session.get("drafts") or {})
        drafts.pop(kind, None)
        session["drafts"] = drafts


def purge_old(now: datetime | None = None) -> int:
    cutoff = (now or utcnow()) - KEEP_FOR
    result = db.session.execute(delete(Draft).where(Draft.updated_at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)
