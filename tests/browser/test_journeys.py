"""Whole journeys in a real browser: keyboard only, without JavaScript in Welsh, and right to left in Urdu."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import ARTIFACTS, Session, StaffMember

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

    def tab_to(self, selector: str | None = None, *, where: str | None = None, limit: int = 80) -> None:
        """Press Tab until the focused element matches ``selector`` (CSS) or ``where`` (a JS predicate)."""
        predicate = where or f"(el) => el.matches({selector!r})"
        passed = []
        for _ in range(limit):
            self.tab()
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
