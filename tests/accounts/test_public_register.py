from __future__ import annotations

import re

import pytest

from portal.accounts import public_rules
from portal.accounts.public_rules import common_passwords
from tests.accounts.public_support import EMAIL, PASSWORD, account, emails, last_email, make_account

TOKENS = re.compile(r'(?:value|nonce)="[^"]{20,}"')


def _register(client, email=EMAIL, password=PASSWORD):
    return client.submit("/account/register", {"email": email, "password": password})


def test_registering_sends_a_confirmation_link_and_says_check_your_email(app, client):
    response = _register(client, email="  Sam.Taylor@People.example ")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Check your email" in client.last_page.h1
    assert EMAIL in page
    user = account(app)
    assert user.email == EMAIL and user.email_confirmed_at is None
    message = last_email(app, EMAIL, "account-confirm-email")
    assert message.subject == "Confirm your email address"
    assert message.link.startswith("/account/confirm-email/")
    # The address is never in the link.
    assert "sam" not in message.link.lower() and "people" not in message.link.lower()


def test_registering_an_address_that_has_an_account_answers_the_same_and_tells_its_owner(app, client):
    make_account(app)
    first = _register(client, password="another long password")
    other = app.test_client()
    fresh = _register(other, email="someone.new@people.example", password="another long password")
    assert first.status_code == fresh.status_code == 200
    strip = lambda r, e: TOKENS.sub("", r.get_data(as_text=True).replace(e, ""))  # noqa: E731
    assert strip(first, EMAIL) == strip(fresh, "someone.new@people.example")
    notice = last_email(app, EMAIL)
    assert notice.template == "account-already-registered"
    assert {"/account/sign-in", "/account/forgotten-password"} <= set(notice.links)
    # The existing account's password has not changed.
    assert emails(app, EMAIL, "account-confirm-email") == []


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("", "Enter a password"),
        ("short", "Password must be 8 characters or more"),
        ("x" * 129, "Password must be 128 characters or fewer"),
        ("password123", "This password is too easy to guess"),
        ("QWERTYUIOP", "This password is too easy to guess"),
        ("sam.taylor", "This password is too easy to guess"),
    ],
)
def test_weak_passwords_are_refused_with_the_email_kept(app, client, password, message):
    response = _register(client, password=password)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert client.last_page.title.startswith("Error: Create an account")
    assert f'value="{EMAIL}"' in page
    assert emails(app) == []


def test_long_passphrases_need_no_symbols_or_numbers(app, client):
    assert _register(client, password="x" * 128).status_code == 200
    assert account(app).email == EMAIL


def test_the_password_fields_help_password_managers_and_allow_paste(client):
    page = client.get("/account/register").get_data(as_text=True)
    assert 'autocomplete="new-password"' in page
    assert "onpaste" not in page.lower()
    page = client.get("/account/sign-in").get_data(as_text=True)
    assert 'autocomplete="current-password"' in page


@pytest.mark.parametrize("email", ["", "not-an-address", "two@@example.com", "a@b"])
def test_bad_email_addresses_are_refused(app, client, email):
    response = _register(client, email=email)
    page = response.get_data(as_text=True)
    assert "Enter your email address" in page or "Enter an email address in the correct format" in page
    assert emails(app) == []


def test_the_common_password_list_is_shipped_lower_case_and_small():
    passwords = common_passwords()
    assert len(passwords) >= 1000
    assert all(p == p.lower() and len(p) >= 8 for p in passwords)
    assert {"password", "12345678", "iloveyou"} <= passwords


# --- Confirming the address ------------------------------------------------------------------------


def _registered_link(app, client):
    _register(client)
    return last_email(app, EMAIL, "account-confirm-email").link


def test_opening_the_link_changes_nothing_and_the_button_confirms(app, client):
    link = _registered_link(app, client)
    page = client.get(link)
    assert page.status_code == 200
    assert client.last_page.h1 == "Confirm your email address"
    assert account(app).email_confirmed_at is None
    response = client.submit(link, {})
    assert response.headers["Location"].endswith("/account/sign-in")
    assert account(app).email_confirmed_at is not None


def test_a_confirmation_link_works_once(app, client):
    link = _registered_link(app, client)
    client.submit(link, {})
    response = client.get(link)
    assert response.status_code == 404
    assert "This link does not work" in response.get_data(as_text=True)


def test_an_expired_confirmation_link_does_not_work(app, client, monkeypatch):
    link = _registered_link(app, client)
    token = client.csrf_token("/account/register")
    monkeypatch.setattr(public_rules, "CONFIRM_MAX_AGE", -1)
    assert client.get(link).status_code == 404
    assert client.post(link, data={"csrf_token": token}).status_code == 404
    assert account(app).email_confirmed_at is None


def test_a_tampered_confirmation_link_does_not_work(app, client):
    link = _registered_link(app, client)
    token = link.rsplit("/", 1)[1]
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    assert client.get(f"/account/confirm-email/{tampered}").status_code == 404
    assert client.get("/account/confirm-email/not-a-token").status_code == 404
    # A token made for another purpose (a password reset) is no good here either.
    with app.test_request_context():
        user = public_rules.find_by_email(EMAIL)
        reset_token = public_rules._token("reset", user)
    assert client.get(f"/account/confirm-email/{reset_token}").status_code == 404


def test_signed_in_people_are_sent_to_their_account_from_register(app):
    from tests.accounts.public_support import sign_in

    make_account(app)
    client = sign_in(app)
    assert client.get("/account/register").headers["Location"].endswith("/account/")


def test_someone_sent_to_sign_in_on_the_way_to_a_page_gets_there_after_registering(app, client):
    """An invitation to join an application opened by someone with no account yet: the sign-in page
    offers registration, and after confirming and signing in they land where they were going."""
    target = "/my-application/registration/join/some-token"
    sign_in_page = client.get(f"/account/sign-in?next={target}").get_data(as_text=True)
    assert f"/account/register?next={target}" in sign_in_page
    client.submit(f"/account/register?next={target}", {"email": EMAIL, "password": PASSWORD})
    link = last_email(app, EMAIL, "account-confirm-email").link
    response = client.submit(link, {})
    assert response.headers["Location"].endswith(f"/account/sign-in?next={target}")
    # Somewhere else, or the staff side, is never a destination.
    client.submit("/account/register?next=https://evil.example/", {"email": "b@people.example", "password": PASSWORD})
    second = last_email(app, "b@people.example", "account-confirm-email").link
    assert client.submit(second, {}).headers["Location"].endswith("/account/sign-in")
