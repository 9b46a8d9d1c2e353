"""Delivering the outbox: the worker, its retries, and the backends (outbox only, SMTP, GOV.UK Notify).

A worker claims due messages (``claim_due``), hands each to the backend for its channel outside any
database transaction, and records the outcome. A failure is retried with exponential back-off until
``OUTBOX_MAX_ATTEMPTS``; then the message is marked failed for an administrator to see. Because
``queue_email`` writes in the same transaction as the change that causes it, a rolled-back change
leaves nothing here to send.

The worker runs as ``flask outbox deliver`` (production), or in the embedded default as a daemon
thread inside the app. Logs carry message ids and event names only: never a recipient, subject,
body or a provider's error text (which can quote the address).
"""

from __future__ import annotations

import atexit
import logging
import signal
import smtplib
import ssl
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from types import FrameType
from typing import Any, Protocol

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.config import ConfigError
from portal.core.db import db, utcnow
from portal.core.outbox import (
    QUEUED_FLAG,
    Claim,
    OutboxChannel,
    OutboxStatus,
    Outgoing,
    claim_due,
    record_delivered,
    record_failure,
)

log = logging.getLogger("portal.outbox")

BATCH_SIZE = 20
# Network timeout for one send; outbox.LEASE is far longer, so a slow send never outlives its claim.
SEND_TIMEOUT_SECONDS = 30
# The in-process worker is woken when a message is committed; this poll only picks up retries.
IN_PROCESS_POLL_SECONDS = 10.0


class Undeliverable(Exception):
    """Raised by a backend when trying again cannot help (the provider refused the address)."""

    def __init__(self, kind: str, code: int | None = None) -> None:
        super().__init__(kind)
        self.kind = kind
        self.code = code


class NoBackend(Exception):
    """A message's channel has no backend in this deployment."""


class Backend(Protocol):
    """Sends messages of one channel. ``send`` raises to say "try again later" (or ``Undeliverable``
    for never), and returns the final status: ``SENT``, or ``KEPT`` when nothing left the portal.
    A text-message backend implements the same two methods and is registered for its channel."""

    def send(self, message: Outgoing) -> OutboxStatus: ...

    def close(self) -> None: ...


class OutboxBackend:
    """The embedded default: nothing leaves the portal; staff read the message in the back office."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        pass

    def send(self, message: Outgoing) -> OutboxStatus:
        return OutboxStatus.KEPT

    def close(self) -> None:
        pass


class SmtpBackend:
    """Plain-text email through an SMTP server; one connection for a whole round of messages."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.host: str = config["SMTP_HOST"]
        self.port: int = config["SMTP_PORT"]
        self.username: str = config["SMTP_USERNAME"]
        self.password: str = config["SMTP_PASSWORD"]
        self.starttls: bool = config["SMTP_STARTTLS"]
        self.sender: str = config["MAIL_FROM"]
        self.domain = parseaddr(self.sender)[1].rpartition("@")[2] or "localhost"
        self._connection: smtplib.SMTP | None = None

    def compose(self, message: Outgoing) -> EmailMessage:
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.recipient
        email["Subject"] = message.subject
        email["Date"] = formatdate(usegmt=True)
        # The same id on every attempt, so a receiving server can drop a duplicate after a retry.
        email["Message-ID"] = f"<{message.public_id}@{self.domain}>"
        # RFC 3834: out-of-office replies should not answer an automatic message.
        email["Auto-Submitted"] = "auto-generated"
        email.set_content(message.body)
        # After set_content, which clears every Content-* header.
        email["Content-Language"] = message.locale.replace("_", "-")
        return email

    def _connect(self) -> smtplib.SMTP:
        connection = smtplib.SMTP(self.host, self.port, timeout=SEND_TIMEOUT_SECONDS)
        try:
            connection.ehlo()
            if self.starttls:
                # Raises when the server does not offer STARTTLS: never fall back to sending in clear.
                connection.starttls(context=ssl.create_default_context())
                connection.ehlo()
            if self.username:
                connection.login(self.username, self.password)
        except BaseException:
            connection.close()
            raise
        return connection

    def send(self, message: Outgoing) -> OutboxStatus:
        email = self.compose(message)
        try:
            if self._connection is None:
                self._connection = self._connect()
            self._connection.send_message(email)
        except smtplib.SMTPRecipientsRefused as error:
            self.close()
            codes = [code for code, _text in error.recipients.values()]
            if codes and all(500 <= code < 600 for code in codes):
                raise Undeliverable(type(error).__name__, codes[0]) from None
            raise
        except BaseException:
            # After any other error the connection's state is unknown: start afresh for the next one.
            self.close()
            raise
        return OutboxStatus.SENT

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()


class NotifyBackend:
    """GOV.UK Notify, through its official client. The Notify template holds only ``((subject))``
    and ``((body))``: our templates stay the one source of the text, in every language."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.api_key: str = config["NOTIFY_API_KEY"]
        self.base_url: str = config["NOTIFY_BASE_URL"]
        self.template_id: str = config["NOTIFY_EMAIL_TEMPLATE_ID"]
        self._client: NotificationsAPIClient | None = None

    def send(self, message: Outgoing) -> OutboxStatus:
        if self._client is None:
            self._client = NotificationsAPIClient(
                self.api_key, base_url=self.base_url, timeout=SEND_TIMEOUT_SECONDS
            )
        try:
            self._client.send_email_notification(
                email_address=message.recipient,
                template_id=self.template_id,
                personalisation={"subject": message.subject, "body": message.body},
                # Our opaque id, so a message can be found in Notify's records without personal data.
                reference=message.public_id,
            )
        except HTTPError as error:
            # 400 is Notify refusing this message (a bad address, a team-only key): retrying cannot help.
            if error.status_code == 400:
                raise Undeliverable(type(error).__name__, 400) from None
            raise
        return OutboxStatus.SENT

    def close(self) -> None:
        if self._client is not None:
            self._client.request_session.close()
            self._client = None


EMAIL_BACKENDS: dict[str, Callable[[Mapping[str, Any]], Backend]] = {
    "outbox": OutboxBackend,
    "smtp": SmtpBackend,
    "notify": NotifyBackend,
}


def backends_for(config: Mapping[str, Any]) -> dict[str, Backend]:
    """One backend per channel. A text-message backend (e.g. Notify's SMS) gets its entry here."""
    email = EMAIL_BACKENDS[config["MAIL_BACKEND"]](config)
    backends: dict[str, Backend] = {OutboxChannel.EMAIL: email}
    if isinstance(email, OutboxBackend):
        # In the embedded default nothing leaves, whatever the channel: staff read texts here too.
        backends[OutboxChannel.SMS] = email
    return backends


# Delivering -----------------------------------------------------------------------------------


@dataclass
class DeliveryCounts:
    sent: int = 0
    kept: int = 0
    retrying: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return self.sent + self.kept + self.retrying + self.failed

    def __str__(self) -> str:
        return f"sent={self.sent} kept={self.kept} retrying={self.retrying} failed={self.failed}"


def _error_detail(error: BaseException) -> str:
    # A status code helps whoever runs the service and says nothing about the person.
    code = getattr(error, "status_code", None) or getattr(error, "smtp_code", None) or getattr(error, "code", None)
    return f" code={code}" if isinstance(code, int) else ""


def _deliver_one(claim: Claim, backends: Mapping[str, Backend], max_attempts: int, now: datetime | None) -> str:
    message = claim.message
    try:
        backend = backends.get(message.channel)
        if backend is None:
            raise NoBackend(message.channel)
        status = backend.send(message)
    except Exception as error:
        kind = error.kind if isinstance(error, Undeliverable) else type(error).__name__
        final = isinstance(error, Undeliverable) or claim.attempts >= max_attempts
        due = record_failure(claim, kind, now or utcnow(), final=final)
        if due is None:
            log.error("outbox_failed id=%s attempt=%d error=%s%s", message.public_id, claim.attempts, kind,
                      _error_detail(error))
            return "failed"
        log.warning("outbox_retry_scheduled id=%s attempt=%d error=%s%s due=%s", message.public_id,
                    claim.attempts, kind, _error_detail(error), due.isoformat(timespec="seconds"))
        return "retrying"
    record_delivered(claim, status, now or utcnow())
    log.info("outbox_%s id=%s attempt=%d", status.value, message.public_id, claim.attempts)
    return status.value


def deliver_due(
    now: datetime | None = None,
    *,
    backends: Mapping[str, Backend] | None = None,
    batch_size: int = BATCH_SIZE,
) -> DeliveryCounts:
    """Deliver every message due now, round after round, and say what became of them.

    ``now`` fixes the clock (tests); ``backends`` replaces the configured ones. Needs an app context
    and commits after every claim and every outcome.
    """
    config = current_app.config
    max_attempts = int(config["OUTBOX_MAX_ATTEMPTS"])
    own = backends is None
    chosen = backends_for(config) if backends is None else backends
    counts = DeliveryCounts()
    try:
        # Each claim pushes its messages' next_attempt_at past ``now`` or finishes them, so this ends.
        while claims := claim_due(now or utcnow(), batch_size):
            for claim in claims:
                outcome = _deliver_one(claim, chosen, max_attempts, now)
                setattr(counts, outcome, getattr(counts, outcome) + 1)
    finally:
        if own:
            for backend in chosen.values():
                backend.close()
    return counts


# Running the worker ---------------------------------------------------------------------------


class InProcessWorker:
    """The embedded default's worker: a daemon thread in the web process, started by the first
    request (so ``flask`` commands and the reloader's watching process never start one)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def ensure_started(self) -> None:
        if self._thread is not None:
            return
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="outbox-worker", daemon=True)
                _WORKERS.add(self)
                self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        _WORKERS.discard(self)

    def _run(self) -> None:
        log.info("outbox_worker_started mode=in_process")
        while not self._stop.is_set():
            # Cleared before delivering, so a message committed meanwhile wakes the next round.
            self._wake.clear()
            try:
                with self.app.app_context():
                    deliver_due()
            except Exception as error:
                log.error("outbox_worker_error error=%s", type(error).__name__)
            self._wake.wait(IN_PROCESS_POLL_SECONDS)
        log.info("outbox_worker_stopped mode=in_process")


_WORKERS: set[InProcessWorker] = set()


@event.listens_for(Session, "after_commit")
def _wake_workers(session: Session) -> None:
    if session.info.pop(QUEUED_FLAG, False):
        for worker in list(_WORKERS):
            worker.wake()


def runs_in_process(config: Mapping[str, Any]) -> bool:
    """Whether this app delivers its own outbox: only when asked, and never in tests or production."""
    return bool(config.get("OUTBOX_WORKER_IN_PROCESS")) and not config.get("TESTING") and (
        config.get("PORTAL_ENV") != "production"
    )


outbox_cli = AppGroup("outbox", help="The outbox of emails (and later text messages).")


@outbox_cli.command("deliver")
@click.option("--once", is_flag=True, help="Deliver what is due now, print the counts and exit.")
@click.option("--interval", type=click.FloatRange(min=0.1), default=5.0, show_default=True,
              help="Seconds between rounds when running continuously.")
def deliver_command(once: bool, interval: float) -> None:
    """Deliver queued messages through MAIL_BACKEND, retrying failures with back-off."""
    if once:
        click.echo(str(deliver_due()))
        return
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    log.info("outbox_worker_started mode=command")
    click.echo("Delivering the outbox. Stop with Ctrl+C.")
    try:
        while not stop.is_set():
            try:
                counts = deliver_due()
            except Exception as error:
                # The database or network may come back: keep going, as a service manager expects.
                log.error("outbox_worker_error error=%s", type(error).__name__)
            else:
                if counts.total:
                    click.echo(str(counts))
            finally:
                db.session.remove()
            stop.wait(interval)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log.info("outbox_worker_stopped mode=command")
    click.echo("Stopped.")


class _NoProviderText(logging.Filter):
    """Notify's client logs the API's error message, which can quote what we sent. Our own
    ``outbox_retry_scheduled`` / ``outbox_failed`` lines report the failure instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "failed with" not in str(record.msg)


_PROVIDER_LOG = logging.getLogger("notifications_python_client.base")


def init_app(app: Flask) -> None:
    """Register the delivery commands and, in the embedded default, the in-process worker."""
    backend = app.config["MAIL_BACKEND"]
    if backend not in EMAIL_BACKENDS:
        raise ConfigError("MAIL_BACKEND must be one of: " + ", ".join(EMAIL_BACKENDS))
    if backend == "notify" and not (app.config["NOTIFY_API_KEY"] and app.config["NOTIFY_EMAIL_TEMPLATE_ID"]):
        raise ConfigError("MAIL_BACKEND=notify needs NOTIFY_API_KEY and NOTIFY_EMAIL_TEMPLATE_ID")
    app.cli.add_command(outbox_cli)
    if not any(isinstance(f, _NoProviderText) for f in _PROVIDER_LOG.filters):
        _PROVIDER_LOG.addFilter(_NoProviderText())
    if app.config.get("OUTBOX_WORKER_IN_PROCESS") and app.config.get("PORTAL_ENV") == "production":
        log.warning("outbox_worker_in_process_ignored reason=production")
    if runs_in_process(app.config):
        worker = InProcessWorker(app)
        app.extensions["outbox_worker"] = worker
        app.before_request(worker.ensure_started)
        atexit.register(worker.stop)
