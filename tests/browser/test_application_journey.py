"""Becoming an adopter, end to end in Chromium: an enquiry, a public account, the registration of
interest with its task list and e-signature, then Stage One, Stage Two, panel and the decision, with
the applicant in one browser and staff (an assessing worker and a team manager) in others.

The applicant's journey runs in Polish without JavaScript and in Urdu (right to left) with it; a
joint registration shows each applicant signing their own part; and the registration's start page, a
household section and the signature are done with the keyboard only. Pages are driven by ids, names
and addresses, never by their English words (the translations are still being written), so the same
steps hold in every language.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask_babel import force_locale, format_date
from PIL import Image
from playwright.sync_api import Page, Response
from sqlalchemy import select

from portal.accounts.rules import find_staff_by_email
from portal.adopting.application_models import Application, ApplicationStatus, CheckStatus
from portal.adopting.application_presenters import CHECK_STATUS_LABELS, STATUS_LABELS
from portal.core.db import db
from portal.core.outbox import OutboxMessage

from tests.browser.conftest import (
    PUBLIC_PASSWORD,
    LiveServer,
    Session,
    StaffMember,
    create_public_account,
    create_staff_member,
    email_code,
    email_link,
    last_email,
    new_public_address,
)
from tests.browser.test_journeys import KeyboardUser

pytestmark = pytest.mark.browser

# Words only staff may read: none of them may reach an applicant's page or email.
STAFF_NOTE = "Staff only: DBS came back with nothing of note (ref 7QX)"
PLAN = "Plan: checks by week 4, training in week 6 (staff plan 5KZ)"
RECOMMENDATION = "Recommended: ready for Stage Two (reason R9W)"
DECISION_REASONS = "Approved: a warm and steady home (reason D4M)"
PAR = "Prospective Adopter's Report, draft for comment (PAR 3HT)"
VISIT = "Meet the household (visit V2P)"
COMMENTS = "We have read the report and agree with it (comments C8L)"
INVITATION_LINK = re.compile(r"https?://[^\s/]+(/my-application/registration/join/\S+)")


# ---------------------------------------------------------------------------------------------------
# Small helpers


def follow(page: Page, selector: str) -> None:
    """Click a link or button that loads another page, and wait for that page."""
    with page.expect_navigation():
        page.locator(selector).first.click()


def path_of(page: Page) -> str:
    return urlsplit(page.url).path


def submit(page: Page) -> None:
    follow(page, "main form[method=post] button[type=submit]")


def in_language(server: LiveServer, lang: str, lazy: Any) -> str:
    """A label as the portal shows it in ``lang`` (English while its translation is missing)."""
    with server.app.test_request_context(), force_locale(lang):
        return str(lazy)


def shown_date(server: LiveServer, lang: str, day: date) -> str:
    """A date as the ``|date`` filter shows it in ``lang``."""
    with server.app.test_request_context(), force_locale(lang):
        return str(format_date(day, "d MMMM yyyy"))


def png_file(folder: Path) -> Path:
    """A small real PNG (the upload check reads a file's content, not its name)."""
    path = folder / "passport.png"
    Image.new("RGB", (40, 30), (30, 110, 60)).save(path, format="PNG")
    return path


def emails_to(server: LiveServer, recipient: str, template: str) -> list[str]:
    """Every email of this kind queued for ``recipient``, oldest first (read from the outbox)."""
    with server.app.app_context():
        bodies = db.session.scalars(
            select(OutboxMessage.body)
            .where(OutboxMessage.recipient == recipient, OutboxMessage.template == template)
            .order_by(OutboxMessage.id)
        ).all()
        db.session.remove()
    return [str(b) for b in bodies]


def assert_news_only(body: str, reference: str) -> None:
    """An email about the application says there is news and where to sign in, nothing more."""
    assert reference in body, body
    assert "/my-application/" in body, body
    for secret in (STAFF_NOTE, PLAN, RECOMMENDATION, DECISION_REASONS, PAR, VISIT):
        assert secret not in body, f"an applicant's email gives away {secret!r}:\n{body}"
    assert len(body) < 600, f"the email says more than that there is news:\n{body}"


def staff_public_id(server: LiveServer, member: StaffMember) -> str:
    with server.app.app_context():
        user = find_staff_by_email(member.email)
        assert user is not None
        public_id = str(user.public_id)
        db.session.remove()
    return public_id


def application_row(server: LiveServer, reference: str) -> Application:
    with server.app.app_context():
        application = db.session.scalar(select(Application).where(Application.reference == reference))
        assert application is not None
        db.session.expunge(application)
        db.session.remove()
    return application


class PagesSeen:
    """Every HTML page a browser page was served, to check afterwards what a person was ever shown.

    Each body is read as it arrives: Chromium drops it once the page is navigated away from."""

    def __init__(self, page: Page) -> None:
        self.pages: list[tuple[str, str]] = []
        page.on("response", self._note)

    def _note(self, response: Response) -> None:
        if response.request.resource_type == "document" and not 300 <= response.status < 400:
            # Unescaped, as a person reads it: "Adopter's" is sent as "Adopter&#39;s".
            self.pages.append((response.url, html.unescape(response.text())))

    def showing(self, *secrets: str) -> list[str]:
        """The addresses of the pages that showed any of ``secrets``."""
        assert self.pages, "no pages were seen"
        return [url for url, text in self.pages if any(secret in text for secret in secrets)]


# ---------------------------------------------------------------------------------------------------
# People signing in


def sign_in_staff(session: Session, member: StaffMember) -> None:
    page = session.page
    page.goto(session.url("/staff/sign-in"))
    page.fill("#email", member.email)
    page.fill("#password", member.password)
    submit(page)
    page.fill("#code", member.code())
    submit(page)
    assert path_of(page) == "/staff/", page.url


def sign_in_public(session: Session, address: str, then: str = "/account/") -> None:
    """Sign in with the password and the code emailed; ``then`` is where the portal should land."""
    page = session.page
    if path_of(page) != "/account/sign-in":
        page.goto(session.url("/account/sign-in"))
    page.fill("#email", address)
    page.fill("#password", PUBLIC_PASSWORD)
    submit(page)
    page.fill("#code", email_code(session.server, address))
    submit(page)
    assert path_of(page) == then, page.url


def register_account(session: Session, address: str) -> None:
    """Make a public account in the browser, confirm it by the emailed link and sign in."""
    page = session.page
    page.goto(session.url("/account/register"))
    page.fill("#email", address)
    page.fill("#password", PUBLIC_PASSWORD)
    submit(page)
    page.goto(session.url(email_link(session.server, address, "account-confirm-email")))
    submit(page)
    assert path_of(page) == "/account/sign-in", page.url
    sign_in_public(session, address)


# ---------------------------------------------------------------------------------------------------
# The registration of interest


def open_section(page: Page, slug: str) -> None:
    """From the task list, follow the section's link (by its address)."""
    assert path_of(page) == "/my-application/registration/", page.url
    follow(page, f"main a[href$='/my-application/registration/{slug}']")


def save_section(page: Page) -> None:
    submit(page)
    assert path_of(page) == "/my-application/registration/", f"{page.url}: {page.locator('main').inner_text()[:600]}"


def fill_home(page: Page) -> None:
    open_section(page, "home")
    page.fill("#address_line_1", "12 Acacia Avenue")
    page.fill("#town", "Coventry")
    page.fill("#postcode", "cv1 1aa")
    page.locator("input[name=authority]").first.check()
    page.check("input[name=years_at_address][value='1_to_5']")
    save_section(page)


def fill_household(page: Page, joint: bool) -> None:
    open_section(page, "household")
    if joint:
        page.check("input[name=relationship][value=married]")
        page.fill("#together_since", "2015")
    page.fill("#other_1_name", "Maria Kowalska")
    page.fill("#other_1_relationship", "Matka")
    born = page.locator("input[name=other_1_born]")
    for number, part in enumerate(["3", "4", "1950"]):
        born.nth(number).fill(part)
    save_section(page)


def fill_household_sections(page: Page, joint: bool = False, home: bool = True) -> None:
    if home:
        fill_home(page)
    fill_household(page, joint)
    open_section(page, "children")
    page.fill("#children_at_home", "0")
    save_section(page)
    open_section(page, "experience")
    page.fill("#experience", "Ciocia dla trojga dzieci, wolontariat w szkole.")
    save_section(page)
    open_section(page, "motivation")
    page.fill("#motivation", "Chcemy dać dziecku bezpieczny dom.")
    save_section(page)
    open_section(page, "children-hoped-for")
    page.fill("#age_from", "0")
    page.fill("#age_to", "4")
    page.check("input[name=siblings][value=maybe]")
    page.check("input[name=needs][value=none]")
    save_section(page)
    open_section(page, "previous")
    for question in ("adopted_before", "fostering_child", "applied_before"):
        page.check(f"input[name={question}][value=no]")
    save_section(page)


def fill_own_sections(
    page: Page, full_name: str, health_note: str, works_with_children: bool = False, caution: str = ""
) -> None:
    open_section(page, "about-you")
    page.fill("#full_name", full_name)
    born = page.locator("input[name=date_of_birth]")
    for number, part in enumerate(["14", "2", "1986"]):
        born.nth(number).fill(part)
    page.fill("#phone", "07700 900 123")
    page.fill("#occupation", "Nauczycielka" if works_with_children else "Księgowa")
    page.check(f"input[name=works_with_children][value={'yes' if works_with_children else 'no'}]")
    save_section(page)
    open_section(page, "health")
    page.check("input[name=health_conditions][value=yes]")
    page.fill("#health_details", health_note)
    page.fill("#gp_practice", "Ośrodek Zdrowia Centrum")
    save_section(page)
    open_section(page, "suitability")
    for question in ("convicted", "investigated", "child_in_care"):
        page.check(f"input[name={question}][value=no]")
    if caution:
        page.check("input[name=convicted][value=yes]")
        page.fill("#convicted_details", caution)
    save_section(page)


def check_and_sign(page: Page, full_name: str) -> None:
    follow(page, "main a[href$='/my-application/registration/check']")
    follow(page, "main a[href$='/my-application/registration/sign']")
    page.fill("#full_name", full_name)
    page.check("input[name=confirm]")
    submit(page)


# ---------------------------------------------------------------------------------------------------
# The back office


def open_case(staff: Session, reference: str, status: str) -> str:
    """Find the application in the queue (filtered by its status) and open it; its address."""
    page = staff.page
    page.goto(staff.url("/staff/"))
    follow(page, ".govuk-service-navigation a[href$='/staff/applications/']")
    page.select_option("#filter-status", status)
    follow(page, "main form.app-filter button[type=submit]")
    link = page.locator("main table a", has_text=reference)
    while link.count() == 0 and page.locator(".govuk-pagination__next a").count():
        follow(page, ".govuk-pagination__next a")  # the queue is oldest first, 50 to a page
    with page.expect_navigation():
        link.click()
    assert reference in page.locator("h1").inner_text()
    return page.url


def staff_do(page: Page, button: str) -> None:
    """Press a button on the case page; the move must succeed (no error summary, no refusal)."""
    follow(page, button)
    assert page.locator(".govuk-error-summary").count() == 0, page.locator(".govuk-error-summary").inner_text()
    banner = page.locator(".govuk-notification-banner--success")
    assert banner.count() == 1, page.locator(".govuk-notification-banner").all_inner_texts()


def fill_date(page: Page, name: str, day: date) -> None:
    parts = page.locator(f"input[name={name}]")
    for number, value in enumerate([day.day, day.month, day.year]):
        parts.nth(number).fill(str(value))


def record_every_check(page: Page) -> int:
    """Record every check on the case as back and satisfactory (the first with a staff note)."""
    forms = "main form[action*='/checks/']"
    count = page.locator(forms).count()
    for number in range(count):
        form = page.locator(forms).nth(number)
        if not form.is_visible():
            form.locator("xpath=ancestor::details[1]/summary").click()
        form.locator("input[name=check_status][value=satisfactory]").check()
        if number == 0:
            form.locator("textarea[name=check_note], input[name=check_note]").fill(STAFF_NOTE)
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert page.locator(".govuk-error-summary").count() == 0, page.locator(".govuk-error-summary").inner_text()
        assert page.locator(".govuk-notification-banner--success").count() == 1, page.url
    return count


# ---------------------------------------------------------------------------------------------------
# 1. From enquiry to approval


def make_enquiry(page: Page, session: Session, lang: str, full_name: str, address: str) -> str:
    page.goto(session.url(f"/?lang={lang}"))
    page.goto(session.url("/adopt/enquiry"))
    follow(page, "main a.govuk-button--start")
    page.fill("#full_name", full_name)
    page.fill("#email", address)
    submit(page)
    page.locator("input[name=authority]").first.check()
    submit(page)
    page.check("input[name=adoption_type][value=agency]")
    page.check("input[name=wants][value=information_pack]")
    page.check("input[name=source][value=social_media]")
    submit(page)
    page.check(f"input[name=preferred_language][value={lang}]")
    submit(page)
    assert path_of(page) == "/adopt/enquiry/check-answers"
    submit(page)
    assert path_of(page) == "/adopt/enquiry/sent"
    reference = page.locator(".govuk-panel__body strong").inner_text().strip()
    assert reference.startswith("ENQ"), reference
    return reference


JOURNEYS = [
    pytest.param("pl", False, "Zofia Kowalska", id="pl-without-javascript"),
    pytest.param("ur", True, "Ayesha Khan", id="ur-right-to-left"),
]


@pytest.mark.parametrize(("lang", "javascript", "full_name"), JOURNEYS)
def test_enquiry_to_approval(
    open_session: Callable[..., Session],
    live_server: LiveServer,
    tmp_path: Path,
    lang: str,
    javascript: bool,
    full_name: str,
) -> None:
    server = live_server
    you = open_session(java_script_enabled=javascript)
    page = you.page
    seen = PagesSeen(page)
    address = new_public_address(f"adopter.{lang}")

    # The enquiry, then an account with the same email address.
    enquiry = make_enquiry(page, you, lang, full_name, address)
    if javascript:
        create_public_account(server, address, language=lang, name=full_name)
        sign_in_public(you, address)
    else:
        register_account(you, address)
    assert page.locator("html").get_attribute("lang") == lang
    if lang == "ur":
        assert page.locator("html").get_attribute("dir") == "rtl"

    # The registration of interest: start, every section, check, sign and send.
    follow(page, "main a[href$='/my-application/']")
    follow(page, "main a[href$='/my-application/registration/start']")
    page.check("input[name=joint][value=single]")
    submit(page)
    fill_household_sections(page)
    fill_own_sections(page, full_name, "Astma, dobrze kontrolowana.", works_with_children=True)
    check_and_sign(page, full_name)
    assert path_of(page) == "/my-application/registration/sent", page.url
    reference = page.locator(".govuk-panel__body strong").inner_text().strip()
    assert reference.startswith("ROI"), reference
    assert page.locator("html").get_attribute("lang") == lang
    assert_news_only(last_email(server, address, "application-received"), reference)

    # Staff: the worker finds the registration with its enquiry, accepts it and adds a training date.
    worker_member = create_staff_member(server, f"Assessor {lang}", ["assessment_worker"])
    manager_member = create_staff_member(server, f"Manager {lang}", ["team_manager"])
    worker = open_session()
    worker.page.goto(worker.url("/?lang=en"))
    sign_in_staff(worker, worker_member)
    case = open_case(worker, reference, "submitted")
    staff_page = worker.page
    assert staff_page.locator("main .govuk-summary-list a[href*='/staff/enquiries/']").inner_text().strip() == enquiry
    staff_page.check(f"input[name=accept_worker][value='{staff_public_id(server, worker_member)}']")
    staff_do(staff_page, "#accept-registration")
    updates = emails_to(server, address, "application-update")
    assert len(updates) == 1
    assert_news_only(updates[-1], reference)

    course_title = f"Preparation training {lang} {reference}"
    course_day = date.today() + timedelta(days=21)
    staff_page.goto(worker.url("/staff/training/new"))
    staff_page.fill("#title", course_title)
    fill_date(staff_page, "course_date", course_day)
    staff_page.fill("#start_time", "09:30")
    staff_page.fill("#venue", "Coventry, Council House")
    staff_page.fill("#places", "12")
    submit(staff_page)
    assert "/staff/training/" in staff_page.url and not staff_page.url.endswith("/new"), staff_page.url

    # The applicant's Stage One tasks.
    page.goto(you.url("/my-application/"))
    assert in_language(server, lang, STATUS_LABELS[ApplicationStatus.STAGE_ONE]) in page.locator("main").inner_text()
    assert f"Assessor {lang}" in page.locator("main .govuk-summary-list").inner_text()
    follow(page, "main a[href$='/my-application/consent']")
    page.check("input[name=agree]")
    submit(page)
    assert path_of(page) == "/my-application/"

    follow(page, "main a[href$='/my-application/referees']")
    referees = [("Anna Nowak", "yes"), ("Piotr Zieliński", "no"), ("Ewa Wiśniewska", "no")]
    for number, (referee, relative) in enumerate(referees, start=1):
        page.fill(f"#referee_{number}_name", referee)
        page.fill(f"#referee_{number}_relationship", "Siostra" if relative == "yes" else "Przyjaciel")
        page.fill(f"#referee_{number}_years_known", str(10 + number))
        page.check(f"input[name=referee_{number}_relative][value={relative}]")
        page.fill(f"#referee_{number}_email", f"referee.{number}@people.example")
        page.fill(f"#referee_{number}_address", f"{number} Long Lane, Coventry")
    submit(page)
    assert path_of(page) == "/my-application/", page.locator("main").inner_text()[:500]

    follow(page, "main a[href$='/my-application/previous-partners']")
    page.check("input[name=had_partner][value=yes]")
    page.fill("#partner_1_name", "Jan Kowalski")
    page.fill("#partner_1_contact", "jan@people.example")
    submit(page)
    assert path_of(page) == "/my-application/"

    follow(page, "main a[href$='/my-application/employer']")
    page.fill("#employer_name", "Szkoła Podstawowa nr 1")
    page.fill("#employer_contact", "Dyrektor, 024 7600 0000")
    submit(page)
    assert path_of(page) == "/my-application/"

    follow(page, "main a[href$='/my-application/training']")
    with page.expect_navigation():
        page.locator("main tr", has_text=course_title).locator("button[type=submit]").click()
    assert course_title in page.locator("main ul.govuk-list").inner_text()

    page.goto(you.url("/my-application/documents"))
    page.set_input_files("input[name=document]", str(png_file(tmp_path)))
    page.check("input[name=kind][value=identity]")
    submit(page)
    assert page.locator(".govuk-error-summary").count() == 0
    assert "passport.png" in page.locator("main").inner_text()

    # Staff: every check back and satisfactory, attendance, the plan and the recommendation.
    staff_page.goto(case)
    recorded = record_every_check(staff_page)
    assert recorded == 3 + 3 + 1 + 1, recorded  # DBS, council, medical; 3 referees; a partner; the employer
    assert STAFF_NOTE in staff_page.locator("main").inner_text()
    staff_do(staff_page, "main form[action*='/training/'] button[name=attended][value=yes]")
    staff_page.fill("#stage_one_plan", PLAN)
    staff_do(staff_page, "#save-plan")
    staff_page.check("input[name=recommendation][value=progress]")
    staff_page.fill("#recommendation_reasons", RECOMMENDATION)
    staff_do(staff_page, "#recommend-stage-one")
    assert staff_page.locator("#sign-off-stage-one").count() == 0  # a worker cannot sign it off

    # The applicant sees each check's status, never the staff note.
    page.goto(you.url("/my-application/"))
    mine = page.locator("main").inner_text()
    satisfactory = in_language(server, lang, CHECK_STATUS_LABELS[CheckStatus.SATISFACTORY])
    assert page.locator("main table").first.inner_text().count(satisfactory) == recorded
    assert STAFF_NOTE not in page.content()
    assert RECOMMENDATION not in mine
    assert PLAN in mine  # the plan is shared with the applicants; the note and recommendation are not

    # The manager signs Stage One off.
    manager = open_session()
    manager.page.goto(manager.url("/?lang=en"))
    sign_in_staff(manager, manager_member)
    boss = manager.page
    boss.goto(case)
    boss.check("input[name=sign_off][value=agree]")
    staff_do(boss, "#sign-off-stage-one")
    updates = emails_to(server, address, "application-update")
    assert len(updates) == 2
    assert_news_only(updates[-1], reference)

    # The applicant goes on to Stage Two.
    page.goto(you.url("/my-application/"))
    assert RECOMMENDATION in page.locator("main").inner_text()  # the reasons signed off are theirs to read
    follow(page, "main a[href$='/my-application/next-stage']")
    page.check("input[name=choice][value=continue]")
    submit(page)
    assert path_of(page) == "/my-application/"
    assert in_language(server, lang, STATUS_LABELS[ApplicationStatus.STAGE_TWO]) in page.locator("main").inner_text()

    # Stage Two: a home visit, which the applicant sees, and the report shared for comment.
    staff_page.goto(case)
    fill_date(staff_page, "visit_date", date.today() + timedelta(days=7))
    staff_page.fill("#visit_time", "10:30")
    staff_page.fill("#visit_purpose", VISIT)
    staff_do(staff_page, "#book-visit")
    staff_page.fill("#par_text", PAR)
    staff_do(staff_page, "#share-report")

    page.goto(you.url("/my-application/"))
    assert VISIT in page.locator("main").inner_text()
    follow(page, "main a[href$='/my-application/report']")
    assert PAR in page.locator("main").inner_text()
    page.fill("#comments", COMMENTS)
    submit(page)
    assert path_of(page) == "/my-application/report"

    # The panel, its recommendation, and the manager's decision.
    staff_page.goto(case)
    assert COMMENTS in staff_page.locator("main").inner_text()
    fill_date(staff_page, "panel_date", date.today() + timedelta(days=14))
    staff_do(staff_page, "#book-panel")
    staff_page.check("input[name=panel_recommendation][value=approve]")
    staff_do(staff_page, "#record-panel-recommendation")
    assert staff_page.locator("#record-decision").count() == 0  # the decision is the manager's

    boss.goto(case)
    boss.check("input[name=decision][value=approve]")
    boss.fill("#decision_reasons", DECISION_REASONS)
    staff_do(boss, "#record-decision")

    # The applicant is approved, and sees the date.
    application = application_row(server, reference)
    assert application.status == ApplicationStatus.APPROVED
    assert application.approved_on is not None
    page.goto(you.url("/my-application/"))
    summary = page.locator("main .govuk-summary-list").first.inner_text()
    assert in_language(server, lang, STATUS_LABELS[ApplicationStatus.APPROVED]) in summary
    assert shown_date(server, lang, application.approved_on) in summary
    assert STAFF_NOTE not in page.content()
    assert page.locator("html").get_attribute("lang") == lang

    # Over the whole journey the applicant was shown each check's status, never a staff note.
    assert not seen.showing(STAFF_NOTE), "a page showed the applicant the staff note"
    for shared in (PLAN, VISIT, PAR):
        assert seen.showing(shared), f"the applicant never saw {shared!r}"  # what staff share does reach them

    # Acceptance, Stage One's outcome and the decision each queued an email; since each says only
    # that there is news (and where to sign in), they are word for word the same.
    updates = emails_to(server, address, "application-update")
    assert len(updates) >= 3
    assert len(set(updates)) == 1, updates
    assert_news_only(updates[0], reference)
    for session in (you, worker, manager):
        assert not session.problems.messages, session.problems.messages
        assert not session.csp_violations()


# ---------------------------------------------------------------------------------------------------
# 2. The keyboard only


def test_registration_with_the_keyboard_only(open_session: Callable[..., Session], live_server: LiveServer) -> None:
    session = open_session()
    page = session.page
    you = KeyboardUser(page)
    address = create_public_account(live_server, new_public_address("kay.roi"), name="Kay Board")
    page.goto(session.url("/?lang=en"))
    sign_in_public(session, address)

    # The start page: choose "on my own" and start.
    you.tab_to("main a[href$='/my-application/']")
    you.follow("Enter")
    you.tab_to("main a[href$='/my-application/registration/start']")
    you.follow("Enter")
    assert page.locator("h1").inner_text().strip() == "Register your interest in adopting"
    you.tab_to("input[name=joint]")
    assert you.is_focused("(el) => el.value === 'single'"), you.focused()
    you.press("Space")
    you.tab_to("main button[type=submit]")
    you.follow("Enter")
    assert path_of(page) == "/my-application/registration/"

    # A household section with text boxes and two groups of radios, sent empty first.
    you.tab_to("main a[href$='/my-application/registration/home']")
    you.follow("Enter")
    you.tab_to("main button[type=submit]")
    you.follow("Enter")
    assert you.is_focused("(el) => el.classList.contains('govuk-error-summary')"), you.focused()
    you.tab_to(".govuk-error-summary a[href='#address_line_1']")
    you.press("Enter")
    assert you.is_focused("(el) => el.id === 'address_line_1'"), you.focused()
    you.type("12 Acacia Avenue")
    you.tab_to("#town")
    you.type("Coventry")
    you.tab_to("#postcode")
    you.type("CV1 1AA")
    you.tab_to("input[name=authority]")
    you.press("Space")
    you.tab_to("input[name=years_at_address]")
    you.tab("ArrowDown")  # the arrow keys move through a radio group, choosing as they go
    assert you.is_focused("(el) => el.name === 'years_at_address' && el.checked"), you.focused()
    you.tab_to("main button[type=submit]")
    you.follow("Enter")
    assert path_of(page) == "/my-application/registration/"
    home_status = page.locator("#household-1-status")
    assert "Completed" in home_status.inner_text(), home_status.inner_text()

    # The other sections, filled in the ordinary way.
    fill_household_sections(page, home=False)
    fill_own_sections(page, "Kay Board", "Nothing to add.")

    # Check answers and sign with the keyboard.
    you.tab_to("main a[href$='/my-application/registration/check']")
    you.follow("Enter")
    assert "12 Acacia Avenue" in page.locator("main").inner_text()
    you.tab_to("main a[href$='/my-application/registration/sign']")
    you.follow("Enter")
    you.tab_to("#full_name")
    you.type("kay  board")  # the same name, whatever the spacing and case
    you.tab_to("input[name=confirm]")
    you.press("Space")
    you.tab_to("main button[type=submit]")
    you.follow("Enter")
    assert path_of(page) == "/my-application/registration/sent", page.locator("main").inner_text()[:400]
    assert page.locator(".govuk-panel__body strong").inner_text().strip().startswith("ROI")

    assert not you.unseen_focus, "focus was not visible on: " + "; ".join(you.unseen_focus)
    assert not session.problems.messages, session.problems.messages
    assert not session.csp_violations()


# ---------------------------------------------------------------------------------------------------
# 3. Joint applicants


def test_joint_applicants_each_sign_their_part(open_session: Callable[..., Session], live_server: LiveServer) -> None:
    server = live_server
    first_secret = "First applicant's health: migraine (H1A)"
    second_secret = "Second applicant's health: a knee operation (H2B)"
    first_caution = "A caution for shoplifting in 2004 (S1C)"
    second_caution = "A speeding conviction in 2011 (S2D)"
    first_address = create_public_account(server, new_public_address("joint.one"), language="cy", name="Rhian Jones")
    second_address = create_public_account(server, new_public_address("joint.two"), language="cy", name="Owen Jones")

    one = open_session()
    page = one.page
    seen_by_one = PagesSeen(page)
    page.goto(one.url("/?lang=cy"))
    sign_in_public(one, first_address)
    page.goto(one.url("/my-application/registration/start"))
    page.check("input[name=joint][value=joint]")
    submit(page)
    fill_household_sections(page, joint=True)
    reference = page.locator(".govuk-caption-l").inner_text().split()[-1]

    # Inviting the partner, by email.
    follow(page, "main a[href$='/my-application/registration/second-applicant']")
    page.fill("#email", second_address)
    submit(page)
    assert path_of(page) == "/my-application/registration/"
    invitation = last_email(server, second_address, "application-joint-invitation")
    found = INVITATION_LINK.search(invitation)
    assert found, invitation
    # Only the link: nothing about the first applicant's answers.
    assert "12 Acacia Avenue" not in invitation and "Rhian" not in invitation

    # The partner follows the link, signs in (landing back on it), joins and answers for themselves.
    two = open_session()
    other = two.page
    seen_by_two = PagesSeen(other)
    other.goto(two.url("/?lang=cy"))
    other.goto(two.url(found.group(1)))
    assert path_of(other) == "/account/sign-in", other.url
    sign_in_public(two, second_address, then=found.group(1))
    submit(other)
    assert path_of(other) == "/my-application/registration/"
    assert other.locator("#household-1-status").count() == 1
    fill_own_sections(other, "Owen Jones", second_secret, caution=second_caution)

    # The first applicant answers, sees only whether the partner has finished, and signs: not sent yet.
    page.goto(one.url("/my-application/registration/"))
    fill_own_sections(page, "Rhian Jones", first_secret, caution=first_caution)
    follow(page, "main a[href$='/my-application/registration/check']")
    assert first_secret in page.locator("main").inner_text() and first_caution in page.locator("main").inner_text()
    assert second_secret not in page.content() and second_caution not in page.content()
    follow(page, "main a[href$='/my-application/registration/sign']")
    page.fill("#full_name", "Rhian Jones")
    page.check("input[name=confirm]")
    submit(page)
    assert path_of(page) == "/my-application/registration/"
    assert application_row(server, reference).status == ApplicationStatus.DRAFT
    assert page.locator("main .govuk-notification-banner").count() == 1  # "you have signed; waiting for your partner"
    assert not emails_to(server, first_address, "application-received")

    # The partner's page does not show the first applicant's answers either; their signature sends it.
    other.goto(two.url("/my-application/registration/"))
    assert other.locator("main .govuk-inset-text").count() == 1  # "your partner has signed"
    follow(other, "main a[href$='/my-application/registration/check']")
    assert second_secret in other.locator("main").inner_text() and second_caution in other.locator("main").inner_text()
    assert first_secret not in other.content() and first_caution not in other.content()
    follow(other, "main a[href$='/my-application/registration/sign']")
    other.fill("#full_name", "Owen Jones")
    other.check("input[name=confirm]")
    submit(other)
    assert path_of(other) == "/my-application/registration/sent", other.url
    assert other.locator(".govuk-panel__body strong").inner_text().strip() == reference
    application = application_row(server, reference)
    assert application.status == ApplicationStatus.SUBMITTED
    for address in (first_address, second_address):
        assert_news_only(last_email(server, address, "application-received"), reference)

    # Each one's own page now shows the registration as sent, and still neither's health answers.
    page.goto(one.url("/my-application/"))
    assert reference in page.locator("main").inner_text()
    for secret in (first_secret, second_secret, first_caution, second_caution):
        assert secret not in page.content()
    # Nor was either shown the other's answers on any page along the way.
    assert not seen_by_one.showing(second_secret, second_caution)
    assert not seen_by_two.showing(first_secret, first_caution)
    # (The check can see: each was shown their own answers.)
    assert seen_by_one.showing(first_secret) and seen_by_two.showing(second_secret)
    for session in (one, two):
        assert not session.problems.messages, session.problems.messages
        assert not session.csp_violations()
