"""The append-only audit trail: who viewed, downloaded, released or changed what, and when.

Events hold ids and event names, never personal data. Rows are never updated or deleted: the ORM
refuses, and on PostgreSQL a trigger (see the migration) refuses too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_login import current_user
from sqlalchemy import JSON, ForeignKey, String, event, select
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import db, utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str] = mapped_column(String(64), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class AppendOnlyError(RuntimeError):
    pass


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(*_: Any) -> None:
    raise AppendOnlyError("audit events are never changed or deleted")


def record(action: str, object_type: str, object_id: str, **detail: Any) -> AuditEvent:
    """Add an audit event for the signed-in staff member (or the system) to this request's commit."""
    staff_id = getattr(current_user, "staff_id", None) if current_user else None
    entry = AuditEvent(
        staff_id=staff_id, action=action, object_type=object_type, object_id=object_id, detail=detail
    )
    db.session.add(entry)
    return entry


def events_for(object_type: str, object_id: str) -> list[AuditEvent]:
    query = (
        select(AuditEvent)
        .where(AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    return list(db.session.scalars(query))
