"""Every page state of the applications to adopt, in all five languages, checked in Chromium.

One walk per language (the same machinery as test_axe.py: axe-core with the real CSP in force, JS and
console errors, CSP violations, 5xx responses, a wrong ``lang``, the HTML saved for one Nu HTML checker
run at the end) visits each state of the feature once:

- a fresh public account (signed in through the sign-in pages) with no application; its
  registration of interest started (empty, with errors, joint), the task list new and part done,
  each section sent empty (errors), the household with "add another person", a section filled,
  the second applicant's invitation (empty, with errors), check answers with missing items and
  complete, signing (errors, a name that does not match) and the confirmation; the application
  then moved on through the rules (standing in for staff) so that its own page is seen submitted,
  in Stage One (with its tasks: consent, referees, previous partners, employer, training before
  and after booking, documents empty, with a refused text file and after a good upload,
  messages empty, with errors and with a message from staff, withdrawing), Stage One done (the
  choice of next stage, empty and with errors), on a break, in Stage Two with a visit and the
  report shared (the report, its errors and after a comment), at panel and approved;
- a second account: the joining page for a valid invitation and a not-valid one, an application
  declined with reasons and one withdrawn;
- staff holding every role: the applications queue (default and filtered), a case submitted (and
  its decline form sent empty), in Stage One (a form with errors), awaiting sign-off, in Stage Two
  (the visit form with errors), at panel and approved, a case that does not exist, training dates
  (list, add empty and with errors, one course) and the recruitment report (default, and a period
  that ends before it starts).

On some representative pages (in English and Urdu) the walk also checks reflow at 320 CSS px and
the size of every target, as test_axe.py does. The tests only judge what the walk found.
"""

from __future__ import annotations

import io
import re
import traceback
from collections.abc import Callable, Iterator
from datetime import timedelta
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
    last_email,
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

# The pages (by walk name) where reflow and target size are measured, in MEASURED_LANGUAGES.
APP_REPRESENTATIVE = [
    "task-list-part-done",
    "section-about-you-errors",
    "my-application-stage-one",
    "report",
    "staff-case-stage-one",
    "staff-case-stage-two",
    "staff-adopter-report",
]

# Every page state each language must reach, in the order of the walk (the coverage test compares).
EXPECTED_STATES = [
    "my-application-none",
    "registration-start",
    "registration-start-errors",
    "task-list-new",
    "section-home",
    "section-home-errors",
    "section-household-errors",
    "section-household-add-another",
    "section-children-hoped-for-errors",
    "section-previous-errors",
    "section-about-you-errors",
    "section-health-errors",
    "section-suitability-errors",
    "invite-second-applicant",
    "invite-second-applicant-errors",
    "invite-second-applicant-own-address",
    "task-list-part-done",
    "section-home-filled",
    "check-answers-missing",
    "check-answers-complete",
    "sign",
    "sign-errors",
    "sign-name-mismatch",
    "registration-sent",
    "my-application-submitted",
    "my-application-stage-one",
    "consent",
    "consent-errors",
    "referees",
    "referees-errors",
    "referees-no-relative",
    "previous-partners",
    "previous-partners-errors",
    "employer",
    "employer-errors",
    "training",
    "training-booked",
    "documents",
    "documents-wrong-type",
    "documents-uploaded",
    "messages",
    "messages-errors",
    "messages-from-staff",
    "withdraw",
    "my-application-stage-one-done",
    "next-stage",
    "next-stage-errors",
    "my-application-on-break",
    "next-stage-on-break",
    "my-application-stage-two",
    "report",
    "report-errors",
    "report-commented",
    "my-application-at-panel",
    "my-application-approved",
    "join",
    "join-not-valid",
    "my-application-declined",
    "withdraw-registration-sent",
    "my-application-withdrawn",
    "staff-applications",
    "staff-applications-filtered",
    "staff-case-submitted",
    "staff-case-decline-errors",
    "staff-case-stage-one",
    "staff-case-stage-one-errors",
    "staff-case-awaiting-sign-off",
    "staff-case-stage-two",
    "staff-case-visit-errors",
    "staff-case-at-panel",
    "staff-case-approved",
    "staff-case-not-found",
    "staff-training",
    "staff-training-add",
    "staff-training-add-errors",
    "staff-training-course",
    "staff-adopter-report",
    "staff-adopter-report-errors",
]

NAME = "Sam Taylor"  # the name create_public_account gives; the e-signature must match it
SUBMIT = "main form button[type=submit]:not([name=add_another])"
# A state is only what it claims to be if the page shows it: error states have an error summary
# (and no other state has one), and these states show the element that marks them.
ERROR_STATE = re.compile(r"errors|mismatch|wrong-type|no-relative|own-address")
MARKS = {
    "section-household-add-another": ["#other_2_name"],
    "training-booked": ["main form[action*='/my-application/training/']"],
    "documents-uploaded": ["main a[href*='/my-application/documents/']"],
    "staff-case-submitted": ["#decline-registration"],
    "staff-case-stage-one": ["#recommend-stage-one", "button[name=attended]", "main a[href*='/documents/']"],
    "staff-case-awaiting-sign-off": ["#sign-off-stage-one"],
    "staff-case-stage-two": ["#share-report", "button[name=visit_outcome]"],
    "staff-case-at-panel": ["#record-panel-recommendation"],
}
JOIN_LINK = re.compile(r"https?://[^\s/]+(/my-application/registration/join/\S+)")


def seed(server: LiveServer, build: Callable[[], T]) -> T:
    """Run ``build`` against the live server's database, as the rules would in a request, and commit.

    A request context because the rules build links for the emails they queue. ``build`` returns
    plain values (ids, strings), never ORM objects, which do not outlive the session."""
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


def _application_of(email: str) -> Any:
    from portal.adopting import application_rules as rules

    application = rules.current_application(_user(email))
    assert application is not None, "the account has no application"
    return application


def _workers() -> tuple[Any, Any]:
    """The demo duty worker recommends, the demo team manager signs off (never the same person)."""
    from portal.demo import DEMO_MANAGER, DEMO_STAFF

    return _staff(DEMO_STAFF), _staff(DEMO_MANAGER)


def _authority_slug() -> str:
    from portal.agency.rules import find_authority_by_name

    authority = find_authority_by_name("Warwickshire")
    assert authority is not None
    return str(authority.slug)


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def seed_cases(server: LiveServer) -> dict[str, str]:
    """One application in each state staff look at, for every language's walk to view (viewing and
    forms sent with errors change nothing). Returns state -> public id."""

    states = ("submitted", "stage_one", "awaiting_sign_off", "stage_two", "at_panel", "approved")
    emails = {state: create_public_account(server, new_public_address(f"case.{state}"), "en", f"Case {state}") for state in states}

    def build() -> dict[str, str]:
        from portal.adopting import application_rules as rules
        from portal.adopting import assessment_rules as assessment
        from portal.adopting.application_models import CheckStatus, DocumentKind
        from portal.adopting.demo import _advance, build_submitted
        from portal.core.db import db
        from portal.core.timescales import today_london

        worker, manager = _workers()
        today = today_london()
        found: dict[str, str] = {}
        for state, email in emails.items():
            application = build_submitted(_user(email), _authority_slug())
            advance_to = {"awaiting_sign_off": "stage_one", "at_panel": "stage_two"}.get(state, state)
            _advance(application, advance_to, worker, manager)
            if state == "stage_one":
                # What staff see of the applicant's own work: a booking to mark, a document, a message.
                applicant = application.applicants[0]
                assessment.book_training(application, assessment.open_courses(today)[0])
                assessment.add_document(applicant, DocumentKind.IDENTITY, _png(), "passport.png")
                rules.send_applicant_message(application, applicant, "When is the training?")
            if state == "awaiting_sign_off":
                for check in application.checks:
                    assessment.record_check(check, CheckStatus.SATISFACTORY, "", None)
                assessment.recommend_stage_one(application, worker, True, "All checks are satisfactory.", None)
            if state == "at_panel":
                assessment.share_par(application, "A report for the panel.", None)
                assessment.comment_on_par(application, application.applicants[0], "We agree.", today)
                assessment.book_panel(application, today + timedelta(days=14), today, None)
            db.session.flush()
            found[state] = application.public_id
        return found

    return seed(server, build)


class ApplicationWalker(Walker):
    """Walks the application pages in one language (see the module docstring)."""

    def __init__(
        self, page: Page, server: LiveServer, lang: str, html_dir: Path, walk: LanguageWalk, cases: dict[str, str]
    ) -> None:
        # No single sign-on pages here: the same server stands in for the second one.
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
        super().record(name, status, exit_page)
        if self.lang in MEASURED_LANGUAGES and name in APP_REPRESENTATIVE:
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
        first = create_public_account(self.server, new_public_address(f"applicant.{self.lang}"), self.lang, NAME)
        second = create_public_account(self.server, new_public_address(f"partner.{self.lang}"), self.lang, NAME)
        self.sign_in_public(first)
        self.registration(first)
        self.application(first)
        self.sign_out()
        self.sign_in_public(second)
        self.second_account(second)
        self.sign_out()
        self.sign_in(staff)
        self.staff_pages()

    def registration(self, me: str) -> None:
        page = self.page
        self.goto("/my-application/")
        self.record("my-application-none")
        self.goto("/my-application/registration/start")
        self.record("registration-start")
        self.send()
        self.record("registration-start-errors")
        page.check("input[name=joint][value=joint]")
        self.send()
        self.record("task-list-new")

        for slug in ["home", "household", "children-hoped-for", "previous", "about-you", "health", "suitability"]:
            self.goto(f"/my-application/registration/{slug}")
            if slug == "home":
                self.record("section-home")
            self.send()
            self.record(f"section-{slug}-errors")
            if slug == "household":
                self.click("main form button[name=add_another]")
                self.record("section-household-add-another")

        self.goto("/my-application/registration/second-applicant")
        self.record("invite-second-applicant")
        self.send()
        self.record("invite-second-applicant-errors")
        page.fill("#email", me)
        self.send()
        self.record("invite-second-applicant-own-address")

        # Part done: a single application now, with some sections answered.
        def part_done() -> None:
            from portal.adopting import registration_rules as registration
            from portal.adopting.demo import applicant_answers, household_answers

            application = _application_of(me)
            registration.set_joint(application, False)
            for section, answers in list(household_answers(_authority_slug()).items())[:4]:
                registration.save_household_section(application, section, answers)
            registration.save_applicant_section(application.applicants[0], "about_you", applicant_answers(NAME)["about_you"])

        self.seed(part_done)
        self.goto("/my-application/registration/")
        self.record("task-list-part-done")
        self.goto("/my-application/registration/home")
        self.record("section-home-filled")
        self.goto("/my-application/registration/check")
        self.record("check-answers-missing")

        def all_done() -> None:
            from portal.adopting import registration_rules as registration
            from portal.adopting.demo import applicant_answers, household_answers

            application = _application_of(me)
            for section, answers in household_answers(_authority_slug()).items():
                registration.save_household_section(application, section, answers)
            for section, answers in applicant_answers(NAME).items():
                registration.save_applicant_section(application.applicants[0], section, answers)

        self.seed(all_done)
        self.goto("/my-application/registration/check")
        self.record("check-answers-complete")
        self.goto("/my-application/registration/sign")
        self.record("sign")
        self.send()
        self.record("sign-errors")
        page.fill("#full_name", "Someone Else")
        page.check("#confirm")
        self.send()
        self.record("sign-name-mismatch")
        page.fill("#full_name", NAME)
        page.check("#confirm")
        self.send()
        self.record("registration-sent")
        self.goto("/my-application/")
        self.record("my-application-submitted")

    def application(self, me: str) -> None:
        page = self.page

        def accept() -> None:
            from portal.adopting import application_rules as rules
            from portal.adopting import assessment_rules as assessment

            worker, _manager = _workers()
            application = _application_of(me)
            rules.accept_registration(application, worker, None)
            assessment.set_stage_one_plan(application, "Checks and references in the first month.", None)

        self.seed(accept)
        self.goto("/my-application/")
        self.record("my-application-stage-one")

        self.goto("/my-application/consent")
        self.record("consent")
        self.send()
        self.record("consent-errors")
        page.check("input[name=agree]")
        self.send()

        self.goto("/my-application/referees")
        self.record("referees")
        self.send()
        self.record("referees-errors")
        for number in (1, 2, 3):
            page.fill(f"#referee_{number}_name", f"Referee {number}")
            page.fill(f"#referee_{number}_relationship", "Friend")
            page.fill(f"#referee_{number}_years_known", "10")
            page.check(f"input[name=referee_{number}_relative][value=no]")
            page.fill(f"#referee_{number}_email", f"referee.{number}@people.example")
            page.fill(f"#referee_{number}_address", "1 Referee Road")
        self.send()
        self.record("referees-no-relative")

        self.goto("/my-application/previous-partners")
        self.record("previous-partners")
        self.send()
        self.record("previous-partners-errors")
        self.goto("/my-application/employer")
        self.record("employer")
        self.send()
        self.record("employer-errors")

        self.goto("/my-application/training")
        self.record("training")
        self.click("main form:has(input[name=course]) button[type=submit]")
        self.record("training-booked")

        self.goto("/my-application/documents")
        self.record("documents")
        page.check("input[name=kind]")
        page.set_input_files("input[name=document]", {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"not a picture"})
        self.send()
        self.record("documents-wrong-type")
        page.check("input[name=kind]")
        page.set_input_files("input[name=document]", {"name": "passport.png", "mimeType": "image/png", "buffer": _png()})
        self.send()
        self.record("documents-uploaded")

        self.goto("/my-application/messages")
        self.record("messages")
        self.send()
        self.record("messages-errors")

        def staff_writes() -> None:
            from portal.adopting import application_rules as rules

            worker, _manager = _workers()
            rules.send_staff_message(_application_of(me), worker, "Please book your preparation training.")

        self.seed(staff_writes)
        self.goto("/my-application/messages")
        self.record("messages-from-staff")
        self.goto("/my-application/withdraw")
        self.record("withdraw")

        def stage_one_done() -> None:
            from portal.adopting import assessment_rules as assessment
            from portal.adopting.application_models import CheckStatus

            worker, manager = _workers()
            application = _application_of(me)
            for check in application.checks:
                assessment.record_check(check, CheckStatus.SATISFACTORY, "", None)
            assessment.recommend_stage_one(application, worker, True, "All checks are satisfactory.", None)
            assessment.sign_off_stage_one(application, manager, True, None)

        self.seed(stage_one_done)
        self.goto("/my-application/")
        self.record("my-application-stage-one-done")
        self.goto("/my-application/next-stage")
        self.record("next-stage")
        self.send()
        self.record("next-stage-errors")
        page.check("input[name=choice][value=break]")
        until = self.seed(lambda: _in_a_month())
        for box, value in zip(page.locator("input[name=until]").all(), until, strict=True):
            box.fill(value)
        self.send()
        self.record("my-application-on-break")
        self.goto("/my-application/next-stage")
        self.record("next-stage-on-break")
        self.send()  # go on to Stage Two now

        def stage_two() -> None:
            from portal.adopting import assessment_rules as assessment
            from portal.core.db import utcnow

            application = _application_of(me)
            assessment.book_visit(application, utcnow() + timedelta(days=7), "Home study: your family history", None)
            assessment.share_par(application, "The Prospective Adopter's Report.", None)

        self.seed(stage_two)
        self.goto("/my-application/")
        self.record("my-application-stage-two")
        self.goto("/my-application/report")
        self.record("report")
        self.send()
        self.record("report-errors")
        page.fill("#comments", "We agree with the report.")
        self.send()
        self.record("report-commented")

        def at_panel() -> None:
            from portal.adopting import assessment_rules as assessment
            from portal.core.timescales import today_london

            today = today_london()
            assessment.book_panel(_application_of(me), today + timedelta(days=14), today, None)

        self.seed(at_panel)
        self.goto("/my-application/")
        self.record("my-application-at-panel")

        def approved() -> None:
            from portal.adopting import assessment_rules as assessment

            _worker, manager = _workers()
            application = _application_of(me)
            assessment.record_panel_recommendation(application, True, None)
            assessment.record_decision(application, manager, True, "The panel recommended approval.", None)

        self.seed(approved)
        self.goto("/my-application/")
        self.record("my-application-approved")

    def second_account(self, me: str) -> None:
        page = self.page

        # Someone else's joint registration invites this person (the link comes by email).
        inviter = create_public_account(self.server, new_public_address(f"inviter.{self.lang}"), self.lang, "Alex Inviter")

        def invite() -> None:
            from portal.adopting import registration_rules as registration

            application = registration.start_registration(_user(inviter), joint=True)
            registration.invite_second_applicant(application, me, self.lang)

        self.seed(invite)
        link = JOIN_LINK.search(last_email(self.server, me, "application-joint-invitation"))
        assert link, "no joining link in the invitation email"
        self.goto(link.group(1))
        self.record("join")
        self.goto("/my-application/registration/join/not-a-real-invitation")
        self.record("join-not-valid", status=404)

        def declined() -> None:
            from portal.adopting import application_rules as rules
            from portal.adopting.demo import build_submitted

            application = build_submitted(_user(me), _authority_slug())
            rules.decline_registration(application, "We cannot take new registrations in your area this year.", None)

        self.seed(declined)
        self.goto("/my-application/")
        self.record("my-application-declined")

        def submitted() -> None:
            from portal.adopting.demo import build_submitted

            build_submitted(_user(me), _authority_slug())

        self.seed(submitted)
        self.goto("/my-application/withdraw")
        self.record("withdraw-registration-sent")  # the withdraw page of a registration just sent
        page.fill("#reason", "Our circumstances have changed.")
        self.send()
        self.record("my-application-withdrawn")

    def staff_pages(self) -> None:
        page = self.page
        cases = self.cases
        self.goto("/staff/applications/")
        self.record("staff-applications")
        page.select_option("#filter-status", "stage_one")
        self.click("form.app-filter button")
        self.record("staff-applications-filtered")

        self.goto(f"/staff/applications/{cases['submitted']}")
        self.record("staff-case-submitted")
        self.click("#decline-registration")
        self.record("staff-case-decline-errors", status=400)
        self.goto(f"/staff/applications/{cases['stage_one']}")
        self.record("staff-case-stage-one")
        self.click("#recommend-stage-one")
        self.record("staff-case-stage-one-errors", status=400)
        self.goto(f"/staff/applications/{cases['awaiting_sign_off']}")
        self.record("staff-case-awaiting-sign-off")
        self.goto(f"/staff/applications/{cases['stage_two']}")
        self.record("staff-case-stage-two")
        self.click("#book-visit")
        self.record("staff-case-visit-errors", status=400)
        self.goto(f"/staff/applications/{cases['at_panel']}")
        self.record("staff-case-at-panel")
        self.goto(f"/staff/applications/{cases['approved']}")
        self.record("staff-case-approved")
        self.goto("/staff/applications/no-such-application")
        self.record("staff-case-not-found", status=404)

        self.goto("/staff/training/")
        self.record("staff-training")
        self.goto("/staff/training/new")
        self.record("staff-training-add")
        self.send()
        self.record("staff-training-add-errors", status=400)
        self.goto("/staff/training/")
        self.click("main table a[href*='/staff/training/']")
        self.record("staff-training-course")

        self.goto("/staff/reports/adopters/")
        self.record("staff-adopter-report")
        self.goto("/staff/reports/adopters/?from=2026-06-30&to=2026-01-01")
        self.record("staff-adopter-report-errors", status=400)


def _in_a_month() -> list[str]:
    from portal.core.timescales import today_london

    until = today_london() + timedelta(days=30)
    return [str(until.day), str(until.month), str(until.year)]


@pytest.fixture(scope="module")
def walks(
    browser: Browser, live_server: LiveServer, browser_data: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, LanguageWalk]]:
    require(AXE, "axe-core (run npm ci in frontend/)")
    html_dir = tmp_path_factory.mktemp("application-pages")
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
            staff = create_staff_member(live_server, f"Applications tester {lang}", all_roles())
            ApplicationWalker(page, live_server, lang, html_dir, walk, cases).run_all(staff)
        except Exception:
            walk.crash = f"the walk stopped at {page.url}:\n{traceback.format_exc()}"
        finally:
            context.close()
    yield found




@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_application_page_state_passes_axe(walks: dict[str, LanguageWalk], lang: str) -> None:
    walk = walks[lang]
    report = walk_report(walk)
    assert not report, f"{len(walk.visits)} application page states checked in {lang}:\n" + "\n".join(report)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_visits_every_application_page_state(walks: dict[str, LanguageWalk], lang: str) -> None:
    walk = walks[lang]
    visited = [visit.name for visit in walk.visits]
    missing = [name for name in EXPECTED_STATES if name not in visited]
    assert not missing and len(visited) == len(EXPECTED_STATES), (
        f"{lang}: visited {len(visited)} of {len(EXPECTED_STATES)} page states; not reached: {missing}"
        + (f"\n{walk.crash}" if walk.crash else "")
    )


@pytest.mark.parametrize("lang", MEASURED_LANGUAGES)
@pytest.mark.parametrize("name", APP_REPRESENTATIVE)
def test_application_pages_reflow_at_320_px(walks: dict[str, LanguageWalk], lang: str, name: str) -> None:
    measure = walks[lang].measures.get(name)
    assert measure is not None, f"{name} was not reached in {lang}: {walks[lang].crash}"
    assert measure.scroll_width <= NARROW, (
        f"{lang} {name}: the page is {measure.scroll_width} px wide at a {NARROW} px viewport, "
        "so it scrolls sideways (WCAG 1.4.10 Reflow). Sticking out: " + "; ".join(measure.overflowing)
    )


@pytest.mark.parametrize("lang", MEASURED_LANGUAGES)
@pytest.mark.parametrize("name", APP_REPRESENTATIVE)
def test_application_page_targets_are_big_enough_or_spaced(
    walks: dict[str, LanguageWalk], lang: str, name: str
) -> None:
    measure = walks[lang].measures.get(name)
    assert measure is not None, f"{name} was not reached in {lang}: {walks[lang].crash}"
    failures = [f"at {width}: {failure}" for width, found in measure.targets.items() for failure in found]
    assert not failures, f"{lang} {name}: targets under 24x24 CSS px (WCAG 2.5.8):\n" + "\n".join(failures)


def test_every_saved_application_page_is_valid_html(walks: dict[str, LanguageWalk]) -> None:
    files = [str(visit.html) for walk in walks.values() for visit in walk.visits]
    assert files, "no pages were saved"
    report = nu_html_errors(files)
    assert not report, f"{len(report)} HTML errors in {len(files)} pages:\n" + "\n".join(report)
