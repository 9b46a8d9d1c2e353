"""Every route makes exactly one access decision, and the decisions are the ones written here.

The table is checked both ways against the URL map: a new route without an entry fails, and an
entry whose route has gone fails too (links people were sent must not silently break).
"""

from __future__ import annotations

import re

import pytest

from portal.core.access import access_of, is_known_category
from tests.adopting.access_application_public import APPLICATION_PUBLIC_ACCESS
from tests.adopting.access_application_staff import APPLICATION_STAFF_ACCESS
from tests.adopting.access_registration import REGISTRATION_ACCESS
from tests.adopting.access_training_reports import TRAINING_REPORTS_ACCESS
from tests.agency.access_content import CONTENT_ACCESS
from tests.support.access_family import SUPPORT_FAMILY_ACCESS
from tests.support.access_public import SUPPORT_PUBLIC_ACCESS
from tests.support.access_staff import SUPPORT_STAFF_ACCESS

ENQUIRIES = "staff:assessment_worker,duty_worker,team_manager"
OUTBOX = "staff:administrator,duty_worker"
CAPS = "staff:administrator,team_manager"
ADMIN = "staff:administrator"
REQUESTS = "staff:birth_relative_worker,duty_worker,letterbox_coordinator,team_manager"
INVITING = "staff:administrator,birth_relative_worker,letterbox_coordinator,support_worker"

EXPECTED = {
    "static": "public",
    "agency.start": "public",
    "agency.contact": "public",
    "agency.accessibility": "public",
    "agency.privacy": "public",
    "agency.cookies": "public",
    "adopting.enquiry_start": "public",
    "adopting.enquiry_question": "public",
    "adopting.enquiry_check": "public",
    "adopting.enquiry_sent": "public",
    "accounts.staff_sign_in": "public",
    "accounts.staff_signed_out": "public",
    "accounts.staff_accept_invitation": "public",
    "accounts_public.register": "public",
    "accounts_public.confirm_email": "public",
    "accounts_public.sign_in": "public",
    "accounts_public.request_password_reset": "public",
    "accounts_public.reset_password": "public",
    "accounts_public.accept_invitation": "public",
    "accounts_public.confirm_email_change": "public",
    "accounts_public.signed_out": "public",
    "accounts_public.sign_in_code": "account_signing_in",
    "accounts_public.send_new_code": "account_signing_in",
    "accounts_public.view_account": "account",
    "accounts_public.change_details": "account",
    "accounts_public.change_email": "account",
    "accounts_public.set_up_authenticator": "account",
    "accounts_public.remove_authenticator": "account",
    "accounts_public.keep_signed_in": "account",
    "accounts_public.sign_out": "account",
    "accounts_public.sign_out_everywhere": "account",
    "requests_public.start": "public",
    "requests_public.request_question": "public",
    "requests_public.check_request": "public",
    "requests_public.request_sent": "public",
    "requests_public.my_requests": "account",
    "requests_public.view_request": "account",
    "requests_public.send_message": "account",
    "requests_public.claim_request": "account",
    "accounts_sso.sign_in": "public",
    "accounts_sso.finish_sign_in": "public",
    "accounts.staff_set_up_authenticator": "staff_signing_in",
    "accounts.staff_sign_in_code": "staff_signing_in",
    "accounts.staff_sign_out": "staff",
    "backoffice.home": "staff",
    "backoffice.list_outbox": OUTBOX,
    "backoffice.view_outbox_message": OUTBOX,
    "adopting_staff.list_enquiries": ENQUIRIES,
    "adopting_staff.view_enquiry": ENQUIRIES,
    "adopting_staff.record_response": ENQUIRIES,
    "adopting_staff.close_enquiry": ENQUIRIES,
    "agency_staff.edit_cap": CAPS,
    "requests_staff.list_requests": REQUESTS,
    "requests_staff.view_request": REQUESTS,
    "requests_staff.allocate_request": REQUESTS,
    "requests_staff.signpost_request": REQUESTS,
    "requests_staff.decline_request": REQUESTS,
    "requests_staff.record_first_contact": REQUESTS,
    "requests_staff.set_next_step": REQUESTS,
    "requests_staff.close_request": REQUESTS,
    "requests_staff.send_message": REQUESTS,
    "public_invites.invite_person": INVITING,
    "staff_admin.list_staff": ADMIN,
    "staff_admin.invite_staff": ADMIN,
    "staff_admin.edit_staff": ADMIN,
    "staff_admin.deactivate_staff": ADMIN,
    "staff_admin.reactivate_staff": ADMIN,
    "staff_admin.reset_authenticator": ADMIN,
    # Each part of the application journey keeps its own table beside its tests.
    **REGISTRATION_ACCESS,
    **APPLICATION_PUBLIC_ACCESS,
    **APPLICATION_STAFF_ACCESS,
    **TRAINING_REPORTS_ACCESS,
    **SUPPORT_PUBLIC_ACCESS,
    **SUPPORT_FAMILY_ACCESS,
    **SUPPORT_STAFF_ACCESS,
    **CONTENT_ACCESS,
}


def test_every_endpoint_has_exactly_the_expected_category(app):
    actual = {endpoint: access_of(view) for endpoint, view in app.view_functions.items()}
    assert set(actual) == set(EXPECTED), "add the new route to EXPECTED, or restore the missing one"
    assert actual == EXPECTED
    assert all(is_known_category(c) for c in EXPECTED.values())


def _urls(app, category):
    for rule in app.url_map.iter_rules():
        if EXPECTED[rule.endpoint] != category:
            continue
        url = re.sub(r"<(?:[^:>]+:)?([^>]+)>", "not-a-real-id", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, url


def _staff_urls(app):
    for category in sorted({c for c in EXPECTED.values() if c == "staff" or c.startswith("staff:")}):
        yield from _urls(app, category)


def test_staff_routes_turn_away_anonymous_visitors(app, demo):
    client = app.test_client()
    checked = 0
    for method, url in _staff_urls(app):
        response = client.open(url, method=method, data={"csrf_token": client.csrf_token("/staff/sign-in")})
        assert response.status_code == 302, (method, url)
        assert "/staff/sign-in" in response.headers["Location"], (method, url)
        checked += 1
    assert checked >= 8


def test_half_signed_in_routes_need_a_password_first(app, demo):
    client = app.test_client()
    for method, url in _urls(app, "staff_signing_in"):
        response = client.open(url, method=method, data={"csrf_token": client.csrf_token("/staff/sign-in")})
        assert response.status_code == 302
        assert "/staff/sign-in" in response.headers["Location"]


@pytest.mark.parametrize(
    "url",
    ["/staff/enquiries/not-a-real-id", "/staff/outbox/not-a-real-id", "/staff/authorities/nowhere/step-parent-places",
     "/staff/admin/staff/not-a-real-id"],
)
def test_staff_asking_for_something_that_does_not_exist_get_404(app, demo, url):
    from tests.conftest import sign_in_staff

    # Someone whose roles allow the page, so the 404 is about the object, not the role.
    from portal.demo import DEMO_ADMIN, DEMO_MANAGER, DEMO_STAFF

    email = DEMO_MANAGER if "authorities" in url else DEMO_ADMIN if "admin" in url else DEMO_STAFF
    response = sign_in_staff(app, email).get(url)
    assert response.status_code == 404
    assert "Back office" in response.get_data(as_text=True)  # the staff layout


def _roles_of(email):
    from sqlalchemy import select

    from portal.accounts.models import StaffUser
    from portal.core.db import db

    return set(db.session.scalar(select(StaffUser.roles).where(StaffUser.email == email)))


def test_every_role_restricted_route_refuses_staff_without_the_role(app, demo):
    """Each demo member of staff against every staff route: in if a role matches, 403 if not."""
    from portal.demo import DEMO_ADMIN, DEMO_MANAGER, DEMO_SPOKE_STAFF, DEMO_STAFF
    from tests.conftest import sign_in_staff

    refused = allowed = 0
    for email in (DEMO_STAFF, DEMO_MANAGER, DEMO_ADMIN, DEMO_SPOKE_STAFF):
        client = sign_in_staff(app, email)
        with app.app_context():
            roles = _roles_of(email)
        for rule in app.url_map.iter_rules():
            category = EXPECTED[rule.endpoint]
            if not category.startswith("staff:") or "GET" not in rule.methods or rule.arguments:
                continue
            response = client.get(rule.rule)
            if roles & set(category[6:].split(",")):
                assert response.status_code == 200, (email, rule.rule)
                allowed += 1
            else:
                assert response.status_code == 403, (email, rule.rule)
                assert "You cannot see this page" in response.get_data(as_text=True)
                refused += 1
    assert refused >= 5 and allowed >= 5


def test_role_restricted_posts_refuse_staff_without_the_role(app, demo, staff_client):
    """The duty worker holds no administrator role: every administrator action is refused."""
    for method, url in _urls(app, ADMIN):
        response = staff_client.open(url, method=method, data={"csrf_token": staff_client.csrf_token("/staff/")})
        assert response.status_code == 403, (method, url)


def test_account_routes_send_anonymous_visitors_to_sign_in_and_staff_away(app, demo, staff_client):
    anonymous = app.test_client()
    checked = 0
    for method, url in _urls(app, "account"):
        token = anonymous.csrf_token("/account/sign-in")
        response = anonymous.open(url, method=method, data={"csrf_token": token})
        assert response.status_code == 302, (method, url)
        assert "/account/sign-in" in response.headers["Location"]
        staff_response = staff_client.open(url, method=method, data={"csrf_token": staff_client.csrf_token("/staff/")})
        assert staff_response.status_code == 404, (method, url)
        checked += 1
    assert checked >= 8
    for method, url in _urls(app, "account_signing_in"):
        response = anonymous.open(url, method=method, data={"csrf_token": anonymous.csrf_token("/account/sign-in")})
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/account/sign-in")


def test_public_account_holders_cannot_reach_staff_pages(app, demo):
    """A signed-in member of the public is no member of staff: every staff page is a 404."""
    from tests.accounts.public_support import make_account, sign_in

    make_account(app, email="someone@example.com")
    person = sign_in(app, email="someone@example.com")
    checked = 0
    for method, url in _staff_urls(app):
        response = person.open(url, method=method, data={"csrf_token": person.csrf_token("/account/")})
        assert response.status_code == 404, (method, url)
        checked += 1
    assert checked >= 10
