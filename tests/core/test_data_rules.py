"""The database mechanisms: one commit per request, GETs never write, audit is append-only,
the migrations build exactly what the models describe."""

from __future__ import annotations

import pytest
from flask import Blueprint
from sqlalchemy import select, text

from portal.core.audit import AppendOnlyError, AuditEvent
from portal.core.db import db


def test_audit_events_cannot_be_changed_or_deleted(app, staff_client):
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).limit(1))
        event.action = "something_else"
        with pytest.raises(AppendOnlyError):
            db.session.flush()
        db.session.rollback()
        event = db.session.scalar(select(AuditEvent).limit(1))
        db.session.delete(event)
        with pytest.raises(AppendOnlyError):
            db.session.flush()
        db.session.rollback()


def test_on_postgresql_the_database_refuses_too(app, staff_client):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("the trigger exists only on PostgreSQL; CI runs this on PostgreSQL")
        with pytest.raises(Exception, match="never changed"):
            with db.engine.begin() as connection:
                connection.execute(text("UPDATE audit_event SET action = 'x'"))


def test_a_get_that_writes_is_caught(tmp_path):
    from tests.conftest import make_app

    app = make_app(f"sqlite:///{tmp_path / 'w.db'}")
    sneaky = Blueprint("sneaky", __name__)

    @sneaky.get("/sneaky")
    def write_on_get():
        from portal.agency.models import Agency

        db.session.add(Agency(name="x", short_name="x", email="x", phone="x", duty_hours="x"))
        return "done"

    app.register_blueprint(sneaky)
    with app.app_context():
        db.create_all()
    with pytest.raises(AssertionError, match="changed data while handling a GET"):
        app.test_client().get("/sneaky")


def test_staff_views_are_audited_without_personal_data(app, staff_client):
    staff_client.get("/staff/enquiries/")
    with app.app_context():
        events = list(db.session.scalars(select(AuditEvent)))
    assert any(e.action == "enquiry_queue_viewed" for e in events)
    for event in events:
        assert "@" not in str(event.detail)


def test_migrations_match_the_models(app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        differences = compare_metadata(context, db.metadata)
    assert differences == [], "run `flask db migrate` and review the new revision"


def test_a_change_that_loses_a_race_at_commit_gets_409_and_keeps_nothing(tmp_path):
    """Two people saving the same record at once: the second commit finds the version moved on.
    The person is told to reload and try again, with the usual headers, and nothing is half-saved."""
    from sqlalchemy import update

    from portal.agency.models import Agency
    from tests.conftest import make_app

    app = make_app(f"sqlite:///{tmp_path / 'race.db'}")
    racing = Blueprint("racing", __name__)

    @racing.post("/race")
    def lose_the_race():
        from portal.adopting.application_models import Application

        application = db.session.scalar(select(Application))
        application.decline_reasons = "mine"
        db.session.add(Agency(name="x", short_name="x", email="x", phone="x", duty_hours="x"))
        # Someone else's commit lands between our read and our commit.
        with db.engine.begin() as other:
            other.execute(update(Application).values(version=Application.version + 1))
        return "saved"

    app.register_blueprint(racing)
    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        db.create_all()
        from portal.adopting.application_models import Application

        db.session.add(Application(reference="ROI-TEST-0001", answers={}, completed_sections=[]))
        db.session.commit()
    response = app.test_client().post("/race")
    assert response.status_code == 409
    assert "Someone else changed this at the same time" in response.get_data(as_text=True)
    assert "nonce-" in response.headers["Content-Security-Policy"]
    with app.app_context():
        assert db.session.scalar(select(Agency)) is None
        assert db.session.scalar(select(Application.decline_reasons)) == ""
