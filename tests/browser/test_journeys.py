"""Whole journeys in a real browser: keyboard only, without JavaScript in Welsh, and right to left in
Urdu; a public account made and used with the keyboard only, signing in and out without JavaScript in
Urdu, and the timeout warning before an idle session ends; a request for general advice without an
account or JavaScript in Polish, and a birth-records request with the keyboard only."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import (
    ARTIFACTS,
    AXE,
    PUBLIC_PASSWORD,
    SHORT_IDLE,
    LiveServer,
    Session,
    StaffMember,
    create_public_account,
    email_code,
    email_link,
    new_public_address,
)
from tests.browser.test_axe import AXE_RUN, AXE_TAGS, _unaccepted

pytestmark = pytest.mark.browser

# What has focus, described for a failure message.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "nothing (the page itself)";
  const text = (el.innerText || el.value || "").replace(/\\s+/g, " ").trim().slice(0, 40);
  return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${el.name ? "[name=" + el.name + "]" : ""} "${text}"`;
}"""

# WCAG 2.4.7: the focused element shows GOV.UK's focus colour, in its outline, shadow, background or
# border. Radios and checkboxes draw their focus ring on the label's ::before (the circle or box).
FOCUS_VISIBLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return false;
  const probe = document.createElement("span");
  probe.style.color = getComputedStyle(document.documentElement).getPropertyValue("--govuk-focus-colour") || "#ffdd00";
  document.body.appendChild(probe);
  const yellow = getComputedStyle(probe).color;
  probe.remove();
  const toggle = el.matches("input[type=radio], input[type=checkbox]") && el.labels && el.labels.length;
  const s = toggle ? getComputedStyle(el.labels[0], "::before") : getComputedStyle(el);
  const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0 && s.outlineColor === yellow;
  return outline || s.boxShadow.includes(yellow) || s.backgroundColor === yellow || s.borderTopColor === yellow;
}"""


class KeyboardUser:
    """Someone who uses only the keyboard: Tab (and Shift+Tab), Space, Enter and typing."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.unseen_focus: list[str] = []

    def focused(self) -> str:
        return str(self.page.evaluate(FOCUSED))

    def is_focused(self, predicate: str) -> bool:
        return bool(self.page.evaluate(f"() => {{ const el = document.activeElement; return !!el && ({predicate})(el); }}"))

    def tab(self, key: str = "Tab") -> None:
        self.page.keyboard.press(key)
        if not self.page.evaluate(FOCUS_VISIBLE):
            self.unseen_focus.append(f"{self.page.url}: {self.focused()}")

    def tab_to(
        self, selector: str | None = None, *, where: str | None = None, limit: int = 80, backwards: bool = False
    ) -> None:
        """Press Tab (or Shift+Tab, going ``backwards``) until the focused element matches ``selector``
        (CSS) or ``where`` (a JS predicate)."""
        predicate = where or f"(el) => el.matches({selector!r})"
        passed = []
        for _ in range(limit):
            self.tab("Shift+Tab" if backwards else "Tab")
            if self.is_focused(predicate):
                return
            passed.append(self.focused())
        raise AssertionError(f"Tab never reached {selector or where} on {self.page.url}; focus went through {passed}")

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)

    def follow(self, key: str = "Enter") -> None:
        """Press a key that loads another page, and wait for it."""
        with self.page.expect_navigation():
            self.page.keyboard.press(key)


def heading(page: Page) -> str:
    return " ".join(page.locator("h1").inner_text().split())


def test_keyboard_only_enquiry_then_staff_find_it(open_session: Callable[..., Session], new_staff: Any) -> None:
    session = open_session()
    page = session.page
    you = KeyboardUser(page)
    page.goto(session.url("/?lang=en"))

    you.tab_to("main a.govuk-button--start")
    you.follow("Enter")
    assert page.url.endswith("/adopt/enquiry")
    you.tab_to("main a.govuk-button--start")
    you.follow("Space")  # a link styled as a button works with Space too, as a button does
    assert page.url.endswith("/adopt/enquiry/about-you")

    # Sent empty: the error summary takes focus and its link takes focus to the field.
    you.tab_to("main button[type=submit]")
    you.follow("Enter")
    assert you.is_focused("(el) => el.classList.contains('govuk-error-summary')"), you.focused()
    you.tab_to(".govuk-error-summary a[href='#full_name']")
    you.press("Enter")
    assert you.is_focused("(el) => el.id === 'full_name'"), you.focused()
    you.type("Kay Board")
    you.tab()
    assert you.is_focused("(el) => el.id === 'email'"), you.focused()
    you.type("kay.board@example.com")
    you.tab_to("main button[type=submit]")
    you.follow("Enter")

    assert page.url.endswith("/where-you-live")
    you.tab_to("input[name=authority]")
    you.press("Space")
    council = page.locator("input[name=authority]:checked + label").inner_text().strip()
    you.tab_to("main button[type=submit]")
    you.follow("Enter")

    assert page.url.endswith("/your-enquiry")
    you.tab_to("input[name=adoption_type]")
    you.press("Space")
    you.tab_to("input[name=wants]")
    you.press("Space")
    you.tab_to("input[name=source]")
    you.press("Space")
    you.tab_to("main button[type=submit]")
    you.follow("Enter")

    assert page.url.endswith("/communication")
    you.tab_to("input[name=preferred_language]")
    you.press("Space")
    you.tab_to("input[name=communication_needs][value=interpreter]")
    you.press("Space")
    you.tab()  # the question the interpreter box reveals comes next
    assert you.is_focused("(el) => el.id === 'interpreter_language'"), you.focused()
    you.type("Tigrinya")
    you.tab_to("main button[type=submit]")
    you.follow("Enter")

    assert page.url.endswith("/check-answers")
    answers = page.locator(".govuk-summary-list").inner_text()
    for answer in ["Kay Board", "kay.board@example.com", council, "Tigrinya"]:
        assert answer in answers
    you.tab_to("main button[type=submit]")
    you.follow("Enter")

    assert page.url.endswith("/adopt/enquiry/sent")
    reference = page.locator(".govuk-panel__body strong").inner_text().strip()
    assert reference.startswith("ENQ")

    # Staff sign in with the keyboard and find the enquiry.
    staff: StaffMember = new_staff()
    you.tab_to("footer a[href$='/staff/sign-in']")
    you.follow("Enter")
    you.tab_to("#email")
    you.type(staff.email)
    you.tab_to("#password")
    you.type(staff.password)
    you.tab_to("main button[type=submit]")
    you.follow("Enter")
    you.tab_to("#code")
    you.type(staff.code())
    you.follow("Enter")  # Enter in a text box sends its form
    assert page.url.endswith("/staff/")
    you.tab_to(".govuk-service-navigation a[href$='/staff/enquiries/']")
    you.follow("Enter")
    you.tab_to(where=f"(el) => el.tagName === 'A' && el.textContent.trim() === {reference!r}")
    you.follow("Enter")
    assert reference in heading(page)
    assert "Tigrinya" in page.locator("main").inner_text()

    assert not you.unseen_focus, "focus was not visible on: " + "; ".join(you.unseen_focus)
    assert not session.problems.messages, session.problems.messages
    assert not session.csp_violations()


def test_welsh_enquiry_without_javascript(open_session: Callable[..., Session], new_staff: Any) -> None:
    session = open_session(java_script_enabled=False)
    page = session.page

    def cy(message: str, **values: Any) -> str:
        return session.server.translate("cy", message, **values)

    page.goto(session.url("/?lang=cy"))
    assert page.url == session.url("/")  # the choice is remembered and the address cleaned
    assert page.locator("html").get_attribute("lang") == "cy"
    assert "js-enabled" not in (page.locator("body").get_attribute("class") or "")
    assert heading(page) == cy("Adoption services")
    page.click("main a.govuk-button--start")
    assert heading(page) == cy("Ask about adopting")
    page.click("main a.govuk-button--start")

    # An empty page sent without JavaScript: the server's error summary, in Welsh.
    page.click("main button[type=submit]")
    assert page.title().startswith(f"{cy('Error:')} {cy('About you')}")
    assert cy("Enter your full name") in page.locator(".govuk-error-summary").inner_text()
    page.fill("#full_name", "Rhian ap Gruffudd")
    page.fill("#email", "rhian@example.com")
    page.fill("#phone", "01632 960 001")
    page.click("main button[type=submit]")

    assert heading(page) == cy("Which council area do you live in?")
    page.check("input[name=authority][value=elsewhere]")
    page.click("main button[type=submit]")

    assert heading(page) == cy("Your enquiry")
    page.check("input[name=adoption_type][value=foster_child]")
    page.check("input[name=wants][value=information_event]")
    page.check("input[name=source][value=other]")
    # Without JavaScript every conditional question is on show, and the browser sends them all.
    assert page.locator("#source_other").is_visible()
    page.fill("#source_other", "Eisteddfod")
    page.click("main button[type=submit]")

    assert heading(page) == cy("Language and communication")
    page.check("input[name=preferred_language][value=cy]")
    page.check("input[name=communication_needs][value=large_print]")
    page.click("main button[type=submit]")

    assert heading(page) == cy("Check your answers before sending your enquiry")
    answers = page.locator(".govuk-summary-list").inner_text()
    for answer in ["Rhian ap Gruffudd", "Eisteddfod", "Cymraeg", cy("Large print")]:
        assert answer in answers
    page.click("main button[type=submit]")

    assert page.url.endswith("/adopt/enquiry/sent")
    assert cy("Enquiry sent") in page.locator(".govuk-panel__title").inner_text()
    reference = page.locator(".govuk-panel__body strong").inner_text().strip()
    assert reference.startswith("ENQ")

    staff: StaffMember = new_staff("Staff Cymraeg")
    page.click("footer a[href$='/staff/sign-in']")
    assert heading(page) == cy("Sign in to the back office")
    page.fill("#email", staff.email)
    page.fill("#password", staff.password)
    page.click("main button[type=submit]")
    assert heading(page) == cy("Enter the code from your authenticator app")
    page.fill("#code", staff.code())
    page.click("main button[type=submit]")
    assert heading(page) == cy("Back office")
    page.click(".govuk-service-navigation a[href$='/staff/enquiries/']")
    page.locator("main table a", has_text=reference).click()
    assert heading(page) == cy("Enquiry %(reference)s", reference=reference)
    assert cy("Write to this person in: %(language)s", language="Cymraeg") in page.locator("main").inner_text()
    page.click("footer form button")
    assert heading(page) == cy("You have signed out")
    assert page.locator("html").get_attribute("lang") == "cy"  # the language outlives the sign-out
    assert not session.problems.messages, session.problems.messages


# Where the first radio's circle (the label's ::before, drawn in its radios item), its input (the
# invisible box people press) and its words are on the page.
RADIO_GEOMETRY = """() => {
  const input = document.querySelector("input[name=authority]");
  const label = input.labels[0];
  const item = input.closest(".govuk-radios__item").getBoundingClientRect();
  const words = document.createRange();
  words.selectNodeContents(label);
  const text = words.getBoundingClientRect();
  const circle = getComputedStyle(label, "::before");
  const left = item.left + parseFloat(circle.left);
  const box = input.getBoundingClientRect();
  return {
    circle: {left, right: left + parseFloat(circle.width)},
    input: {left: box.left, right: box.right},
    text: {left: text.left, right: text.right},
  };
}"""


def test_urdu_pages_read_right_to_left(open_session: Callable[..., Session]) -> None:
    session = open_session(viewport={"width": 1024, "height": 768})
    page = session.page
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(session.url("/?lang=ur"))
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.locator("link[href$='/rtl.css']").count() == 1
    page.screenshot(path=str(ARTIFACTS / "ur-start.png"), full_page=True)

    page.goto(session.url("/adopt/enquiry/about-you"))
    page.fill("#full_name", "Ayesha Khan")
    page.fill("#email", "ayesha@example.com")
    page.click("main button[type=submit]")

    geometry = page.evaluate(RADIO_GEOMETRY)
    text, circle, box = geometry["text"], geometry["circle"], geometry["input"]
    assert circle["left"] >= text["right"], f"the radio circle is not to the right of its words: {geometry}"
    assert box["left"] >= text["right"] - 1, f"the radio's input is not to the right of its words: {geometry}"
    page.locator("input[name=authority]").first.check()
    page.click("main button[type=submit]")

    page.check("input[name=adoption_type][value=agency]")
    page.check("input[name=wants][value=information_pack]")
    page.check("input[name=source][value=social_media]")
    page.click("main button[type=submit]")
    page.check("input[name=preferred_language][value=ur]")
    page.click("main button[type=submit]")

    assert page.url.endswith("/check-answers")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    # In a right-to-left summary list the question (key) sits to the right of the answer.
    key = page.locator(".govuk-summary-list__key").first.bounding_box()
    value = page.locator(".govuk-summary-list__value").first.bounding_box()
    assert key and value and key["x"] > value["x"], (key, value)
    page.screenshot(path=str(ARTIFACTS / "ur-check-answers.png"), full_page=True)
    assert (ARTIFACTS / "ur-start.png").stat().st_size > 10_000
    assert (ARTIFACTS / "ur-check-answers.png").stat().st_size > 10_000
    assert not session.problems.messages, session.problems.messages
    assert not session.csp_violations()


# ---------------------------------------------------------------------------------------------------
# Public accounts
# ---------------------------------------------------------------------------------------------------


def test_keyboard_only_account_register_confirm_sign_in_and_choose_welsh(
    open_session: Callable[..., Session],
) -> None:
    session = open_session()
    page = session.page
    server = session.server
    you = KeyboardUser(page)
    address = new_public_address("kay.board")

    def cy(message: str, **values: Any) -> str:
        return server.translate("cy", message, **values)

    page.goto(session.url("/?lang=en"))
    you.tab_to(".govuk-service-navigation a[href$='/account/sign-in']")
    you.follow("Enter")
    you.tab_to("main a[href$='/account/register']")
    you.follow("Enter")
    assert heading(page) == "Create an account"
    you.tab_to("#email")
    you.type(address)
    you.tab_to("#password")
    you.type(PUBLIC_PASSWORD)
    you.tab_to("main button[type=submit]")
    you.follow("Enter")
    assert heading(page) == "Check your email"
    assert address in page.locator("main").inner_text()

    # Following the link in the email; the page asks for a press of its button (mail scanners open links).
    page.goto(session.url(email_link(server, address, "account-confirm-email")))
    assert heading(page) == "Confirm your email address"
    you.tab_to("main button[type=submit]")
    you.follow("Enter")
    assert page.url.endswith("/account/sign-in")
    assert "Your email address is confirmed" in page.locator(".govuk-notification-banner").inner_text()
    you.tab_to("#email")
    you.type(address)
    you.tab_to("#password")
    you.type(PUBLIC_PASSWORD)
    you.follow("Enter")  # Enter in a text box sends its form

    assert heading(page) == "Check your email for a code"
    you.tab_to("#code")
    you.type(email_code(server, address))
    you.follow("Enter")
    assert page.url.endswith("/account/")
    assert heading(page) == "Your account"

    you.tab_to("main a[href$='/account/details']")
    you.follow("Enter")
    assert heading(page) == "Your details"
    you.tab_to("#name")
    you.type("Kay Board")
    # Tab reaches a radio group at its chosen radio; the arrow keys then choose another, as in any
    # operating system's radio buttons (Tab alone cannot change a radio group's answer).
    you.tab_to("input[name=preferred_language]")
    assert you.is_focused("(el) => el.value === 'en' && el.checked"), you.focused()
    for _ in range(5):
        if you.is_focused("(el) => el.value === 'cy'"):
            break
        you.tab("ArrowDown")
    assert you.is_focused("(el) => el.value === 'cy' && el.checked"), you.focused()
    you.tab_to("input[name=contact_methods][value=email]")
    you.press("Space")
    you.tab_to("main button[type=submit]")
    you.follow("Enter")

    # The account page, now in Welsh, and the choice is saved for every page and email.
    assert page.url.endswith("/account/")
    assert page.locator("html").get_attribute("lang") == "cy"
    assert heading(page) == cy("Your account")
    assert cy("Your details have been saved.") in page.locator(".govuk-notification-banner").inner_text()
    details = page.locator("main .govuk-summary-list").inner_text()
    assert "Kay Board" in details and "Cymraeg" in details
    page.goto(session.url("/contact"))
    assert page.locator("html").get_attribute("lang") == "cy"

    assert not you.unseen_focus, "focus was not visible on: " + "; ".join(you.unseen_focus)
    assert not session.problems.messages, session.problems.messages
    assert not session.csp_violations()


def test_urdu_account_sign_in_and_out_without_javascript(open_session: Callable[..., Session]) -> None:
    session = open_session(java_script_enabled=False)
    page = session.page
    server = session.server
    address = create_public_account(server, new_public_address("ayesha"), language="ur", name="Ayesha Khan")

    def ur(message: str, **values: Any) -> str:
        return server.translate("ur", message, **values)

    page.goto(session.url("/?lang=ur"))
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.click(".govuk-service-navigation a[href$='/account/sign-in']")
    assert heading(page) == ur("Sign in to your account")
    page.fill("#email", address)
    page.fill("#password", PUBLIC_PASSWORD)
    page.click("main button[type=submit]")

    assert heading(page) == ur("Check your email for a code")
    page.fill("#code", email_code(server, address))
    page.click("main button[type=submit]")
    assert page.url.endswith("/account/")
    assert heading(page) == ur("Your account")
    assert page.locator("html").get_attribute("lang") == "ur"
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "Ayesha Khan" in page.locator("main .govuk-summary-list").inner_text()

    # Without JavaScript the warning never opens; the page offers the same button instead.
    assert not page.locator("#timeout-warning").is_visible()
    page.click("main .app-session-notice button[type=submit]")
    assert page.url.endswith("/account/")
    assert ur("You are still signed in.") in page.locator(".govuk-notification-banner").inner_text()

    page.click("footer form button[type=submit]")
    assert page.url.endswith("/account/signed-out")
    assert heading(page) == ur("You have signed out")
    assert page.locator("html").get_attribute("lang") == "ur"
    page.goto(session.url("/account/"))
    assert urlsplit(page.url).path == "/account/sign-in"  # signed out for real
    assert not session.problems.messages, session.problems.messages


def _sign_in_account(page: Page, server: LiveServer, address: str) -> None:
    page.goto(server.url + "/account/sign-in")
    page.fill("#email", address)
    page.fill("#password", PUBLIC_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.fill("#code", email_code(server, address))
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert urlsplit(page.url).path == "/account/", page.url


DIALOG_OPEN = "document.getElementById('timeout-warning').open"
FOCUS_IN_DIALOG = "document.getElementById('timeout-warning').contains(document.activeElement)"


def _wait_for_warning(page: Page, shown: bool, seconds: float) -> None:
    # Through a locator: page.wait_for_function would evaluate a string, which the CSP forbids.
    page.locator("#timeout-warning").wait_for(state="visible" if shown else "hidden", timeout=seconds * 1000)


def test_timeout_warning_keeps_what_was_typed_and_extends_the_session(
    open_session: Callable[..., Session], short_timeout_server: LiveServer
) -> None:
    """On a server whose sessions end after SHORT_IDLE (10 s), so the warning opens after 5 s."""
    server = short_timeout_server
    idle = SHORT_IDLE.total_seconds()
    server.server_errors.clear()

    # Someone signed in just before, who does nothing: the control that shows the clock is real.
    idler = open_session()
    _sign_in_account(idler.page, server, create_public_account(server, new_public_address("idler")))
    idler.page.goto(server.url + "/account/details")

    session = open_session()
    session.context.add_init_script(path=str(AXE))
    page = session.page
    _sign_in_account(page, server, create_public_account(server, new_public_address("timely")))
    page.goto(server.url + "/account/details")
    loaded = time.monotonic()
    warning = float(page.locator("#timeout-warning").get_attribute("data-warning-seconds") or 0)
    assert float(page.locator("#timeout-warning").get_attribute("data-idle-seconds") or 0) == idle
    assert 0 < warning < idle
    requests: list[str] = []
    page.on("request", lambda r: requests.append(f"{r.method} {urlsplit(r.url).path}"))

    page.focus("#name")
    page.keyboard.press("Control+A")
    page.keyboard.type("Timely Tester")
    assert not page.evaluate(DIALOG_OPEN)

    _wait_for_warning(page, True, idle)
    opened = time.monotonic()
    assert opened - loaded >= idle - warning - 1, "the warning opened too early"
    assert page.evaluate("document.getElementById('timeout-warning').matches(':modal')")
    assert page.evaluate(FOCUS_IN_DIALOG), page.evaluate(FOCUSED)
    assert page.evaluate("document.activeElement.id") == "timeout-warning-heading"
    violations = _unaccepted(page.evaluate(AXE_RUN, AXE_TAGS))
    assert not violations, f"axe, with the timeout warning open: {violations}"

    # Tab to "Stay signed in" and press it: the session is kept alive without leaving the page.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('form[data-keep-alive]') !== null"), page.evaluate(FOCUSED)
    with page.expect_response(lambda r: urlsplit(r.url).path == "/account/keep-signed-in") as kept:
        page.keyboard.press("Enter")
    assert kept.value.status == 200 and kept.value.json()["signed_in"] is True
    _wait_for_warning(page, False, 5)
    extended = time.monotonic()
    assert urlsplit(page.url).path == "/account/details"
    assert page.input_value("#name") == "Timely Tester"
    assert page.evaluate("document.activeElement.id") == "name", "focus did not go back to the field"

    # The warning comes again one idle period after the keep-alive, not after the page loaded.
    _wait_for_warning(page, True, idle)
    assert time.monotonic() - extended >= idle - warning - 1
    page.wait_for_timeout(max(0.0, loaded + idle + 1.5 - time.monotonic()) * 1000)
    # Past the idle limit counted from the page load: the idler's session has ended, this one has not,
    # and the only request this page made (apart from its assets) was the keep-alive.
    assert [r for r in requests if not r.split(" ", 1)[1].startswith("/assets/")] == ["POST /account/keep-signed-in"]
    idle_answer = idler.context.request.get(server.url + "/account/", max_redirects=0)
    assert idle_answer.status == 302 and "/account/sign-in" in idle_answer.headers["location"]
    kept_answer = session.context.request.get(server.url + "/account/", max_redirects=0)
    assert kept_answer.status == 200, f"the session was not extended: {kept_answer.status}"

    # Escape also means "stay signed in"; then the form, typed before the warning, still sends.
    with page.expect_response(lambda r: urlsplit(r.url).path == "/account/keep-signed-in"):
        page.keyboard.press("Escape")
    _wait_for_warning(page, False, 5)
    assert page.evaluate("document.activeElement.id") == "name"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == "/account/"
    assert "Timely Tester" in page.locator("main .govuk-summary-list").inner_text()

    # The idler's page, left alone, goes to sign in (a little after the limit) and says why. (The
    # probe above ended that session already, so the reason was saved in its cookie by the probe.)
    idler.page.wait_for_url(lambda url: urlsplit(url).path == "/account/sign-in", timeout=(idle + 8) * 1000)
    reason = idler.page.locator(".govuk-notification-banner").inner_text()
    assert "You were signed out because you had not done anything for a while." in reason
    assert not server.server_errors, server.server_errors
    assert not idler.problems.messages, idler.problems.messages
    assert not session.problems.messages, session.problems.messages
    assert not session.csp_violations()


# ---------------------------------------------------------------------------------------------------
# Requests for support
# ---------------------------------------------------------------------------------------------------


def _exit_link(page: Page) -> str | None:
    """Where the page's one "Exit this page" link goes (None without exactly one such link)."""
    links = page.locator(".govuk-exit-this-page a")
    return links.get_attribute("href") if links.count() == 1 else None


def _follow(page: Page, selector: str) -> None:
    """Click a link or button that loads another page, and wait for that page."""
    with page.expect_navigation():
        page.click(selector)


def test_polish_general_advice_request_without_javascript_or_account(open_session: Callable[..., Session]) -> None:
    session = open_session(java_script_enabled=False)
    page = session.page
    server = session.server
    exit_url = server.app.config["EXIT_PAGE_URL"]

    def pl(message: str, **values: Any) -> str:
        return server.translate("pl", message, **values)

    page.goto(session.url("/?lang=pl"))
    page.goto(session.url("/requests"))
    assert page.locator("html").get_attribute("lang") == "pl"
    assert heading(page) == pl("Ask for support or advice")
    assert _exit_link(page) == exit_url
    _follow(page, "main a[href$='/requests/general-advice/about-you']")

    # Sent empty without JavaScript: the server's errors, in Polish; the answers then go through.
    assert heading(page) == pl("About you")
    _follow(page, "main button[type=submit]")
    assert page.title().startswith(pl("Error:"))
    assert pl("Enter your full name") in page.locator(".govuk-error-summary").inner_text()
    page.fill("#full_name", "Agnieszka Nowak")
    page.locator("input[name=relation]").first.check()
    _follow(page, "main button[type=submit]")

    assert heading(page) == pl("Your request")
    assert _exit_link(page) == exit_url
    page.check("input[name=authority][value=elsewhere]")
    page.fill("#question", "Jak mogę uzyskać wsparcie dla rodzeństwa?")
    _follow(page, "main button[type=submit]")

    assert heading(page) == pl("How to contact you safely")
    assert _exit_link(page) == exit_url
    page.fill("#email", "agnieszka@example.com")
    page.check("input[name=contact_methods][value=email]")
    page.check("input[name=safe_contact][value=email_only]")
    page.check("input[name=preferred_language][value=pl]")
    # Without JavaScript the conditional question is on show, and is sent only if its box is ticked.
    assert page.locator("#interpreter_language").is_visible()
    _follow(page, "main button[type=submit]")

    assert heading(page) == pl("Check your answers before sending your request")
    answers = page.locator(".govuk-summary-list").inner_text()
    for answer in [
        "Agnieszka Nowak",
        "agnieszka@example.com",
        "Jak mogę uzyskać wsparcie dla rodzeństwa?",
        pl("Contact me by email only"),
    ]:
        assert answer in answers, f"{answer!r} is not in the answers:\n{answers}"
    _follow(page, "main button[type=submit]")

    assert page.url.endswith("/requests/general-advice/sent")
    assert heading(page) == pl("Request sent")
    assert _exit_link(page) == exit_url
    reference = page.locator(".govuk-panel__body strong").inner_text().strip()
    assert reference.startswith("REQ"), reference
    assert pl("Your claim code") in page.locator("main").inner_text()
    code = page.locator("main .govuk-panel + h2 + p").inner_text().strip()
    assert len(code) >= 8 and code != reference, code
    # Shown once: a reload (or someone later using this browser's Back button) no longer shows it.
    page.reload()
    assert code not in page.locator("main").inner_text()
    assert reference in page.locator("main").inner_text()
    assert not session.problems.messages, session.problems.messages


def test_keyboard_only_birth_records_request(open_session: Callable[..., Session]) -> None:
    session = open_session()
    page = session.page
    you = KeyboardUser(page)

    page.goto(session.url("/?lang=en"))
    page.goto(session.url("/requests"))
    you.tab_to("main a[href$='/requests/birth-records/about-you']")
    you.follow("Enter")
    assert heading(page) == "About you"

    # Sent empty: the error summary takes focus; its link for the date goes to the day box.
    you.tab_to("main button[type=submit]")
    you.follow("Enter")
    assert you.is_focused("(el) => el.classList.contains('govuk-error-summary')"), you.focused()
    you.tab_to(".govuk-error-summary a[href^='#date_of_birth']")
    you.press("Enter")
    # (Judged at the end, so that the rest of the journey is still tried when this fails.)
    date_link_focus = None if you.is_focused("(el) => el.name === 'date_of_birth'") else you.focused()
    # The name comes before the date: go back to it, as a keyboard user would.
    you.tab_to("#full_name", backwards=True)
    you.type("Kay Records")
    # Birth records are for adopted adults only: that answer is chosen already.
    assert page.locator("input[name=relation]:checked").count() == 1
    you.tab_to("input[name=date_of_birth]")
    for number, part in enumerate(["27", "3", "1990"]):
        if number:
            you.tab()
        assert you.is_focused("(el) => el.name === 'date_of_birth'"), you.focused()
        you.type(part)
    you.tab_to("main button[type=submit]")
    you.follow("Enter")

    assert heading(page) == "Your request"
    you.tab_to("input[name=authority]")
    you.press("Space")
    council = page.locator("input[name=authority]:checked + label").inner_text().strip()
    you.tab_to("#known")
    you.type("I was adopted in 1991.")
    you.tab_to("main button[type=submit]")
    you.follow("Enter")

    assert heading(page) == "How to contact you safely"
    you.tab_to("#email")
    you.type("kay.records@example.com")
    you.tab_to("input[name=contact_methods][value=email]")
    you.press("Space")
    you.tab_to("input[name=safe_contact][value=no_letters]")
    you.press("Space")
    you.tab_to("input[name=preferred_language]")  # no language chosen yet: Tab reaches the first
    you.press("Space")
    you.tab_to("main button[type=submit]")
    you.follow("Enter")

    assert urlsplit(page.url).path == "/requests/birth-records/check-answers"
    answers = page.locator(".govuk-summary-list").inner_text()
    for answer in ["Kay Records", "27 March 1990", council, "kay.records@example.com", "I was adopted in 1991."]:
        assert answer in answers, f"{answer!r} is not in the answers:\n{answers}"
    you.tab_to("main button[type=submit]")
    you.follow("Enter")

    assert urlsplit(page.url).path == "/requests/birth-records/sent"
    assert page.locator(".govuk-panel__body strong").inner_text().strip().startswith("REQ")
    assert "Your claim code" in page.locator("main").inner_text()
    assert date_link_focus is None, (
        "the error summary's link for the date of birth does not take focus to the day box "
        f"(focus went to {date_link_focus})"
    )
    assert not you.unseen_focus, "focus was not visible on: " + "; ".join(you.unseen_focus)
    assert not session.problems.messages, session.problems.messages
    assert not session.csp_violations()


def test_exit_this_page_leaves_at_once_with_and_without_javascript(open_session: Callable[..., Session]) -> None:
    """The exit link goes to the harmless page (served here by the browser itself, since this
    machine reaches no other site); with JavaScript, pressing Shift three times does the same."""
    for javascript in (False, True):
        session = open_session(java_script_enabled=javascript)
        page = session.page
        exit_url = session.server.app.config["EXIT_PAGE_URL"]
        page.context.route(
            exit_url,
            lambda route: route.fulfill(
                content_type="text/html", body="<!DOCTYPE html><html lang=en><title>Weather</title><h1>Weather</h1></html>"
            ),
        )
        page.goto(session.url("/requests/general-advice/about-you"))
        if javascript:
            page.locator("#full_name").fill("Someone")
            with page.expect_navigation():
                for _ in range(3):
                    page.keyboard.press("Shift")
        else:
            _follow(page, ".govuk-exit-this-page a")
        assert page.url.rstrip("/") == exit_url.rstrip("/")
        assert page.title() == "Weather"
