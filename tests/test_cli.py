from __future__ import annotations

from sqlalchemy import func, select

from portal.accounts.models import StaffUser
from portal.core.db import db


def test_demo_data_loads_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0
    assert "Staff password" in first.output
    second = runner.invoke(args=["demo", "load"])
    assert "already" in second.output


def test_demo_data_refuses_production(app, monkeypatch):
    monkeypatch.setitem(app.config, "PORTAL_ENV", "production")
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code != 0
    assert "never loaded in production" in result.output


def test_create_staff_account(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["staff", "create", "--email", "New.Person@ace.example", "--name", "New Person"], input="a-long-password\na-long-password\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(StaffUser))
        assert user.email == "new.person@ace.example"
        assert user.password_hash.startswith("$argon2id$")
        assert user.totp_secret is None
    again = runner.invoke(args=["staff", "create", "--email", "new.person@ace.example", "--name", "X"], input="a-long-password\na-long-password\n")
    assert again.exit_code != 0
    short = runner.invoke(args=["staff", "create", "--email", "b@ace.example", "--name", "X"], input="short\nshort\n")
    assert short.exit_code != 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StaffUser)) == 1


def test_set_a_cap(app, demo):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["agency", "set-cap", "Solihull", "2026", "4"]).exit_code == 0
    assert runner.invoke(args=["agency", "set-cap", "Atlantis", "2026", "4"]).exit_code != 0
    assert runner.invoke(args=["agency", "set-cap", "Solihull", "2026", "-1"]).exit_code != 0


def test_demo_applications_stand_at_each_stage(app):
    from portal.adopting.application_models import Application

    assert app.test_cli_runner().invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context():
        statuses = sorted(db.session.scalars(select(Application.status)))
    assert statuses == ["approved", "on_break", "stage_one", "stage_two", "submitted"]


def test_break_reminders_command(app):
    from datetime import timedelta

    from portal.adopting.application_models import Application
    from portal.core.outbox import OutboxMessage
    from portal.core.timescales import today_london

    runner = app.test_cli_runner()
    runner.invoke(args=["demo", "load"])
    assert runner.invoke(args=["applications", "send-reminders"]).output.strip() == "Reminders sent: 0"
    with app.app_context():
        on_break = db.session.scalar(select(Application).where(Application.status == "on_break"))
        on_break.break_until = today_london() + timedelta(days=10)
        db.session.commit()
    assert runner.invoke(args=["applications", "send-reminders"]).output.strip() == "Reminders sent: 1"
    with app.app_context():
        sent = db.session.scalar(select(func.count()).where(OutboxMessage.template == "application-break-ending"))
    assert sent == 1


def test_the_support_fund_limit_is_data(app):
    from portal.support.plan_rules import fund_limit

    runner = app.test_cli_runner()
    assert runner.invoke(args=["agency", "set-fund-limit", "2025", "3000"]).output.strip() == "Saved."
    assert runner.invoke(args=["agency", "set-fund-limit", "1999", "3000"]).exit_code != 0
    with app.app_context():
        assert fund_limit(2025) == 300_000
        assert fund_limit(1999) is None
