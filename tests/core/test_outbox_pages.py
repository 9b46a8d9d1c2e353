"""The back-office outbox shows each email's state honestly, and administrators can list the
failed ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from portal.core import outbox
from portal.core.db import db
from portal.core.outbox import OutboxMessage, OutboxStatus
from tests.core.test_outbox_smtp import queue


def set_state(app, public_id: str, **values) -> None:
    with app.app_context():
        db.session.execute(update(OutboxMessage).where(OutboxMessage.public_id == public_id).values(**values))
        db.session.commit()


def rows(client) -> dict[str, list[str]]:
    """Each listed email's cells, by its id (from its link)."""
    page = client.last_page
    listed = {}
    for row in page.find_all("tr")[1:]:
        link = next(row.iter("a"), None)
        if link is not None:
            listed[link.get("href").rsplit("/", 1)[1]] = [page.text(cell) for cell in row.iter("td")]
    return listed


def summary_of(client, public_id: str) -> dict[str, str]:
    client.get(f"/staff/outbox/{public_id}")
    page = client.last_page
    keys = [page.text(k) for k in page.by_class("govuk-summary-list__key")]
    values = [page.text(v) for v in page.by_class("govuk-summary-list__value")]
    return dict(zip(keys, values, strict=True))


def seeded(app) -> dict[str, str]:
    """One email in each state, with its id."""
    sent, kept, failed, waiting = queue(
        app,
        ("sent@example.com", "en"),
        ("kept@example.com", "cy"),
        ("failed@example.com", "pl"),
        ("waiting@example.com", "en"),
    )
    now = datetime.now(UTC)
    set_state(app, sent, status=OutboxStatus.SENT, attempts=1, sent_at=now)
    set_state(app, kept, status=OutboxStatus.KEPT, attempts=1)
    set_state(app, failed, status=OutboxStatus.FAILED, attempts=8, last_error="SMTPRecipientsRefused")
    set_state(app, waiting, attempts=2, next_attempt_at=now + timedelta(minutes=2), last_error="ConnectionRefusedError")
    return {"sent": sent, "kept": kept, "failed": failed, "waiting": waiting}


def test_outbox_list_tags_each_state_and_counts_attempts(app, admin_client):
    ids = seeded(app)
    admin_client.get("/staff/outbox")
    page = admin_client.last_page
    red = [page.text(tag) for tag in page.by_class("govuk-tag--red")]
    assert red == ["Failed"]
    listed = rows(admin_client)
    assert listed[ids["failed"]][3:] == ["Failed", "8"]
    assert listed[ids["sent"]][3:] == ["Sent", "1"]
    assert listed[ids["kept"]][3:] == ["Kept in the outbox", "1"]
    assert listed[ids["waiting"]][3:] == ["Waiting to send", "2"]


def test_outbox_list_can_show_only_failed_emails(app, admin_client, staff_client):
    ids = seeded(app)
    for client in (admin_client, staff_client):
        client.get("/staff/outbox?status=failed")
        assert list(rows(client)) == [ids["failed"]]
        selected = [o.get("value") for o in client.last_page.find_all("option") if o.get("selected") is not None]
        assert selected == ["failed"]
    # The demo's own emails are waiting too; an unknown filter shows everything rather than failing.
    admin_client.get("/staff/outbox?status=nonsense")
    assert set(ids.values()) < set(rows(admin_client))


def test_outbox_recent_filters_by_status_outside_a_request(app):
    ids = seeded(app)
    with app.app_context():
        assert [m.public_id for m in outbox.recent(status="failed")] == [ids["failed"]]
        assert len(outbox.recent()) == 4
        assert len(outbox.recent(status="nonsense")) == 4


def test_outbox_message_page_shows_the_failure(app, admin_client):
    ids = seeded(app)
    summary = summary_of(admin_client, ids["failed"])
    assert summary["To"] == "failed@example.com"
    assert summary["Status"] == "Failed"
    assert summary["Attempts"] == "8"
    assert summary["Last error"] == "SMTPRecipientsRefused"
    assert "Sent" not in summary
    assert summary_of(admin_client, ids["sent"])["Status"] == "Sent"
    assert "Sent" in summary_of(admin_client, ids["sent"])


def test_in_production_staff_never_see_a_code_or_a_secret_link(app, staff_client, monkeypatch):
    from sqlalchemy import select

    from portal.core.db import db
    from portal.core.outbox import OutboxMessage, queue_email

    with app.test_request_context():
        queue_email("someone@example.com", "staff-invitation", "en", link="http://portal.test/staff/invitations/SECRET-TOKEN")
        db.session.commit()
        public_id = db.session.scalar(select(OutboxMessage.public_id).where(OutboxMessage.template == "staff-invitation"))
    monkeypatch.setitem(app.config, "PORTAL_ENV", "production")
    text = staff_client.get(f"/staff/outbox/{public_id}").get_data(as_text=True)
    assert "SECRET-TOKEN" not in text
    assert "so it is not shown" in text
    monkeypatch.setitem(app.config, "PORTAL_ENV", "development")
    assert "SECRET-TOKEN" in staff_client.get(f"/staff/outbox/{public_id}").get_data(as_text=True)
