"""Where the worker runs: in the web process only in development, never under tests or in
production; and as ``flask outbox deliver``, which stops cleanly on SIGTERM and SIGINT."""

from __future__ import annotations

import os
import queue as queues
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from portal import create_app
from portal.config import ConfigError
from portal.core import delivery
from portal.core.db import db
from portal.core.outbox import OutboxMessage, OutboxStatus
from tests.conftest import ROOT, make_app
from tests.core.test_outbox_smtp import queue, stored

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def worker_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "outbox-worker" and t.is_alive()]


def wait_for(condition, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_outbox_worker_does_not_start_under_testing(app):
    testing = make_app(app.config["SQLALCHEMY_DATABASE_URI"], OUTBOX_WORKER_IN_PROCESS=True)
    try:
        assert testing.config["TESTING"] and not delivery.runs_in_process(testing.config)
        testing.test_client().get("/staff/sign-in")
        assert "outbox_worker" not in testing.extensions
        assert worker_threads() == []
    finally:
        with testing.app_context():
            db.engine.dispose()


def test_outbox_worker_does_not_start_in_production(app, caplog):
    production = create_app({
        "PORTAL_ENV": "production", "SECRET_KEY": "x" * 32, "OUTBOX_WORKER_IN_PROCESS": True,
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
    })
    assert not delivery.runs_in_process(production.config)
    assert "outbox_worker" not in production.extensions
    assert "outbox_worker_in_process_ignored reason=production" in caplog.text


def test_outbox_worker_in_development_starts_once_on_the_first_request_and_delivers(app, monkeypatch):
    # Only the wake-up on commit can deliver within the wait below, not the poll.
    monkeypatch.setattr(delivery, "IN_PROCESS_POLL_SECONDS", 3600.0)
    development = create_app({
        "PORTAL_ENV": "development", "SECRET_KEY": "test-secret", "SERVER_NAME": "portal.test",
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
    })
    worker = development.extensions["outbox_worker"]
    try:
        assert development.config["OUTBOX_WORKER_IN_PROCESS"] and development.config["MAIL_BACKEND"] == "outbox"
        # Built but not yet serving (a `flask` command, or the reloader's watching process): no thread.
        assert not worker.running and worker_threads() == []
        client = development.test_client()
        client.get("/staff/sign-in")
        client.get("/staff/sign-in")
        assert worker.running and len(worker_threads()) == 1
        (public_id,) = queue(development, ("olu@example.com", "en"))
        assert wait_for(lambda: stored(app, public_id).status == OutboxStatus.KEPT)
        message = stored(app, public_id)
        # Kept, not sent: nothing left the portal, and the back office says so.
        assert (message.attempts, message.sent_at) == (1, None)
    finally:
        worker.stop()
        with development.app_context():
            db.session.remove()
            db.engine.dispose()
    assert not worker.running and worker_threads() == []


@pytest.mark.parametrize(
    ("settings", "problem"),
    [({"MAIL_BACKEND": "pigeon"}, "MAIL_BACKEND must be one of"),
     ({"MAIL_BACKEND": "notify"}, "needs NOTIFY_API_KEY and NOTIFY_EMAIL_TEMPLATE_ID")],
)
def test_outbox_refuses_to_start_with_a_backend_it_cannot_use(app, settings, problem):
    with pytest.raises(ConfigError, match=problem):
        make_app(app.config["SQLALCHEMY_DATABASE_URI"], **settings)


def queue_text(app, number: str) -> str:
    (public_id,) = queue(app, (number, "en"))
    with app.app_context():
        db.session.execute(update(OutboxMessage).where(OutboxMessage.public_id == public_id).values(channel="sms"))
        db.session.commit()
    return public_id


def test_outbox_a_channel_without_a_backend_waits_then_fails(app, monkeypatch):
    # A text message while only email can be sent: never dropped silently, never sent by email.
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 2)
    public_id = queue_text(app, "07700 900123")
    with app.app_context():
        assert delivery.deliver_due(T0).retrying == 1
        assert stored(app, public_id).last_error == "NoBackend"
        assert delivery.deliver_due(T0 + timedelta(hours=1)).failed == 1
    assert stored(app, public_id).status == OutboxStatus.FAILED


def test_outbox_backend_keeps_text_messages_too(app):
    public_id = queue_text(app, "07700 900123")
    with app.app_context():
        assert delivery.deliver_due(T0).kept == 1
    assert stored(app, public_id).status == OutboxStatus.KEPT


def test_outbox_deliver_once_with_the_outbox_backend_keeps_the_messages(app):
    ids = queue(app, ("olu@example.com", "en"), ("ola@example.com", "pl"))
    result = app.test_cli_runner().invoke(args=["outbox", "deliver", "--once"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "sent=0 kept=2 retrying=0 failed=0"
    assert [stored(app, i).status for i in ids] == [OutboxStatus.KEPT, OutboxStatus.KEPT]
    # Nothing is due any more: a second run finds nothing.
    again = app.test_cli_runner().invoke(args=["outbox", "deliver", "--once"])
    assert again.output.strip() == "sent=0 kept=0 retrying=0 failed=0"


@pytest.mark.parametrize(
    "stop_with", [pytest.param(signal.SIGTERM, id="SIGTERM"), pytest.param(signal.SIGINT, id="SIGINT")]
)
def test_outbox_deliver_runs_until_told_to_stop(app, tmp_path, stop_with):
    (public_id,) = queue(app, ("olu@example.com", "en"))
    env = {
        **os.environ, "FLASK_APP": "portal", "PORTAL_ENV": "test", "SECRET_KEY": "test-secret",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "MAIL_BACKEND": "outbox",
        "PORTAL_INSTANCE_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, "-m", "flask", "outbox", "deliver", "--interval", "0.2"]
    lines: queues.Queue[str] = queues.Queue()
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
    with subprocess.Popen(command, cwd=ROOT, env=env, **pipes) as worker:
        reader = threading.Thread(target=lambda: [lines.put(line) for line in worker.stdout], daemon=True)
        reader.start()
        try:
            seen = []
            while "sent=0 kept=1 retrying=0 failed=0\n" not in seen:
                seen.append(lines.get(timeout=30))
            worker.send_signal(stop_with)
            assert worker.wait(timeout=30) == 0, worker.stderr.read()
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        reader.join(timeout=10)
    rest = []
    while not lines.empty():
        rest.append(lines.get())
    assert seen[0] == "Delivering the outbox. Stop with Ctrl+C.\n"
    assert rest[-1:] == ["Stopped.\n"]
    assert stored(app, public_id).status == OutboxStatus.KEPT
