"""Adoption support in Chromium: every page state in all five languages, and one family's whole journey.

The walk (one per language, the machinery of test_axe.py: axe-core with the real CSP in force, JS and
console errors, CSP violations, 5xx responses, a wrong ``lang``, "Exit this page" on the families'
pages, the HTML saved for one Nu HTML checker run at the end) visits each support page state once:

- public: the offer page; a fresh account asks for support (the start page, each question page sent
  empty, "add another child", the emergency numbers once someone is at risk, check answers, each
  question page again filled in, the confirmation); My support (the list, the referral new, with a
  plan and review shared, closed with a letter), messages (empty, with errors);
- staff holding every role: the support queue, a referral new (the screening form, and sent
  empty), screened (the sign-off form), safeguarding, under assessment, with a plan and closed;
  the agency content list, a language's edit page, too long, and after saving.

The staff-side states are seeded through the support rules inside the live server's app. On a few
representative pages (in English and Urdu) the walk also checks reflow at 320 CSS px and target
sizes. The journey test follows one Welsh family from asking to a shared plan and review, every step
through the browser, selecting only by ids, names and hrefs.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import (
    AXE,
    CSP_WATCH,
    LANGUAGES,
    PUBLIC_PASSWORD,
    LiveServer,
    StaffMember,
    all_roles,
    create_public_account,
    create_staff_member,
    email_code,
    new_public_address,
    require,
)
from tests.browser.test_axe import (
    DESKTOP,
    MEASURED_LANGUAGES,
    NARROW,
    LanguageWalk,
    Walker,
    nu_html_errors,
    walk_report,
)

pytestmark = pytest.mark.browser

T = TypeVar("T")

QUESTIONS = ["who-you-are", "your-family", "your-children", "where-you-live", "what-is-happening", "risk", "consent"]

SUPPORT_REPRESENTATIVE = [
    "support-offer",
    "ask-your-children-add-another",
    "ask-check-answers",
    "my-support-plan",
    "staff-support-queue",
    "staff-support-plan",
]

EXPECTED_STATES = [
    "support-offer",
    "ask-start",
    *[f"ask-{q}-errors" for q in QUESTIONS[:3]],
    "ask-your-children-add-another",
    *[f"ask-{q}-errors" for q in QUESTIONS[3:]],
    "ask-check-answers",
    *[f"ask-{q}-filled" for q in QUESTIONS],
    "ask-sent",
    "my-support-list",
    "my-support-new",
    "messages",
    "messages-errors",
    "my-support-plan",
    "my-support-closed",
    "staff-support-queue",
    "staff-support-new",
    "staff-support-new-errors",
    "staff-support-screened",
    "staff-support-safeguarding",
    "staff-support-assessment",
    "staff-support-plan",
    "staff-support-closed",
    "content-list",
    "content-edit",
    "content-edit-too-long",
    "content-saved",
]

SUBMIT = "main form button[type=submit]:not([name=add_child])"
ERROR_STATE = re.compile(r"errors|too-long")
PUBLIC_STATE = re.compile(r"^(support-offer|ask-|my-support-|messages)")
MARKS = {
    "ask-your-children-add-another": ["#child2_first_name"],
    "ask-consent-errors": ["#emergency-numbers"],
    "ask-risk-filled": ["#emergency-numbers"],
    "ask-check-answers": ["#emergency-numbers"],
    "ask-sent": ["#emergency-numbers"],
    "my-support-new": ["main a[href$='/messages']"],
    # Typed data (the same in every language), not interface text.
    "my-support-plan": ["#plan-caption", "main p:has-text('The plan is helping')"],
    "my-support-closed": ["main .govuk-inset-text:has-text('Thank you for talking to us')"],
    "content-saved": [".govuk-notification-banner--success"],
    "staff-support-queue": ["main a[href*='/staff/support/']"],
    "staff-support-new": ["#screen-referral"],
    "staff-support-screened": ["#sign-off-screening"],
    "staff-support-safeguarding": ["#record-mash-referral"],
    "staff-support-assessment": ["#record-first-visit"],
    "staff-support-plan": ["#record-review"],
    "staff-support-closed": ["#send-closure-letter"],
    "content-list": ["main a[href*='/staff/content/support-offer/']"],
}


def seed(server: LiveServer, build: Callable[[], T]) -> T:
    """Run ``build`` against the live server's database in a request (the rules build email links)."""
    from portal.core.db import db

    with server.app.test_request_context():
        try:
            result = build()
            db.session.commit()
        finally:
            db.session.remove()
    return result


def _user(email: str) -> Any:
    from sqlalchemy import select

    from portal.accounts.models import PublicUser
    from portal.core.db import db

    user = db.session.scalar(select(PublicUser).where(PublicUser.email == email))
    assert user is not None, "no such public account"
    return user


def _staff(email: str) -> Any:
    from sqlalchemy import select

    from portal.accounts.models import StaffUser
    from portal.core.db import db

    staff = db.session.scalar(select(StaffUser).where(StaffUser.email == email))
    assert staff is not None, "no such staff account"
    return staff


def _workers() -> tuple[Any, Any]:
    from portal.demo import DEMO_MANAGER, DEMO_STAFF

    return _staff(DEMO_STAFF), _staff(DEMO_MANAGER)


def _refer(email: str, key: str) -> Any:
    """A referral as the "Ask for support" pages send it (one child placed by Coventry)."""
    from portal.agency.rules import find_authority_by_name
    from portal.core.timescales import today_london
    from portal.support import rules
    from portal.support.models import ReferrerRole

    today = today_london()
    placed = today - timedelta(days=400)
    coventry = find_authority_by_name("Coventry")
    home = find_authority_by_name("Warwickshire")
    assert coventry is not None and home is not None
    child = rules.ChildDetails("Maya", today - timedelta(days=365 * 6), placed, placed + timedelta(days=200), coventry.id, "")
    answers = {"household": "Two parents and Maya.", "happening": "Mornings are very hard.", "help": "Advice, please."}
    return rules.submit_referral(key, _user(email), ReferrerRole.ADOPTIVE_PARENT, [child], home.id, "", answers, False, True)


def seed_cases(server: LiveServer) -> dict[str, str]:
    """One referral in each state staff look at (viewing and forms with errors change nothing)."""
    states = ("new", "screened", "safeguarding", "assessment", "plan", "closed")
    emails = {state: create_public_account(server, new_public_address(f"support.case.{state}"), "en", f"Case {state}") for state in states}

    def build() -> dict[str, str]:
        from portal.core.db import db
        from portal.core.timescales import today_london
        from portal.support import plan_rules as plan
        from portal.support import rules
        from portal.support.demo import _advance
        from portal.support.models import ScreeningOutcome

        duty, manager = _workers()
        today = today_london()
        found: dict[str, str] = {}
        for state, email in emails.items():
            referral = _refer(email, f"browser-support-case-{state}")
            if state == "safeguarding":
                rules.screen(referral, duty, ScreeningOutcome.SAFEGUARDING, "A child may be at risk.", None)
                rules.sign_off_screening(referral, manager, True, None)
            elif state == "closed":
                _advance(referral, "assessment", duty, manager, today)
                plan.close(referral, "The family asked us to close it.", None)
            else:
                _advance(referral, state, duty, manager, today)
            db.session.flush()
            found[state] = referral.public_id
        return found

    return seed(server, build)


class SupportWalker(Walker):
    """Walks the adoption support pages in one language (see the module docstring)."""

    def __init__(
        self, page: Page, server: LiveServer, lang: str, html_dir: Path, walk: LanguageWalk, cases: dict[str, str]
    ) -> None:
        super().__init__(page, server, server, lang, html_dir, walk)
        self.cases = cases

    def record(self, name: str, status: int = 200, exit_page: bool = False) -> None:
        page = self.page
        summaries = page.locator(".govuk-error-summary").count()
        if ERROR_STATE.search(name) and summaries != 1:
            self.problems.messages.append(f"{page.url}: {summaries} error summaries, expected one")
        if not ERROR_STATE.search(name) and summaries:
            self.problems.messages.append(f"{page.url}: an error summary where no error was expected")
        for mark in MARKS.get(name, []):
            if page.locator(mark).count() == 0:
                self.problems.messages.append(f"{page.url}: not the expected state, no {mark}")
        super().record(name, status, exit_page=exit_page or bool(PUBLIC_STATE.match(name)))
        if self.lang in MEASURED_LANGUAGES and name in SUPPORT_REPRESENTATIVE:
            self.measure(name)

    def send(self) -> None:
        self.click(SUBMIT)

    def seed(self, build: Callable[[], T]) -> T:
        return seed(self.server, build)

    def sign_in_public(self, email: str) -> None:
        page = self.page
        self.goto("/account/sign-in")
        page.fill("#email", email)
        page.fill("#password", PUBLIC_PASSWORD)
        self.send()
        page.fill("#code", email_code(self.server, email))
        self.send()

    def sign_out(self) -> None:
        self.click("footer form button")

    # --- the walk ----------------------------------------------------------------------------------

    def run_all(self, staff: StaffMember) -> None:
        self.goto(f"/?lang={self.lang}")
        self.goto("/support/")
        self.record("support-offer")
        me = create_public_account(self.server, new_public_address(f"support.family.{self.lang}"), self.lang, "Sam Taylor")
        self.sign_in_public(me)
        self.ask()
        self.my_support(me)
        self.sign_out()
        self.sign_in(staff)
        self.staff_pages()

    def ask(self) -> None:
        page = self.page
        self.goto("/support/ask")
        self.record("ask-start")
        self.click("main a[href$='/support/ask/who-you-are']")
        self.send()
        self.record("ask-who-you-are-errors")
        page.check("input[name=role][value=adoptive_parent]")
        self.send()
        self.send()
        self.record("ask-your-family-errors")
        page.fill("#household", "Two parents, Maya (6) and Leo (3).")
        self.send()
        self.send()
        self.record("ask-your-children-errors")
        today = date.today()
        self._child(1, "Maya", today.replace(year=today.year - 6), today.replace(year=today.year - 2))
        self.click("main form button[name=add_child]")
        self.record("ask-your-children-add-another")
        self._child(2, "Leo", today.replace(year=today.year - 3), today.replace(year=today.year - 1))
        self.send()
        self.send()
        self.record("ask-where-you-live-errors")
        page.locator("input[name=home]").first.check()
        self.send()
        self.send()
        self.record("ask-what-is-happening-errors")
        page.fill("#happening", "Maya ran away after a violent outburst last night.")
        page.fill("#help", "Someone to talk to today, and therapy.")
        self.send()
        self.send()
        self.record("ask-risk-errors")
        page.check("input[name=at_risk][value=yes]")
        self.send()
        self.send()
        self.record("ask-consent-errors")
        page.check("input[name=consent][value=yes]")
        self.send()
        self.record("ask-check-answers")
        for question in QUESTIONS:
            self.goto(f"/support/ask/{question}")
            self.record(f"ask-{question}-filled")
        self.goto("/support/ask/check-answers")
        self.send()
        self.record("ask-sent")

    def _child(self, number: int, name: str, born: date, placed: date) -> None:
        page = self.page
        page.fill(f"#child{number}_first_name", name)
        for field, day in (("date_of_birth", born), ("placed_on", placed)):
            boxes = page.locator(f"input[name=child{number}_{field}]").all()
            for box, value in zip(boxes, (str(day.day), str(day.month), str(day.year)), strict=True):
                box.fill(value)
        page.locator(f"input[name=child{number}_placing_authority]").first.check()

    def my_support(self, me: str) -> None:
        page = self.page
        self.goto("/my-support/")
        self.record("my-support-list")
        self.click("main table a[href*='/my-support/']")
        self.record("my-support-new")
        referral_path = page.url.split(self.server.url, 1)[1]
        self.click("main a[href$='/messages']")
        self.record("messages")
        self.send()
        self.record("messages-errors")

        def to_plan() -> None:
            from portal.core.timescales import today_london
            from portal.support import rules
            from portal.support.demo import _advance

            duty, manager = _workers()
            referral = rules.referrals_of(_user(me))[0]
            _advance(referral, "plan", duty, manager, today_london())

        self.seed(to_plan)
        self.goto(referral_path)
        self.record("my-support-plan")

        def closed() -> str:
            from portal.core.timescales import today_london
            from portal.support.demo import _advance

            duty, manager = _workers()
            referral = _refer(me, f"browser-support-closed-{self.lang}")
            _advance(referral, "closed", duty, manager, today_london())
            return str(referral.public_id)

        public_id = self.seed(closed)
        self.goto(f"/my-support/{public_id}")
        self.record("my-support-closed")

    def staff_pages(self) -> None:
        page = self.page
        cases = self.cases
        self.goto("/staff/support/")
        self.record("staff-support-queue")
        self.goto(f"/staff/support/{cases['new']}")
        self.record("staff-support-new")
        self.click("#screen-referral")
        self.record("staff-support-new-errors", status=400)
        for state in ("screened", "safeguarding", "assessment", "plan", "closed"):
            self.goto(f"/staff/support/{cases[state]}")
            self.record(f"staff-support-{state}")

        self.goto("/staff/content/")
        self.record("content-list")
        self.goto(f"/staff/content/support-offer/{self.lang}")
        self.record("content-edit")
        original = page.input_value("#body")
        page.fill("#body", "a" * 20001)
        self.send()
        self.record("content-edit-too-long")
        # English keeps the demo text (other tests read it); other languages get a short text of
        # their own, then go back to showing the English.
        page.fill("#body", original if self.lang == "en" else "<p>Cymorth / Wsparcie / مدد / ਸਹਾਇਤਾ</p>")
        self.send()
        self.record("content-saved")
        if self.lang != "en":
            page.fill("#body", original)
            self.send()


@pytest.fixture(scope="module")
def walks(
    browser: Browser, live_server: LiveServer, browser_data: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, LanguageWalk]]:
    require(AXE, "axe-core (run npm ci in frontend/)")
    html_dir = tmp_path_factory.mktemp("support-pages")
    cases = seed_cases(live_server)
    found: dict[str, LanguageWalk] = {}
    for lang in LANGUAGES:
        walk = found[lang] = LanguageWalk(lang)
        context = browser.new_context(viewport=DESKTOP)
        context.set_default_timeout(10_000)
        context.add_init_script(CSP_WATCH)
        context.add_init_script(path=str(AXE))
        page = context.new_page()
        try:
            staff = create_staff_member(live_server, f"Support tester {lang}", all_roles())
            SupportWalker(page, live_server, lang, html_dir, walk, cases).run_all(staff)
        except Exception:
            walk.crash = f"the walk stopped at {page.url}:\n{traceback.format_exc()}"
        finally:
            context.close()
    yield found




@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_support_page_state_passes_axe(walks: dict[str, LanguageWalk], lang: str) -> None:
    walk = walks[lang]
    report = walk_report(walk)
    assert not report, f"{len(walk.visits)} support page states checked in {lang}:\n" + "\n".join(report)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_visits_every_support_page_state(walks: dict[str, LanguageWalk], lang: str) -> None:
    walk = walks[lang]
    visited = [visit.name for visit in walk.visits]
    missing = [name for name in EXPECTED_STATES if name not in visited]
    assert not missing and len(visited) == len(EXPECTED_STATES), (
        f"{lang}: visited {len(visited)} of {len(EXPECTED_STATES)} page states; not reached: {missing}"
        + (f"\n{walk.crash}" if walk.crash else "")
    )


@pytest.mark.parametrize("lang", MEASURED_LANGUAGES)
@pytest.mark.parametrize("name", SUPPORT_REPRESENTATIVE)
def test_support_pages_reflow_at_320_px(walks: dict[str, LanguageWalk], lang: str, name: str) -> None:
    measure = walks[lang].measures.get(name)
    assert measure is not None, f"{name} was not reached in {lang}: {walks[lang].crash}"
    assert measure.scroll_width <= NARROW, (
        f"{lang} {name}: the page is {measure.scroll_width} px wide at a {NARROW} px viewport, "
        "so it scrolls sideways (WCAG 1.4.10 Reflow). Sticking out: " + "; ".join(measure.overflowing)
    )


@pytest.mark.parametrize("lang", MEASURED_LANGUAGES)
@pytest.mark.parametrize("name", SUPPORT_REPRESENTATIVE)
def test_support_page_targets_are_big_enough_or_spaced(walks: dict[str, LanguageWalk], lang: str, name: str) -> None:
    measure = walks[lang].measures.get(name)
    assert measure is not None, f"{name} was not reached in {lang}: {walks[lang].crash}"
    failures = [f"at {width}: {failure}" for width, found in measure.targets.items() for failure in found]
    assert not failures, f"{lang} {name}: targets under 24x24 CSS px (WCAG 2.5.8):\n" + "\n".join(failures)


def test_every_saved_support_page_is_valid_html(walks: dict[str, LanguageWalk]) -> None:
    files = [str(visit.html) for walk in walks.values() for visit in walk.visits]
    assert files, "no pages were saved"
    report = nu_html_errors(files)
    assert not report, f"{len(report)} HTML errors in {len(files)} pages:\n" + "\n".join(report)


# ---------------------------------------------------------------------------------------------------
# One family's journey, in Welsh, with JavaScript on
# ---------------------------------------------------------------------------------------------------

JOURNEY_LANG = "cy"
SEND = "main form button[type=submit]:not([name=add_child])"
# What the family and staff write; none of it may travel in an email.
PRIVATE = {
    "happening": "Bedtimes end in long meltdowns and Maya will not go to school.",
    "screening": "Needs an assessment: school refusal and meltdowns.",
    "item": "A place in the monthly adopters' support group, from January.",
    "assessment": "Maya needs calm routines and help at school with her feelings.",
    "wishes": "Maya said she wants mornings to be less shouty.",
    "review": "Bedtimes are calmer; the support group is helping.",
}


def _go(page: Page, selector: str) -> None:
    """Click something that loads a new page, and wait for that page."""
    with page.expect_navigation():
        page.locator(selector).first.click()


def _fill_date(page: Page, name: str, day: date) -> None:
    boxes = page.locator(f"input[name={name}]").all()
    for box, value in zip(boxes, (str(day.day), str(day.month), str(day.year)), strict=True):
        box.fill(value)


def _staff_session(open_session: Any, server: LiveServer, member: StaffMember) -> Any:
    session = open_session(viewport=DESKTOP)
    page = session.page
    page.goto(session.url(f"/?lang={JOURNEY_LANG}"))
    page.goto(session.url("/staff/sign-in"))
    page.fill("#email", member.email)
    page.fill("#password", member.password)
    _go(page, "main form button[type=submit]")
    page.fill("#code", member.code())
    _go(page, "main form button[type=submit]")
    return session


def _settled(session: Any, public_id: str) -> None:
    """Back on the case page after a move, with a success banner and no error."""
    page = session.page
    assert page.url.split("#")[0].endswith(f"/staff/support/{public_id}"), page.url
    assert page.locator(".govuk-error-summary").count() == 0, page.locator("main").inner_text()[:600]
    assert page.locator(".govuk-notification-banner--success").count() == 1, page.locator("main").inner_text()[:600]


def test_family_refers_and_follows_to_a_shared_plan_and_review(
    open_session: Any, live_server: LiveServer, browser_data: None
) -> None:
    require(AXE, "axe-core (run npm ci in frontend/)")
    server = live_server
    family_email = create_public_account(server, new_public_address("support.journey"), JOURNEY_LANG, "Sam Taylor")
    duty = create_staff_member(server, "Journey duty worker", ["duty_worker"])
    manager = create_staff_member(server, "Journey team manager", ["team_manager"])
    worker = create_staff_member(server, "Journey support worker", ["support_worker"])

    def ids() -> tuple[str, str]:
        from portal.agency.rules import find_authority_by_name

        home = find_authority_by_name("Warwickshire")
        assert home is not None
        return str(home.slug), str(_staff(worker.email).public_id)

    home_slug, worker_id = seed(server, ids)

    # --- the family asks for support --------------------------------------------------------------
    family = open_session(viewport=DESKTOP, java_script_enabled=True)
    page = family.page
    page.goto(family.url(f"/?lang={JOURNEY_LANG}"))
    page.goto(family.url("/account/sign-in"))
    page.fill("#email", family_email)
    page.fill("#password", PUBLIC_PASSWORD)
    _go(page, SEND)
    page.fill("#code", email_code(server, family_email))
    _go(page, SEND)

    page.goto(family.url("/support/"))
    assert page.evaluate("document.documentElement.lang") == JOURNEY_LANG
    _go(page, "main a[href$='/support/ask']")
    _go(page, "main a[href$='/support/ask/who-you-are']")
    page.check("input[name=role][value=adoptive_parent]")
    _go(page, SEND)
    page.fill("#household", "Two parents and Maya.")
    _go(page, SEND)
    today = date.today()
    page.fill("#child1_first_name", "Maya")
    _fill_date(page, "child1_date_of_birth", today.replace(year=today.year - 7))
    _fill_date(page, "child1_placed_on", today.replace(year=today.year - 2))
    page.locator("input[name=child1_placing_authority]").first.check()
    _go(page, SEND)
    page.check(f"input[name=home][value='{home_slug}']")
    _go(page, SEND)
    page.fill("#happening", PRIVATE["happening"])
    page.fill("#help", "Advice and time with other adoptive families.")
    _go(page, SEND)
    page.check("input[name=at_risk][value=no]")
    _go(page, SEND)
    assert page.locator("#emergency-numbers").count() == 0, "the emergency numbers show though nobody is at risk"
    page.check("input[name=consent][value=yes]")
    _go(page, SEND)
    assert page.url.endswith("/support/ask/check-answers"), page.url
    _go(page, SEND)
    assert page.url.endswith("/support/ask/sent"), page.url

    page.goto(family.url("/my-support/"))
    link = page.locator("main table a[href*='/my-support/']")
    assert link.count() == 1
    href = link.first.get_attribute("href") or ""
    public_id = href.rstrip("/").rsplit("/", 1)[-1]
    assert public_id, href

    # --- the duty worker screens -----------------------------------------------------------------
    desk = _staff_session(open_session, server, duty)
    spage = desk.page
    spage.goto(desk.url("/staff/support/"))
    assert spage.locator(f"main a[href$='/staff/support/{public_id}']").count() == 1, "not in the duty queue"
    _go(spage, f"main a[href$='/staff/support/{public_id}']")
    spage.check("input[name=screening_outcome][value=assessment]")
    spage.fill("#screening_notes", PRIVATE["screening"])
    _go(spage, "#screen-referral")
    _settled(desk, public_id)
    assert spage.locator("#sign-off-screening").count() == 0, "the duty worker may not sign off their own screening"

    # --- a different person, a team manager, signs off with a support worker ------------------------
    office = _staff_session(open_session, server, manager)
    mpage = office.page
    mpage.goto(office.url(f"/staff/support/{public_id}"))
    mpage.check("input[name=sign_off][value=agree]")
    mpage.check(f"input[name=sign_off_worker][value='{worker_id}']")
    _go(mpage, "#sign-off-screening")
    _settled(office, public_id)

    # --- the support worker visits, plans, shares, reviews -------------------------------------------
    field = _staff_session(open_session, server, worker)
    wpage = field.page
    wpage.goto(field.url(f"/staff/support/{public_id}"))
    _fill_date(wpage, "visit_date", today - timedelta(days=1))
    wpage.check("input[name=visit_consent][value=yes]")
    _go(wpage, "#record-first-visit")
    _settled(field, public_id)
    wpage.check("input[name=item_kind][value=peer_support]")
    wpage.fill("#item_description", PRIVATE["item"])
    _go(wpage, "#add-plan-item")
    _settled(field, public_id)
    wpage.fill("#assessment_text", PRIVATE["assessment"])
    wpage.fill("#wishes_and_feelings", PRIVATE["wishes"])
    _go(wpage, "#share-plan")
    _settled(field, public_id)
    _fill_date(wpage, "review_date", today)
    wpage.fill("#review_summary", PRIVATE["review"])
    _go(wpage, "#record-review")
    _settled(field, public_id)
    _go(wpage, "main button[id^='share-review-']")
    _settled(field, public_id)

    # --- the family sees the plan and the review ---------------------------------------------------
    page.goto(family.url(f"/my-support/{public_id}"))
    assert page.evaluate("document.documentElement.lang") == JOURNEY_LANG
    seen = page.locator("main").inner_text()
    for key in ("item", "assessment", "wishes", "review"):
        assert PRIVATE[key] in seen, f"the family does not see the {key} on My support"
    assert PRIVATE["screening"] not in seen, "the family sees the duty worker's screening notes"

    # --- emails only say there is news ---------------------------------------------------------------
    def emails() -> list[tuple[str, str]]:
        from sqlalchemy import select

        from portal.core.db import db
        from portal.core.outbox import OutboxMessage

        rows = db.session.execute(
            select(OutboxMessage.template, OutboxMessage.body).where(OutboxMessage.recipient == family_email)
        ).all()
        return [(str(t), str(b)) for t, b in rows]

    sent = seed(server, emails)
    templates = [template for template, _body in sent if template.startswith("support-")]
    # Received, then news at sign-off, when the plan is shared and when the review is shared.
    assert templates.count("support-received") == 1 and templates.count("support-update") >= 3, templates
    for template, body in sent:
        for key, text in PRIVATE.items():
            assert text not in body, f"a {template} email carries the {key}"
        assert "Maya" not in body, f"a {template} email names the child"

    problems = [*family.problems.messages, *desk.problems.messages, *office.problems.messages, *field.problems.messages]
    problems += [f"CSP: {v}" for s in (family, desk, office, field) for v in s.csp_violations()]
    assert not problems, "\n".join(problems)
