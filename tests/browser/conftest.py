"""Browser fixtures: a live server, one headless Chromium for the session, a fresh context per test.

Live server. The portal is served by werkzeug on 127.0.0.1 and a free port, in a daemon thread. It
is a second app built with ``make_app`` on the session app's database (so it shares the migrated
schema, SQLite or PostgreSQL alike) but with ``SERVER_NAME=None``: every address it generates then
comes from the request's own host (127.0.0.1:PORT). Changing ``SERVER_NAME`` on the session ``app``
instead would leak into every other test of the run, which expects ``portal.test``.

Two more live servers serve the same database, each from an app of its own, for what needs a setting
the shared one must not have: ``sso_server`` has staff single sign-on configured (with a provider
address nothing listens on), ``short_timeout_server`` ends sessions after 10 idle seconds so the
timeout warning can be watched. A browser sends its cookies to every port of 127.0.0.1 and the apps
share a secret key, so a context keeps its session and language across them.

Data. ``tests/conftest.py`` empties every table after each test (autouse ``clean_database``). Here
that fixture is overridden: the browser package empties the database and loads the demo data once
(package scope), lets its tests add to it (enquiries sent, staff accounts), and empties the database
again after its last test, so tests outside this folder still start from an empty database.

Staff sign-in. A TOTP code is accepted once only, and only one step either side of now, so signing
the demo duty worker in several times within a minute would fail. Each sign-in therefore uses a
staff account of its own (``new_staff``), created with its own TOTP secret: the sign-in pages and
their replay guard are used exactly as in real life.

Public accounts. Emails are never sent here: they stay in the outbox table, where ``email_link`` and
``email_code`` read the link or sign-in code a person would find in their inbox.
"""

from __future__ import annotations

import itertools
import logging
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask_babel import force_locale, gettext
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Playwright, sync_playwright
from werkzeug.serving import BaseWSGIServer, make_server

from tests.conftest import ROOT, _reset, make_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "frontend" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
ARTIFACTS = ROOT / "test-artifacts"
LANGUAGES = ["en", "cy", "pl", "ur", "pa"]
STAFF_PASSWORD = "browser-test-password-2026"

# Runs before any page script in every document: records anything the Content-Security-Policy blocks.
CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} (line ${e.lineNumber})`);
});
"""


def require(path: Path, what: str) -> Path:
    """Fail (never skip) when a tool the browser tests depend on is missing."""
    if not path.is_file():
        pytest.fail(f"{what} is missing: expected it at {path}", pytrace=False)
    return path


# ---------------------------------------------------------------------------------------------------
# Translations, live server and data
# ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def compiled_catalogues() -> None:
    """Compile translations/*.po, because .mo files are not committed and translators are at work.

    (The session ``app`` may compile them too; doing it here as well keeps this folder independent.)"""
    result = subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "compile", "-d", str(ROOT / "translations")],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        pytest.fail(f"could not compile the message catalogues:\n{result.stdout}\n{result.stderr}", pytrace=False)


@dataclass
class LiveServer:
    url: str
    app: Flask
    # Status, method and path of every response with a 5xx status: each test checks it stays empty.
    server_errors: list[str] = field(default_factory=list)

    def translate(self, lang: str, message: str, **values: Any) -> str:
        """``message`` as the portal says it in ``lang`` (English while a translation is missing)."""
        with self.app.test_request_context(), force_locale(lang):
            return gettext(message, **values)


class _ErrorRecorder:
    """WSGI middleware noting every 5xx response, so a crash fails the test that caused it."""

    def __init__(self, app: Flask, server: LiveServer) -> None:
        self.app = app
        self.server = server

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        def recording_start(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            if status.startswith("5"):
                self.server.server_errors.append(f"{status} {environ['REQUEST_METHOD']} {environ['PATH_INFO']}")
            return start_response(status, headers, *args)

        try:
            return self.app(environ, recording_start)
        except Exception:
            self.server.server_errors.append(f"exception {environ['REQUEST_METHOD']} {environ['PATH_INFO']}")
            raise


@contextmanager
def serve(app: Flask) -> Iterator[LiveServer]:
    """Serve ``app`` on 127.0.0.1 and a free port, in a daemon thread, until the block ends."""
    from portal.core.db import db

    live = LiveServer(url="", app=app)
    werkzeug_log = logging.getLogger("werkzeug")
    level = werkzeug_log.level
    werkzeug_log.setLevel(logging.WARNING)  # one line per request would bury any failure's output
    # Threaded: Chromium opens several connections at once (and may open one it never uses), which
    # would stall a server that handles one connection at a time.
    server: BaseWSGIServer = make_server("127.0.0.1", 0, _ErrorRecorder(app, live), threaded=True)  # type: ignore[arg-type]
    live.url = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_BASE_URL"] = live.url
    thread = threading.Thread(target=server.serve_forever, name=f"live-server-{server.server_port}", daemon=True)
    thread.start()
    try:
        yield live
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        werkzeug_log.setLevel(level)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(app: Flask, compiled_catalogues: None) -> Iterator[LiveServer]:
    with serve(make_app(app.config["SQLALCHEMY_DATABASE_URI"], SERVER_NAME=None)) as live:
        yield live


# A provider address nothing listens on (port 9, "discard"): the SSO server's pages must never
# need to reach it. The sign-in page only shows the button, and a callback carrying ``error=``
# renders the failure page before any contact with the provider.
UNREACHABLE_ISSUER = "http://127.0.0.1:9/"


@pytest.fixture(scope="session")
def sso_server(app: Flask, compiled_catalogues: None) -> Iterator[LiveServer]:
    """A second live server on the same database, with staff single sign-on configured.

    A separate app rather than a toggle of the shared one's config: ``OIDC_ISSUER`` then never
    changes under a running server, and no other test can see sign-on switched on. Cookies are per
    host, not per port, and both apps share the secret key, so a browser context keeps its session
    (and its language) between the two servers."""
    sso_app = make_app(
        app.config["SQLALCHEMY_DATABASE_URI"],
        SERVER_NAME=None,
        OIDC_ISSUER=UNREACHABLE_ISSUER,
        OIDC_CLIENT_ID="adoption-portal",
    )
    with serve(sso_app) as live:
        yield live


# Short enough to wait for in a test, long enough for a sign-in between two requests.
SHORT_IDLE = timedelta(seconds=10)


@pytest.fixture(scope="session")
def short_timeout_server(app: Flask, compiled_catalogues: None) -> Iterator[LiveServer]:
    """A live server on the same database whose sessions end after SHORT_IDLE without a request.

    The timeout warning reads its timings from data attributes the server writes from
    ``SESSION_IDLE_TIMEOUT`` (warning half-way for such a short limit), so a real configuration
    change drives it: nothing in the page or its script is overridden."""
    short_app = make_app(app.config["SQLALCHEMY_DATABASE_URI"], SERVER_NAME=None, SESSION_IDLE_TIMEOUT=SHORT_IDLE)
    with serve(short_app) as live:
        yield live


@pytest.fixture(scope="package")
def browser_data(live_server: LiveServer) -> Iterator[None]:
    """The demo data, loaded once for all browser tests; the database is emptied again afterwards."""
    from portal.demo import load_demo

    _reset(live_server.app)
    with live_server.app.app_context():
        load_demo()
    yield
    _reset(live_server.app)


@pytest.fixture(autouse=True)
def clean_database(browser_data: None, live_server: LiveServer) -> Iterator[None]:
    """Overrides the per-test emptying of tests/conftest.py (see the module docstring)."""
    live_server.server_errors.clear()
    yield
    assert not live_server.server_errors, f"the portal failed while serving: {live_server.server_errors}"


@dataclass(frozen=True)
class StaffMember:
    email: str
    password: str
    totp_secret: str

    def code(self) -> str:
        return pyotp.TOTP(self.totp_secret).now()


_staff_numbers = itertools.count(1)


def create_staff_member(
    live_server: LiveServer, name: str = "Browser tester", roles: list[str] | None = None
) -> StaffMember:
    """A new hub staff account that has set up its authenticator app already.

    ``roles`` defaults to the demo duty worker's roles; pass ``all_roles()`` to see every page."""
    from portal.accounts.rules import create_staff, find_staff_by_email
    from portal.core.db import db
    from portal.demo import DEMO_STAFF

    member = StaffMember(f"browser.{next(_staff_numbers)}@ace.example", STAFF_PASSWORD, pyotp.random_base32())
    with live_server.app.app_context():
        if roles is None:
            duty_worker = find_staff_by_email(DEMO_STAFF)
            roles = list(duty_worker.roles) if duty_worker else []
        create_staff(member.email, name, member.password, totp_secret=member.totp_secret, roles=roles)
        db.session.commit()
        db.session.remove()
    return member


def all_roles() -> list[str]:
    from portal.accounts.models import StaffRole

    return [role.value for role in StaffRole]


# ---------------------------------------------------------------------------------------------------
# Public accounts and their emails
# ---------------------------------------------------------------------------------------------------

PUBLIC_PASSWORD = "walk the portal pages 2026"
COMMON_PASSWORD = "password1"  # in portal/accounts/common_passwords.txt
_public_numbers = itertools.count(1)
EMAIL_LINK = re.compile(r"https?://[^\s/]+(/account/\S+)")
EMAIL_CODE = re.compile(r"(?<![\w.-])(\d{6})(?![\w.-])")


def new_public_address(label: str) -> str:
    return f"{label}.{next(_public_numbers)}@people.example"


def create_public_account(live_server: LiveServer, email: str, language: str = "en", name: str = "Sam Taylor") -> str:
    """A confirmed public account straight in the database (email codes, email contact); its address."""
    from portal.accounts.models import PublicUser
    from portal.accounts.rules import hash_password
    from portal.core.db import db, utcnow

    with live_server.app.app_context():
        db.session.add(
            PublicUser(
                email=email,
                name=name,
                password_hash=hash_password(PUBLIC_PASSWORD),
                email_confirmed_at=utcnow(),
                preferred_language=language,
                communication_needs=[],
                contact_preferences=["email"],
            )
        )
        db.session.commit()
        db.session.remove()
    return email


def last_email(live_server: LiveServer, recipient: str, template: str) -> str:
    """The body of the newest email of this kind queued for ``recipient`` (read from the outbox)."""
    from sqlalchemy import select

    from portal.core.db import db
    from portal.core.outbox import OutboxMessage

    with live_server.app.app_context():
        body = db.session.scalar(
            select(OutboxMessage.body)
            .where(OutboxMessage.recipient == recipient, OutboxMessage.template == template)
            .order_by(OutboxMessage.id.desc())
            .limit(1)
        )
        db.session.remove()
    assert body, f"no {template} email queued for {recipient}"
    return str(body)


def email_link(live_server: LiveServer, recipient: str, template: str) -> str:
    """The path of the /account/ link in the newest such email (a link to this live server)."""
    body = last_email(live_server, recipient, template)
    found = EMAIL_LINK.search(body)
    assert found, f"no account link in the {template} email:\n{body}"
    return found.group(1)


def email_code(live_server: LiveServer, recipient: str) -> str:
    body = last_email(live_server, recipient, "account-sign-in-code")
    found = EMAIL_CODE.search(body)
    assert found, f"no code in the sign-in code email:\n{body}"
    return found.group(1)


@pytest.fixture
def new_staff(live_server: LiveServer) -> Any:
    """``new_staff(name, roles)`` makes a staff account with its authenticator set up (see above)."""

    def make(name: str = "Browser tester", roles: list[str] | None = None) -> StaffMember:
        return create_staff_member(live_server, name, roles)

    return make


# ---------------------------------------------------------------------------------------------------
# Chromium
# ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    require(CHROMIUM, "Chromium (the Debian package 'chromium')")
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@dataclass
class PageProblems:
    """JavaScript errors, console errors and CSP violations seen by one page."""

    messages: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("pageerror", lambda error: self.messages.append(f"{page.url}: script error: {error}"))
        page.on("console", lambda message: self._console(page, message))

    def _console(self, page: Page, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        # Chromium logs a page served with an error status (our 404 and 400 pages) as a failed
        # load. That is the status under test, not a problem; anything else is.
        if message.text.startswith("Failed to load resource") and message.location.get("url") == page.url:
            return
        self.messages.append(f"{page.url}: console error: {message.text}")


@dataclass
class Session:
    """A fresh browser context (its own cookies) with one page, pointed at the live server."""

    context: BrowserContext
    page: Page
    server: LiveServer
    problems: PageProblems

    def url(self, path: str) -> str:
        return self.server.url + path

    def csp_violations(self) -> list[str]:
        return list(self.page.evaluate("window.__cspViolations || []"))


@pytest.fixture
def open_session(browser: Browser, live_server: LiveServer) -> Iterator[Any]:
    """``open_session(**context_options)`` opens a fresh context; all are closed after the test."""
    contexts: list[BrowserContext] = []

    def open_(**options: Any) -> Session:
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        context.add_init_script(CSP_WATCH)
        contexts.append(context)
        page = context.new_page()
        problems = PageProblems()
        problems.watch(page)
        return Session(context=context, page=page, server=live_server, problems=problems)

    yield open_
    for context in contexts:
        context.close()
