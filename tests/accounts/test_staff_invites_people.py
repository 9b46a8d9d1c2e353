from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import PublicUser
from portal.core.db import db
from portal.core.outbox import OutboxMessage


def test_staff_make_an_account_for_someone_with_only_a_phone(app, admin_client):
    response = admin_client.submit("/staff/people/invite", {"name": "Dee", "phone": "07700 900 982", "language": "pl"})
    assert response.status_code == 302
    with app.app_context():
        person = db.session.scalar(select(PublicUser).where(PublicUser.phone == "07700 900 982"))
        assert person.email is None and person.password_hash is None and person.preferred_language == "pl"
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "07700 900 982"))
        assert message.channel == "sms" and message.locale == "pl"


def test_an_email_invitation_and_the_answers_it_needs(app, admin_client):
    response = admin_client.submit("/staff/people/invite", {"name": "", "language": "en"})
    text = response.get_data(as_text=True)
    assert "Enter their full name" in text
    assert "Enter an email address or a mobile phone number" in text
    response = admin_client.submit("/staff/people/invite", {"name": "Sam", "email": "sam@example.com", "language": "cy"})
    assert response.status_code == 302
    again = admin_client.submit("/staff/people/invite", {"name": "Sam", "email": "SAM@example.com", "language": "cy"})
    assert "This email address already has an account" in again.get_data(as_text=True)
    with app.app_context():
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "sam@example.com"))
        assert message.channel == "email" and message.locale == "cy"


def test_a_duty_worker_cannot_make_accounts(staff_client):
    assert staff_client.get("/staff/people/invite").status_code == 403
