"""Email through GOV.UK Notify's official client, against a fake Notify API on 127.0.0.1."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from portal.core.delivery import deliver_due
from portal.core.outbox import OutboxStatus
from tests.core.test_outbox_smtp import personal_lines, queue, stored
from tests.fakes.notify import API_KEY, SERVICE_ID, FakeNotify

TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def notify(app, monkeypatch):
    with FakeNotify() as fake:
        for key, value in {"MAIL_BACKEND": "notify", "NOTIFY_API_KEY": API_KEY, "NOTIFY_BASE_URL": fake.base_url,
                           "NOTIFY_EMAIL_TEMPLATE_ID": TEMPLATE_ID}.items():
            monkeypatch.setitem(app.config, key, value)
        yield fake


def test_outbox_notify_posts_each_email_to_the_api(app, notify):
    ids = queue(app, ("gwen@example.com", "cy"), ("ola@example.com", "pl"))
    with app.app_context():
        assert str(deliver_due()) == "sent=2 kept=0 retrying=0 failed=0"
    assert notify.refused == []
    assert len(notify.posted) == 2
    for public_id, posted in zip(ids, notify.posted, strict=True):
        message = stored(app, public_id)
        assert posted.path == "/v2/notifications/email"
        assert posted.authorization.startswith("Bearer ")
        assert posted.payload == {
            "email_address": message.recipient,
            "template_id": TEMPLATE_ID,
            "personalisation": {"subject": message.subject, "body": message.body},
            "reference": public_id,
        }
        assert message.status == OutboxStatus.SENT and message.attempts == 1


def test_outbox_notify_the_fake_refuses_a_key_that_is_not_the_service_s(app, notify, monkeypatch):
    # Proves the fake really checks the token: a key with the right shape but another secret.
    monkeypatch.setitem(app.config, "NOTIFY_API_KEY", f"portal_test-{SERVICE_ID}-00000000-0000-4000-8000-000000000000")
    (public_id,) = queue(app, ("ola@example.com", "pl"))
    with app.app_context():
        assert deliver_due(T0).retrying == 1
    assert notify.refused == [403] and notify.posted == []
    message = stored(app, public_id)
    assert (message.status, message.last_error) == (OutboxStatus.QUEUED, "HTTPError")


@pytest.mark.parametrize(("status", "outcome"), [(500, OutboxStatus.QUEUED), (400, OutboxStatus.FAILED)])
def test_outbox_notify_retries_its_outages_but_not_its_refusals(app, notify, caplog, status, outcome):
    caplog.set_level(logging.DEBUG)
    notify.fail_with = status
    (public_id,) = queue(app, ("ola.private@example.com", "pl"))
    with app.app_context():
        deliver_due(T0)
    message = stored(app, public_id)
    assert (message.status, message.attempts, message.last_error) == (outcome, 1, "HTTPError")
    assert (message.next_attempt_at is None) == (outcome == OutboxStatus.FAILED)
    # The fake quotes the address in its 400 error, as the client would then log: it must not be.
    assert personal_lines(caplog, "ola.private@example.com", message.subject) == []
    assert any(f"id={public_id}" in r.getMessage() and f"code={status}" in r.getMessage() for r in caplog.records)
