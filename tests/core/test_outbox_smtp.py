"""Email through a real SMTP server on 127.0.0.1: what arrives, retries with back-off, and what is
never written to the logs."""

from __future__ import annotations

import logging
from contextlib import nullcontext
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.core import outbox
from portal.core.db import db
from portal.core.delivery import deliver_due
from portal.core.outbox import OutboxMessage, OutboxStatus
from tests.fakes.smtp import SmtpServer, free_port, self_signed_certificate

SENDER = "Adoption portal <no-reply@adoption.example>"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def queue(app, *people: tuple[str, str]) -> list[str]:
    """Queue the enquiry email to each (address, locale) and commit; return the messages' ids."""
    with app.app_context():
        messages = [
            outbox.queue_email(email, "enquiry-received", locale, reference="ENQ-7K2M-Q9RT") for email, locale in people
        ]
        db.session.commit()
        return [m.public_id for m in messages]


def stored(app, public_id: str) -> OutboxMessage:
    with app.app_context():
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.public_id == public_id))
        db.session.expunge(message)
        return message


@pytest.fixture
def smtp_settings(app, monkeypatch):
    def use(port: int, **extra):
        settings = {"MAIL_BACKEND": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "SMTP_STARTTLS": False,
                    "SMTP_USERNAME": "", "SMTP_PASSWORD": "", "MAIL_FROM": SENDER, **extra}
        for key, value in settings.items():
            monkeypatch.setitem(app.config, key, value)

    return use


def personal_lines(caplog, *secrets: str) -> list[str]:
    # The fake server's own log ("mail.log") is the far end, not the portal: leave it out.
    lines = [r.getMessage() for r in caplog.records if not r.name.startswith("mail.log")]
    return [line for line in lines if any(secret in line for secret in secrets)]


def test_outbox_smtp_delivers_each_email_in_its_language(app, smtp_settings):
    ids = queue(app, ("gwen@example.com", "cy"), ("olu@example.com", "en"))
    with SmtpServer() as smtp:
        smtp_settings(smtp.port)
        result = app.test_cli_runner().invoke(args=["outbox", "deliver", "--once"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "sent=2 kept=0 retrying=0 failed=0"

    arrived = {r.recipients[0]: r for r in smtp.received}
    assert sorted(arrived) == ["gwen@example.com", "olu@example.com"]
    welsh, english = stored(app, ids[0]), stored(app, ids[1])
    assert welsh.subject != english.subject, "the Welsh email must be in Welsh"
    for message in (welsh, english):
        email = arrived[message.recipient].message
        assert email["Subject"] == message.subject
        assert email["From"] == SENDER
        assert email["To"] == message.recipient
        assert email["Content-Language"] == message.locale
        assert email["Auto-Submitted"] == "auto-generated"
        assert not email.is_multipart() and email.get_content_type() == "text/plain"
        assert email.get_content_charset() == "utf-8"
        # On the wire lines end in CRLF, as SMTP requires.
        assert email.get_content().replace("\r\n", "\n") == message.body
        assert "ENQ-7K2M-Q9RT" in email.get_content()
        assert arrived[message.recipient].sender == "no-reply@adoption.example"
        assert not arrived[message.recipient].encrypted
        assert message.status == OutboxStatus.SENT and message.sent_at is not None
        assert message.attempts == 1 and message.next_attempt_at is None and message.last_error == ""


def test_outbox_smtp_signs_in_when_given_a_username(app, smtp_settings):
    queue(app, ("olu@example.com", "en"))
    with SmtpServer(login=("portal", "correct horse")) as smtp, app.app_context():
        smtp_settings(smtp.port, SMTP_USERNAME="portal", SMTP_PASSWORD="correct horse")
        assert deliver_due().sent == 1
    assert [r.authenticated_as for r in smtp.received] == ["portal"]


def test_outbox_smtp_never_sends_in_clear_when_starttls_is_asked_for(app, smtp_settings):
    (public_id,) = queue(app, ("olu@example.com", "en"))
    with SmtpServer() as smtp, app.app_context():
        # This server does not offer STARTTLS: the message must wait, not go out unencrypted.
        smtp_settings(smtp.port, SMTP_STARTTLS=True)
        assert deliver_due(T0).retrying == 1
    assert smtp.received == []
    message = stored(app, public_id)
    assert message.status == OutboxStatus.QUEUED and message.last_error == "SMTPNotSupportedError"


def test_outbox_smtp_uses_starttls_when_asked_to(app, smtp_settings, monkeypatch, tmp_path):
    certificate, key = self_signed_certificate(tmp_path)
    # The client checks the server's certificate against the trusted ones: trust this test's.
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate))
    queue(app, ("olu@example.com", "en"))
    with SmtpServer(tls=(certificate, key)) as smtp, app.app_context():
        smtp_settings(smtp.port, SMTP_STARTTLS=True)
        assert deliver_due().sent == 1
    assert [r.encrypted for r in smtp.received] == [True]


@pytest.mark.parametrize("server", ["refuses for now", "nothing listening"])
def test_outbox_smtp_retries_with_back_off_then_fails(app, smtp_settings, monkeypatch, caplog, server):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 4)
    (public_id,) = queue(app, ("olu.private@example.com", "en"))
    if server == "refuses for now":
        running = SmtpServer()
        running.handler.refuse_data = "451 4.3.0 Mailbox busy, try again later"
        context, port, expected_error = running, running.port, "SMTPDataError"
    else:
        context, port, expected_error = nullcontext(), free_port(), "ConnectionRefusedError"
    with context:
        smtp_settings(port)
        seen = []
        moment = T0
        for attempt in (1, 2, 3):
            with app.app_context():
                assert deliver_due(moment).retrying == 1
                # Not due again until the back-off has passed.
                assert deliver_due(moment + timedelta(seconds=59)).total == 0
            message = stored(app, public_id)
            assert (message.status, message.attempts) == (OutboxStatus.QUEUED, attempt)
            assert message.last_error == expected_error
            seen.append(message.next_attempt_at - moment)
            moment = message.next_attempt_at
        assert seen == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
        with app.app_context():
            assert deliver_due(moment).failed == 1
            assert deliver_due(moment + timedelta(days=30)).total == 0, "a failed message is never tried again"
    message = stored(app, public_id)
    assert (message.status, message.attempts, message.next_attempt_at) == (OutboxStatus.FAILED, 4, None)
    assert any(f"outbox_failed id={public_id}" in r.getMessage() for r in caplog.records)
    assert personal_lines(caplog, "olu.private@example.com", message.subject) == []


def test_outbox_smtp_refused_address_fails_at_once_and_is_not_logged(app, smtp_settings, caplog):
    caplog.set_level(logging.DEBUG)
    (public_id,) = queue(app, ("no.such.person@example.com", "en"))
    with SmtpServer() as smtp, app.app_context():
        # The exception for this carries the address in its text: only its class name may be kept.
        smtp.handler.refuse_rcpt = "550 5.1.1 <no.such.person@example.com>: mailbox unavailable"
        smtp_settings(smtp.port)
        assert deliver_due(T0).failed == 1
    message = stored(app, public_id)
    assert (message.status, message.attempts, message.last_error) == (OutboxStatus.FAILED, 1, "SMTPRecipientsRefused")
    assert personal_lines(caplog, "no.such.person") == []
