from __future__ import annotations

import re

import pytest
from flask import Blueprint

EXPECTED_STATIC = {
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), geolocation=(), microphone=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}
CSP = re.compile(
    r"^default-src 'self'; script-src 'self' 'nonce-(?P<nonce>[A-Za-z0-9_-]{24})'; style-src 'self'; "
    r"img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    r"form-action 'self'; frame-ancestors 'none'$"
)


@pytest.fixture(scope="module")
def failing_app(tmp_path_factory):
    from tests.conftest import make_app

    app = make_app(f"sqlite:///{tmp_path_factory.mktemp('boom') / 'x.db'}", TESTING=False)
    broken = Blueprint("broken", __name__)

    @broken.get("/boom")
    def boom():
        raise RuntimeError("something a person typed: Siân")

    app.register_blueprint(broken)
    with app.app_context():
        from portal.core.db import db

        db.create_all()
    return app


def assert_headers(response):
    for name, value in EXPECTED_STATIC.items():
        assert response.headers.get(name) == value, name
    match = CSP.match(response.headers["Content-Security-Policy"])
    assert match, response.headers["Content-Security-Policy"]
    return match.group("nonce")


def test_headers_on_a_200(client, demo):
    response = client.get("/")
    assert response.status_code == 200
    nonce = assert_headers(response)
    assert f'nonce="{nonce}"' in response.get_data(as_text=True)


def test_headers_on_a_404(client, demo):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert_headers(response)
    assert "Page not found" in response.get_data(as_text=True)


def test_headers_on_a_500_and_no_personal_data_in_the_log(failing_app, caplog):
    client = failing_app.test_client()
    response = client.get("/boom")
    assert response.status_code == 500
    assert_headers(response)
    assert "Sorry, there is a problem with the service" in response.get_data(as_text=True)
    assert "Siân" not in caplog.text
    assert "RuntimeError" in caplog.text


def test_each_response_gets_a_fresh_nonce(client, demo):
    first = CSP.match(client.get("/").headers["Content-Security-Policy"]).group("nonce")
    second = CSP.match(client.get("/").headers["Content-Security-Policy"]).group("nonce")
    assert first != second


def test_static_files_may_be_cached(client):
    with client.get("/assets/portal.min.css") as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=3600"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_session_cookie_is_httponly_and_samesite(client, demo):
    client.get("/?lang=cy")
    cookie = client.get_cookie("session", domain="portal.test")
    assert cookie.http_only
    assert cookie.same_site == "Lax"


def test_production_cookies_are_secure_and_host_prefixed(monkeypatch):
    from portal.config import load

    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://portal@127.0.0.1/portal")
    settings = load()
    assert settings["SESSION_COOKIE_NAME"] == "__Host-session"
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True


def test_production_refuses_to_start_without_its_settings(monkeypatch):
    from portal.config import ConfigError, load

    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(ConfigError):
        load()
    monkeypatch.setenv("PORTAL_ENV", "staging")
    with pytest.raises(ConfigError):
        load()


def test_every_post_needs_a_form_token(client, demo):
    response = client.post("/adopt/enquiry/about-you", data={"full_name": "A"})
    assert response.status_code == 400
    assert "Your page timed out" in response.get_data(as_text=True)


@pytest.mark.parametrize("status", [403, 405, 413])
def test_other_errors_have_their_own_pages(app, client, demo, status):
    if status == 405:
        response = client.put("/")
    elif status == 413:
        token = client.csrf_token("/adopt/enquiry/about-you")
        response = client.post(
            "/adopt/enquiry/about-you", data={"csrf_token": token, "full_name": "x" * (11 * 1024 * 1024)}
        )
    else:

        from portal.errors import render_error

        with app.test_request_context("/staff/x"):
            body, code = render_error(403)
        assert code == 403 and "You cannot see this page" in body and "Back office" in body
        return
    assert response.status_code == status
    assert_headers(response)


def test_language_choice_is_remembered_and_the_address_cleaned(client, demo):
    response = client.get("/contact?lang=pl")
    assert response.status_code == 303
    assert response.headers["Location"] == "/contact"
    page = client.get("/contact")
    assert client.last_page.tree.get("lang") == "pl"
    assert page.status_code == 200
    client.get("/?lang=xx")  # an unknown language changes nothing
    client.get("/")
    assert client.last_page.tree.get("lang") == "pl"


def test_accept_language_is_the_fallback(client, demo):
    client.get("/", headers={"Accept-Language": "ur-PK,ur;q=0.9,en;q=0.5"})
    assert client.last_page.tree.get("lang") == "ur"
    assert client.last_page.tree.get("dir") == "rtl"
    assert "rtl.css" in client.last_page.html
