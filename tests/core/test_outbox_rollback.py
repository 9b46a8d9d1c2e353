"""An email queued by a change that is rolled back is never sent: it was never committed."""

from __future__ import annotations

from flask import abort, redirect
from sqlalchemy import func, select

from portal.core import outbox
from portal.core.access import public
from portal.core.db import db
from portal.core.delivery import deliver_due
from portal.core.outbox import OutboxMessage
from tests.conftest import make_app
from tests.core.test_outbox_claims import RecordingBackend


def test_outbox_email_from_a_request_that_fails_is_never_delivered(app):
    # A second app on the same database, with three routes that each queue an email: a real 500
    # (PROPAGATE_EXCEPTIONS off, as in production), a refused request, and one that succeeds.
    failing = make_app(app.config["SQLALCHEMY_DATABASE_URI"], PROPAGATE_EXCEPTIONS=False, WTF_CSRF_ENABLED=False)

    def queue(who: str) -> None:
        outbox.queue_email(f"{who}@example.com", "enquiry-received", "en", reference="ENQ-7K2M-Q9RT")

    def crashes() -> str:
        queue("crashed")
        db.session.flush()  # the row is written inside the transaction, then the request fails
        raise RuntimeError("something broke after the email was queued")

    def refuses() -> str:
        queue("refused")
        abort(400)

    def succeeds() -> object:
        queue("committed")
        return redirect("/")

    for name, view in (("crashes", crashes), ("refuses", refuses), ("succeeds", succeeds)):
        failing.add_url_rule(f"/test-outbox/{name}", name, public(view), methods=["POST"])
    try:
        client = failing.test_client()
        assert client.post("/test-outbox/crashes").status_code == 500
        assert client.post("/test-outbox/refuses").status_code == 400
        assert client.post("/test-outbox/succeeds").status_code == 302
    finally:
        with failing.app_context():
            db.session.remove()
            db.engine.dispose()

    backend = RecordingBackend()
    with app.app_context():
        assert deliver_due(backends={"email": backend}).sent == 1
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
        (recipient,) = db.session.scalars(select(OutboxMessage.recipient))
    assert recipient == "committed@example.com"
    assert len(backend.sent) == 1
