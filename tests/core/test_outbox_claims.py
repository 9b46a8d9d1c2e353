"""Two workers at once send each message exactly once, on SQLite and on PostgreSQL (CI).

The claim has two guards: FOR UPDATE SKIP LOCKED on PostgreSQL, and a compare-and-set on
``attempts`` everywhere. ``race`` forces the worst interleaving: both workers have read the due
messages before either takes one. The last test runs the same race with both guards removed and
sees the duplicate, so these tests can fail.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable

from sqlalchemy import select, update

from portal.core import outbox
from portal.core.db import db
from portal.core.delivery import deliver_due
from portal.core.outbox import OutboxMessage, OutboxStatus
from tests.core.test_outbox_smtp import queue


class RecordingBackend:
    """Sends nothing; remembers which worker sent what. Slow enough for the workers to interleave."""

    def __init__(self, pause: float = 0.0) -> None:
        self.sent: list[tuple[str, str]] = []
        self.pause = pause
        self._lock = threading.Lock()

    def send(self, message: outbox.Outgoing) -> OutboxStatus:
        time.sleep(self.pause)
        with self._lock:
            self.sent.append((threading.current_thread().name, message.public_id))
        return OutboxStatus.SENT

    def close(self) -> None:
        pass


def run_two_workers(app, backend: RecordingBackend, batch_size: int) -> None:
    start = threading.Barrier(2, timeout=10)
    failures: list[BaseException] = []

    def work() -> None:
        try:
            start.wait()
            with app.app_context():
                deliver_due(backends={"email": backend}, batch_size=batch_size)
        except BaseException as error:  # reported by the test thread below
            failures.append(error)

    workers = [threading.Thread(target=work, name=f"worker-{n}") for n in (1, 2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not any(w.is_alive() for w in workers), "a worker did not finish"
    assert failures == []


def both_read_first(monkeypatch, select_due: Callable = outbox._select_due) -> None:
    """Make each worker wait, after its first read of the due messages, until the other has read too."""
    met = threading.Barrier(2, timeout=10)
    waited = threading.local()

    def select_then_wait(now, limit):
        rows = select_due(now, limit)
        if not getattr(waited, "done", False):
            waited.done = True
            met.wait()
        return rows

    monkeypatch.setattr(outbox, "_select_due", select_then_wait)


def statuses(app) -> list[tuple[str, int]]:
    with app.app_context():
        return [tuple(row) for row in db.session.execute(select(OutboxMessage.status, OutboxMessage.attempts))]


def test_outbox_two_workers_send_thirty_messages_once_each(app):
    ids = queue(app, *[(f"person{n}@example.com", "en") for n in range(30)])
    backend = RecordingBackend(pause=0.005)
    run_two_workers(app, backend, batch_size=1)
    assert Counter(public_id for _worker, public_id in backend.sent) == Counter(ids)
    # Both really worked at once, or this test would prove nothing.
    assert {worker for worker, _id in backend.sent} == {"worker-1", "worker-2"}
    assert statuses(app) == [(OutboxStatus.SENT, 1)] * 30


def test_outbox_two_workers_that_both_saw_a_message_send_it_once(app, monkeypatch):
    (public_id,) = queue(app, ("person@example.com", "en"))
    both_read_first(monkeypatch)
    backend = RecordingBackend()
    run_two_workers(app, backend, batch_size=5)
    assert [public_id for _worker, public_id in backend.sent] == [public_id]
    assert statuses(app) == [(OutboxStatus.SENT, 1)]


def test_outbox_race_without_the_guards_sends_twice(app, monkeypatch):
    def select_without_lock(now, limit):
        return db.session.execute(
            select(OutboxMessage.id, OutboxMessage.attempts).where(OutboxMessage.status == OutboxStatus.QUEUED)
        ).all()

    def take_without_checking(message_id, seen_attempts, lease_until):
        db.session.execute(
            update(OutboxMessage).where(OutboxMessage.id == message_id)
            .values(attempts=seen_attempts + 1, next_attempt_at=lease_until)
        )
        return True

    (public_id,) = queue(app, ("person@example.com", "en"))
    monkeypatch.setattr(outbox, "_take", take_without_checking)
    both_read_first(monkeypatch, select_without_lock)
    backend = RecordingBackend()
    run_two_workers(app, backend, batch_size=5)
    assert [public_id for _worker, public_id in backend.sent] == [public_id, public_id]
