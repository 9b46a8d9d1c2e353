"""Shared fixtures: an app on SQLite (or PostgreSQL when TEST_DATABASE_URL is set), a test client
that checks every page it renders, demo data, and a signed-in staff client."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext
from sqlalchemy import text

from portal import create_app
from portal.core.db import db
from tests.pages import Page, check_page

ROOT = Path(__file__).resolve().parent.parent
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
CHEAP_ARGON2 = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}


def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def make_app(url: str, **extra: Any) -> Flask:
    settings = {
        "TESTING": True,
        "PORTAL_ENV": "test",
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        # The limiter stays on (its hooks are only installed when enabled), with limits too high to
        # reach; the rate-limit tests lower one limit for themselves.
        "FORM_POST_LIMIT": "10000 per minute",
        "SIGN_IN_LIMIT": "10000 per minute",
        "ARGON2_PARAMS": CHEAP_ARGON2,
        "SERVER_NAME": "portal.test",
        "PUBLIC_BASE_URL": "http://portal.test",
    }
    settings.update(extra)
    app = create_app(settings)
    app.test_client_class = CheckedClient
    return app


class CheckedClient(FlaskClient):
    """A test client that runs the page checks on every HTML page it receives."""

    last_page: Page | None = None

    def open(self, *args: Any, **kwargs: Any) -> Any:
        response = super().open(*args, **kwargs)
        if response.mimetype == "text/html" and not (300 <= response.status_code < 400):
            html = response.get_data(as_text=True)
            lang = re.search(r'<html lang="([^"]+)"', html)
            with self.application.test_request_context(), force_locale(lang.group(1) if lang else "en"):
                prefix = gettext("Error:")
            self.last_page = check_page(html, response.headers.get("Content-Security-Policy"), prefix)
        return response

    def csrf_token(self, url: str) -> str:
        page = self.get(url)
        found = CSRF.search(page.get_data(as_text=True))
        assert found, f"no form token on {url}"
        return found.group(1)

    def submit(self, url: str, data: dict[str, Any], follow: bool = False, page: str | None = None) -> Any:
        """Post a form as a browser would: fetch the page for its token, then send the answers."""
        token = self.csrf_token(page or url)
        return self.post(url, data={"csrf_token": token, **data}, follow_redirects=follow)


def compile_catalogues() -> None:
    """The .mo files are built, not committed: build them so the suite uses the current catalogues."""
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "compile", "-d", str(ROOT / "translations")],
        check=True,
        capture_output=True,
    )


def _reset(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    connection.execute(text(f"DELETE FROM {table}"))


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    from flask_migrate import upgrade

    compile_catalogues()
    app = make_app(database_url(tmp_path_factory))
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        # The schema comes from the migrations, so every test run proves they build it.
        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def clean_database(app: Flask) -> Iterator[None]:
    yield
    _reset(app)


@pytest.fixture
def client(app: Flask) -> CheckedClient:
    return app.test_client()  # type: ignore[return-value]


@pytest.fixture
def demo(app: Flask) -> None:
    """The demonstration agency (ACE and four partners), its staff and public accounts and twelve
    enquiries; not the demo requests, applications or support referrals, so those tests start from
    known, empty queues."""
    from portal.demo import load_demo

    with app.app_context():
        load_demo(include_requests=False, include_applications=False, include_support=False)


def unused_code(app: Flask, email: str, secret: str) -> str:
    """A current authenticator code this person has not used yet (codes are accepted once only,
    so signing the same person in twice within 30 seconds takes the next step's code)."""
    import time

    from sqlalchemy import select

    from portal.accounts.models import StaffUser

    with app.app_context():
        last = db.session.scalar(select(StaffUser.last_totp_step).where(StaffUser.email == email)) or 0
    totp = pyotp.TOTP(secret)
    now = time.time()
    for moment in (now, now + totp.interval):
        if int(moment // totp.interval) > last:
            return totp.at(moment)
    raise AssertionError("no unused code within the accepted window")


def sign_in_staff(app: Flask, email: str) -> CheckedClient:
    """A client signed in as this demo staff member, through the real sign-in pages."""
    from portal.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET

    client: CheckedClient = app.test_client()  # type: ignore[assignment]
    response = client.submit("/staff/sign-in", {"email": email, "password": DEMO_PASSWORD})
    assert response.headers["Location"].endswith("/staff/sign-in/code")
    response = client.submit("/staff/sign-in/code", {"code": unused_code(app, email, DEMO_TOTP_SECRET)})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


@pytest.fixture
def staff_client(app: Flask, demo: None) -> CheckedClient:
    """The demo hub duty worker (duty worker and assessment social worker roles)."""
    from portal.demo import DEMO_STAFF

    return sign_in_staff(app, DEMO_STAFF)


@pytest.fixture
def manager_client(app: Flask, demo: None) -> CheckedClient:
    """The demo hub team manager."""
    from portal.demo import DEMO_MANAGER

    return sign_in_staff(app, DEMO_MANAGER)


@pytest.fixture
def admin_client(app: Flask, demo: None) -> CheckedClient:
    """The demo administrator (no casework roles)."""
    from portal.demo import DEMO_ADMIN

    return sign_in_staff(app, DEMO_ADMIN)


@pytest.fixture
def spoke_client(app: Flask, demo: None) -> CheckedClient:
    """The demo duty worker in Coventry's spoke, who sees Coventry's cases only."""
    from portal.demo import DEMO_SPOKE_STAFF

    return sign_in_staff(app, DEMO_SPOKE_STAFF)
