from __future__ import annotations

import re

import pyotp
from sqlalchemy import select

from portal.accounts.models import StaffUser
from portal.core.db import db
from portal.core.outbox import OutboxMessage
from portal.demo import DEMO_ADMIN, DEMO_SPOKE_STAFF, DEMO_STAFF
from tests.conftest import sign_in_staff

INVITE = {"name": "Nia Evans", "email": "Nia.Evans@ace.example", "roles": ["letterbox_coordinator"], "team": "solihull"}


def staff(app, email):
    with app.app_context():
        return db.session.scalar(select(StaffUser).where(StaffUser.email == email.lower()))


def invitation_link(app):
    with app.app_context():
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.template == "staff-invitation"))
        return re.search(r"http://portal\.test(/staff/invitations/\S+)", message.body).group(1)


def test_an_administrator_invites_staff_who_then_set_a_password_and_authenticator(app, admin_client):
    response = admin_client.submit("/staff/admin/staff/invite", INVITE)
    assert response.headers["Location"].endswith("/staff/admin/staff/")
    person = staff(app, INVITE["email"])
    assert person.password_hash is None and person.roles == ["letterbox_coordinator"]
    assert "Invited" in admin_client.get("/staff/admin/staff/").get_data(as_text=True)
    link = invitation_link(app)
    newcomer = app.test_client()
    assert newcomer.submit(link, {"password": "short"}).status_code == 200
    assert newcomer.submit(link, {"password": "a long enough password"}).status_code == 302
    # The link works once only.
    assert newcomer.get(link).status_code == 404
    response = newcomer.submit("/staff/sign-in", {"email": INVITE["email"], "password": "a long enough password"})
    assert response.headers["Location"].endswith("/staff/sign-in/set-up-authenticator")
    page = newcomer.get("/staff/sign-in/set-up-authenticator").get_data(as_text=True)
    secret = re.search(r'translate="no">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    assert newcomer.submit("/staff/sign-in/set-up-authenticator", {"code": pyotp.TOTP(secret).now()}).status_code == 302
    # A letterbox coordinator has no enquiry role.
    assert newcomer.get("/staff/enquiries/").status_code == 403
    assert newcomer.get("/staff/").status_code == 200


def test_invitation_needs_valid_answers_and_a_new_address(admin_client):
    response = admin_client.submit("/staff/admin/staff/invite", {"name": "", "email": "nope", "team": "atlantis"})
    text = response.get_data(as_text=True)
    assert "Enter their full name" in text
    assert "Enter an email address in the correct format" in text
    assert "Select at least one role" in text
    assert "Select a team" in text
    response = admin_client.submit("/staff/admin/staff/invite", {**INVITE, "email": DEMO_STAFF})
    assert "There is already a staff account with this email address" in response.get_data(as_text=True)


def test_a_tampered_or_unknown_invitation_is_refused(client, demo):
    response = client.get("/staff/invitations/not-a-token")
    assert response.status_code == 404
    assert "This invitation link does not work" in response.get_data(as_text=True)


def test_changing_roles_and_team_ends_their_sessions_and_applies(app, admin_client):
    worker = sign_in_staff(app, DEMO_STAFF)
    assert worker.get("/staff/enquiries/").status_code == 200
    person = staff(app, DEMO_STAFF)
    url = f"/staff/admin/staff/{person.public_id}"
    response = admin_client.submit(url, {"roles": ["family_finder"], "team": "coventry"})
    assert response.status_code == 302
    assert worker.get("/staff/").status_code == 302  # signed out
    again = sign_in_staff(app, DEMO_STAFF)
    assert again.get("/staff/enquiries/").status_code == 403
    assert staff(app, DEMO_STAFF).authority_id is not None


def test_deactivating_signs_the_person_out_at_once(app, admin_client):
    worker = sign_in_staff(app, DEMO_STAFF)
    person = staff(app, DEMO_STAFF)
    url = f"/staff/admin/staff/{person.public_id}"
    admin_client.submit(f"{url}/deactivate", {}, page=url)
    assert worker.get("/staff/").status_code == 302
    assert not staff(app, DEMO_STAFF).active
    assert "Deactivated" in admin_client.get("/staff/admin/staff/").get_data(as_text=True)
    admin_client.submit(f"{url}/reactivate", {}, page=url)
    assert staff(app, DEMO_STAFF).active


def test_the_last_administrator_cannot_be_removed(app, admin_client):
    me = staff(app, DEMO_ADMIN)
    url = f"/staff/admin/staff/{me.public_id}"
    response = admin_client.submit(url, {"roles": ["duty_worker"], "team": "hub"})
    assert "The agency needs at least one active administrator" in response.get_data(as_text=True)
    response = admin_client.submit(f"{url}/deactivate", {}, page=url)
    assert staff(app, DEMO_ADMIN).active


def test_resetting_a_lost_authenticator(app, admin_client):
    person = staff(app, DEMO_SPOKE_STAFF)
    url = f"/staff/admin/staff/{person.public_id}"
    admin_client.submit(f"{url}/reset-authenticator", {}, page=url)
    assert staff(app, DEMO_SPOKE_STAFF).totp_secret is None
    from portal.demo import DEMO_PASSWORD

    client = app.test_client()
    response = client.submit("/staff/sign-in", {"email": DEMO_SPOKE_STAFF, "password": DEMO_PASSWORD})
    assert response.headers["Location"].endswith("/staff/sign-in/set-up-authenticator")


def test_staff_changes_are_audited(app, admin_client):
    from portal.core.audit import AuditEvent

    admin_client.get("/staff/admin/staff/")
    admin_client.submit("/staff/admin/staff/invite", INVITE)
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"staff_invited", "staff_list_viewed"} <= actions
