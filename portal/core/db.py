"""The database: declarative base, UTC timestamps, opaque ids, and one commit point per request.

Views never commit. Rules add and change objects in the session; the request ends with a single
commit when the response is a success, and a rollback otherwise. A GET may add audit events (a staff
member *viewed* a case) and nothing else: any other change made while handling a GET is a bug, and
in testing it raises.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, current_app, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, MetaData, TypeDecorator, event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Session, registry
from sqlalchemy.orm.exc import StaleDataError

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and always gives them back aware, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


db = SQLAlchemy(model_class=Base)


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_public_id() -> str:
    """An opaque id for URLs: unguessable and says nothing about how many records there are."""
    return secrets.token_urlsafe(16)


# Crockford's base 32: no I, L, O or U, so a reference read out over the phone is not misheard.
_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference(prefix: str) -> str:
    body = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"{prefix}-{body[:4]}-{body[4:]}"


def _is_audit(obj: object) -> bool:
    return getattr(obj, "__tablename__", None) == "audit_event"


@event.listens_for(Session, "before_flush")
def _note_writes(session: Session, flush_context: Any, instances: Any) -> None:
    # Remember writes that were flushed before the end of the request, so the GET check sees them.
    if session.dirty or session.deleted or not all(_is_audit(o) for o in session.new):
        session.info["wrote"] = True


@event.listens_for(Session, "after_soft_rollback")
@event.listens_for(Session, "after_commit")
def _forget_writes(session: Session, *args: Any) -> None:
    session.info.pop("wrote", None)


def _only_audit_changes() -> bool:
    session = db.session
    return (
        not session.info.get("wrote")
        and not session.dirty
        and not session.deleted
        and all(_is_audit(obj) for obj in session.new)
    )


def _tune_sqlite(dbapi_connection: Any, connection_record: Any) -> None:
    # The embedded default has web requests and the outbox worker writing at once: write-ahead
    # logging lets readers carry on during a write, and the busy timeout makes a writer wait its
    # turn instead of failing with "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def init_app(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _tune_sqlite)

    @app.after_request
    def commit_once(response: Response) -> Response:
        session = db.session
        if response.status_code >= 400:
            session.rollback()
            return response
        if request.method in {"GET", "HEAD", "OPTIONS"}:
            if not _only_audit_changes():
                if current_app.config.get("TESTING"):
                    raise AssertionError(f"{request.endpoint} changed data while handling a GET")
                session.rollback()
                return response
        try:
            session.commit()
        except (StaleDataError, IntegrityError):
            # Two people changed the same record at the same moment and this request lost: nothing
            # of it is kept, and the person is told to reload and try again.
            session.rollback()
            from portal.errors import conflict_response

            return conflict_response(response)
        return response

    @app.teardown_request
    def rollback_unfinished(exc: BaseException | None) -> None:
        if exc is not None:
            db.session.rollback()
