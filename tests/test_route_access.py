"""Every route makes exactly one access decision, and the decisions are the ones written here.

The table is checked both ways against the URL map: a new route without an entry fails, and an
entry whose route has gone fails too (links people were sent must not silently break).
"""

from __future__ import annotations

import re

import pytest

from portal.core.access import access_of, is_known_category

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
    "accounts.staff_set_up_authenticator": "staff_signing_in",
    "accounts.staff_sign_in_code": "staff_signing_in",
    "accounts.staff_sign_out": "staff",
    "backoffice.home": "staff",
    "backoffice.list_outbox": "staff",
    "backoffice.view_outbox_message": "staff",
    "adopting_staff.list_enquiries": "staff",
    "adopting_staff.view_enquiry": "staff",
    "adopting_staff.record_response": "staff",
    "adopting_staff.close_enquiry": "staff",
    "agency_staff.edit_cap": "staff",
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


def test_staff_routes_turn_away_anonymous_visitors(app, demo):
    client = app.test_client()
    checked = 0
    for method, url in _urls(app, "staff"):
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
        assert response.headers["Location"].endswith("/staff/sign-in")


@pytest.mark.parametrize(
    "url",
    ["/staff/enquiries/not-a-real-id", "/staff/outbox/not-a-real-id", "/staff/authorities/nowhere/step-parent-places"],
)
def test_staff_asking_for_something_that_does_not_exist_get_404(staff_client, url):
    response = staff_client.get(url)
    assert response.status_code == 404
    assert "Back office" in response.get_data(as_text=True)  # the staff layout
