from __future__ import annotations

import re

import pyotp

from portal.accounts import public_rules
from tests.accounts.public_support import (
    EMAIL,
    PASSWORD,
    account,
    emails,
    give_password,
    last_email,
    make_account,
    replay,
    session_cookie,
    sign_in,
)

NEW_PASSWORD = "a brand new passphrase"
NEW_EMAIL = "sam.new@people.example"
PROFILE = {
    "name": "Sam Taylor",
    "preferred_language": "cy",
    "communication_needs": ["large_print", "interpreter"],
    "interpreter_language": "Tigrinya",
    "communication_other": "",
    "contact_methods": ["phone", "letter"],
    "contact_note": "Please do not call before 10am. Do not leave a voicemail.",
}


# --- Forgotten password ----------------------------------------------------------------------------


def test_known_and_unknown_addresses_get_the_same_reset_page(app, client):
    make_account(app)
    known = client.submit("/account/forgotten-password", {"email": EMAIL}).get_data(as_text=True)
    unknown = client.submit("/account/forgotten-password", {"email": "nobody@people.example"}).get_data(as_text=True)
    strip = lambda t, e: re.sub(r'(?:value|nonce)="[^"]{20,}"', "", t.replace(e, ""))  # noqa: E731
    assert strip(known, EMAIL) == strip(unknown, "nobody@people.example")
    assert "Check your email" in known
    assert [m.recipient for m in emails(app)] == [EMAIL]


def test_resetting_the_password_ends_every_session(app):
    make_account(app)
    old_browser = sign_in(app)
    old_cookie = session_cookie(app, old_browser)
    assert old_browser.get("/account/").status_code == 200

    client = app.test_client()
    client.submit("/account/forgotten-password", {"email": EMAIL})
    message = last_email(app, EMAIL, "account-reset-password")
    assert message.subject == "Reset your password"
    link = message.link
    page = client.get(link)
    assert page.status_code == 200 and 'autocomplete="new-password"' in page.get_data(as_text=True)
    assert "Password must be 8 characters or more" in client.submit(link, {"password": "short"}).get_data(as_text=True)
    assert "too easy to guess" in client.submit(link, {"password": "Liverpool"}).get_data(as_text=True)
    response = client.submit(link, {"password": NEW_PASSWORD})
    assert response.headers["Location"].endswith("/account/sign-in")

    # The session from before, and a copy of its cookie, are both over.
    assert old_browser.get("/account/").status_code == 302
    response = replay(app, old_cookie).get("/account/")
    assert response.status_code == 302 and "/account/sign-in" in response.headers["Location"]
    # The old password is gone, the new one works, and the link does not work twice.
    assert "Enter a correct email address and password" in give_password(client).get_data(as_text=True)
    assert give_password(client, EMAIL, NEW_PASSWORD).headers["Location"].endswith("/account/sign-in/code")
    assert client.get(link).status_code == 404


def test_a_reset_link_expires(app, client, monkeypatch):
    make_account(app)
    client.submit("/account/forgotten-password", {"email": EMAIL})
    link = last_email(app, EMAIL, "account-reset-password").link
    monkeypatch.setattr(public_rules, "RESET_MAX_AGE", -1)
    assert client.get(link).status_code == 404


def test_a_reset_confirms_an_unconfirmed_address(app, client):
    make_account(app, confirmed=False)
    client.submit("/account/forgotten-password", {"email": EMAIL})
    client.submit(last_email(app, EMAIL, "account-reset-password").link, {"password": NEW_PASSWORD})
    assert account(app).email_confirmed_at is not None


# --- Changing the email address --------------------------------------------------------------------


def test_changing_the_email_address_is_confirmed_at_the_new_address_and_the_old_one_told(app):
    make_account(app)
    client = sign_in(app)
    page = client.submit("/account/change-email", {"email": NEW_EMAIL, "password": "wrong password"})
    assert "The password is not right" in page.get_data(as_text=True)
    assert f'value="{NEW_EMAIL}"' in page.get_data(as_text=True)
    page = client.submit("/account/change-email", {"email": EMAIL.upper(), "password": PASSWORD})
    assert "This is already your email address" in page.get_data(as_text=True)

    page = client.submit("/account/change-email", {"email": NEW_EMAIL, "password": PASSWORD})
    assert "Check your email" in page.get_data(as_text=True)
    assert account(app).email == EMAIL and account(app).pending_email == NEW_EMAIL
    message = last_email(app, NEW_EMAIL, "account-change-email")
    # The link opens on any device; the button makes the change.
    stranger = app.test_client()
    assert stranger.get(message.link).status_code == 200
    assert account(app, EMAIL).pending_email == NEW_EMAIL
    response = stranger.submit(message.link, {})
    assert response.headers["Location"].endswith("/account/sign-in")
    user = account(app, NEW_EMAIL)
    assert user.pending_email is None and user.email_confirmed_at is not None
    notice = last_email(app, EMAIL)
    assert notice.template == "account-email-changed"
    assert NEW_EMAIL not in notice.body
    # The link works once, and the new address signs in.
    assert stranger.get(message.link).status_code == 404
    assert give_password(stranger, NEW_EMAIL, PASSWORD).headers["Location"].endswith("/account/sign-in/code")


def test_changing_to_an_address_with_an_account_tells_that_address_and_changes_nothing(app):
    make_account(app)
    make_account(app, email=NEW_EMAIL)
    client = sign_in(app)
    page = client.submit("/account/change-email", {"email": NEW_EMAIL, "password": PASSWORD}).get_data(as_text=True)
    assert "Check your email" in page
    assert account(app).pending_email is None
    assert last_email(app, NEW_EMAIL).template == "account-email-in-use"


def test_a_signed_in_person_confirming_a_change_returns_to_their_account(app):
    make_account(app)
    client = sign_in(app)
    client.submit("/account/change-email", {"email": NEW_EMAIL, "password": PASSWORD})
    link = last_email(app, NEW_EMAIL, "account-change-email").link
    assert client.submit(link, {}).headers["Location"].endswith("/account/")
    assert NEW_EMAIL in client.get("/account/").get_data(as_text=True)


def test_an_email_change_link_expires(app, monkeypatch):
    make_account(app)
    client = sign_in(app)
    client.submit("/account/change-email", {"email": NEW_EMAIL, "password": PASSWORD})
    link = last_email(app, NEW_EMAIL, "account-change-email").link
    monkeypatch.setattr(public_rules, "EMAIL_CHANGE_MAX_AGE", -1)
    assert client.get(link).status_code == 404


# --- Signing out -----------------------------------------------------------------------------------


def test_signing_out_ends_the_session_and_a_copied_cookie(app):
    make_account(app)
    client = sign_in(app)
    cookie = session_cookie(app, client)
    response = client.submit("/account/sign-out", {}, page="/account/")
    assert response.headers["Location"].endswith("/account/signed-out")
    page = client.get("/account/signed-out").get_data(as_text=True)
    assert "You have signed out" in page and "Your account" not in page
    assert client.get("/account/").status_code == 302
    assert replay(app, cookie).get("/account/").status_code == 302


def test_signing_out_everywhere_else_keeps_this_device(app):
    make_account(app)
    laptop = sign_in(app)
    laptop_cookie = session_cookie(app, laptop)
    phone = sign_in(app)
    phone_cookie = session_cookie(app, phone)
    response = phone.submit("/account/sign-out-everywhere", {}, page="/account/")
    assert response.headers["Location"].endswith("/account/")
    assert "You have been signed out on every other device." in phone.get("/account/").get_data(as_text=True)
    assert laptop.get("/account/").status_code == 302
    assert replay(app, laptop_cookie).get("/account/").status_code == 302
    assert replay(app, phone_cookie).get("/account/").status_code == 302
    assert session_cookie(app, phone) != phone_cookie


# --- Profile ---------------------------------------------------------------------------------------


def test_the_profile_is_saved_and_its_language_used_for_pages_and_emails(app):
    make_account(app)
    client = sign_in(app)
    page = client.get("/account/details").get_data(as_text=True)
    assert 'value="Sam Taylor"' in page
    response = client.submit("/account/details", PROFILE)
    assert response.headers["Location"].endswith("/account/")
    client.get("/account/")
    assert client.last_page.tree.get("lang") == "cy"
    user = account(app)
    assert user.preferred_language == "cy"
    assert user.communication_needs == ["interpreter", "large_print"]
    assert user.interpreter_language == "Tigrinya"
    assert public_rules.contact_methods(user) == ["phone", "letter"]
    assert public_rules.contact_note(user) == PROFILE["contact_note"]
    # The next email is in Welsh.
    client.submit("/account/change-email", {"email": NEW_EMAIL, "password": PASSWORD})
    message = last_email(app, NEW_EMAIL)
    assert message.locale == "cy"
    # And the language stays chosen at the next sign-in.
    again = sign_in(app)
    again.get("/account/")
    assert again.last_page.tree.get("lang") == "cy"


def test_profile_errors_keep_every_answer(app):
    make_account(app)
    client = sign_in(app)
    answers = {**PROFILE, "name": "", "interpreter_language": "", "contact_methods": [], "preferred_language": "xx"}
    response = client.submit("/account/details", answers)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert client.last_page.title.startswith("Error: Your details")
    for message in ("Enter your name", "Enter the language the interpreter should speak",
                    "Select at least one way we can contact you", "Select the language you would like us to use"):
        assert message in page
    assert "Please do not call before 10am" in page
    assert 'value="large_print" checked' in page and 'value="interpreter" checked' in page
    assert account(app).name == "Sam Taylor" and account(app).preferred_language == "en"


def test_the_account_page_shows_what_was_saved(app):
    make_account(app)
    client = sign_in(app)
    client.submit("/account/details", {**PROFILE, "preferred_language": "en"})
    page = client.get("/account/").get_data(as_text=True)
    for text in ("Large print", "An interpreter: Tigrinya", "Phone call", "Letter", "Do not leave a voicemail."):
        assert text in page
    assert '<span lang="en" dir="ltr">English</span>' in page
    # The language switcher still works on the account page.
    assert 'href="/account/?lang=cy"' in page


def test_profile_text_is_shown_escaped(app):
    make_account(app)
    client = sign_in(app)
    client.submit("/account/details", {**PROFILE, "preferred_language": "en", "contact_note": "<script>alert(1)</script>"})
    page = client.get("/account/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


# --- Authenticator app -----------------------------------------------------------------------------


def test_setting_up_and_removing_an_authenticator_app(app):
    make_account(app)
    client = sign_in(app)
    page = client.get("/account/authenticator").get_data(as_text=True)
    assert "<svg" in page
    secret = re.search(r'translate="no">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    assert account(app).totp_secret is None
    assert "The code is not right" in client.submit("/account/authenticator", {"code": "000000"}).get_data(as_text=True)
    response = client.submit("/account/authenticator", {"code": pyotp.TOTP(secret).now()})
    assert response.headers["Location"].endswith("/account/")
    assert account(app).totp_secret == secret

    # The next sign-in asks for the app's code, and no email is sent.
    other = app.test_client()
    sent = len(emails(app))
    give_password(other)
    assert len(emails(app)) == sent
    assert other.get("/account/sign-in/code").status_code == 200
    assert other.last_page.h1 == "Enter the code from your authenticator app"

    assert "Remove authenticator app" in client.get("/account/authenticator").get_data(as_text=True)
    response = client.submit("/account/authenticator/remove", {}, page="/account/authenticator")
    assert response.headers["Location"].endswith("/account/")
    assert account(app).totp_secret is None


def test_account_pages_need_a_signed_in_account_holder(app, client):
    for url in ("/account/", "/account/details", "/account/change-email", "/account/authenticator"):
        response = client.get(url)
        assert response.status_code == 302 and "/account/sign-in" in response.headers["Location"], url
