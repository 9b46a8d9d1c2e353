"""Every page of the portal, in every state and all five languages, checked in Chromium.

One walk per language visits each page state once (about 105: the public pages, the enquiry journey
empty, with errors and filled; the requests start page, a birth-records request without an account
(each question empty and with errors, check answers, sent) and an intermediary request's details,
each checked for its "Exit this page" link; the 404, 405, 403 and expired-form pages; a public account registered
(empty, with errors, a common password), confirmed by its emailed link, signed in to with an emailed
code (and a wrong one), its account page, details, change of email address and authenticator set-up
(empty and with errors), the timeout warning, a request made without an account claimed (empty, a wrong code) and followed
with a message, "your requests", signing out, a forgotten password with its emailed
reset link and a tampered link; staff sign-in with its authenticator set-up, making an account for
someone (whose emailed invitation is then accepted), the request queue and a request (new with its
triage forms, signposted without a reason, and one with a worker), the enquiry queue and an enquiry, step-parent
places, staff accounts and invitations, the outbox, signing out; and, on a second server with single
sign-on configured, the staff sign-in page with its button and the page for a refused sign-on)
and on each:

- runs axe-core (WCAG 2.0/2.1/2.2 A and AA rules plus best practice) with the portal's real
  Content-Security-Policy in force: axe is added as a Playwright init script, which the CSP does not
  govern, so nothing has to be bypassed and any CSP violation the page causes is caught too;
- notes JavaScript errors, console errors, CSP violations, 5xx responses and a wrong ``lang``;
- saves the page's HTML (``page.content()``, after the page's own scripts ran), which the Nu HTML
  checker then reads in a single run at the end of the module.

On some representative pages (in English and Urdu) the walk also resizes the same page to 320 CSS
px to check reflow (WCAG 1.4.10) and measures every target (WCAG 2.5.8).

The walks happen once, in a module-scoped fixture; the tests below only judge what it found, so a
failure in one language or check never hides the others.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Response

from portal.demo import DEMO_NEW_STAFF, DEMO_PASSWORD
from tests.browser.conftest import (
    AXE,
    COMMON_PASSWORD,
    CSP_WATCH,
    LANGUAGES,
    PUBLIC_PASSWORD,
    VNU,
    LiveServer,
    PageProblems,
    StaffMember,
    all_roles,
    create_staff_member,
    email_code,
    email_link,
    new_public_address,
    require,
)

pytestmark = pytest.mark.browser

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({
      target: n.target.map((t) => Array.isArray(t) ? t.join(" >>> ") : t).join(" "),
      html: n.html, summary: n.failureSummary,
    })),
  }));
}"""

# One finding is accepted, narrowly: GOV.UK Frontend's own script puts aria-expanded on a radio that
# reveals a conditional question. ARIA 1.2 does not list aria-expanded for radios, so axe reports
# aria-allowed-attr (and the Nu checker asks for a role), but GOV.UK keeps it on purpose because
# screen readers announce it (alphagov/govuk-frontend#979, #2823). Only that exact element and
# message are let through; anything else under the same rule or message still fails.
CONDITIONAL_RADIO = re.compile(
    r'^<input class="govuk-radios__input" [^>]*type="radio"[^>]* '
    r'aria-controls="conditional-[\w-]+" aria-expanded="(?:true|false)"\s*/?>$'
)
AXE_RADIO_SUMMARY = re.compile(r'Fix all of the following:\s+ARIA attribute is not allowed: aria-expanded="(?:true|false)"')
VNU_RADIO_MESSAGE = "Element “input” is missing required attribute “role”."


def _accepted(rule: str, node: dict[str, str]) -> bool:
    return (
        rule == "aria-allowed-attr"
        and CONDITIONAL_RADIO.match(node["html"]) is not None
        and AXE_RADIO_SUMMARY.fullmatch(node["summary"].strip()) is not None
    )


def _accepted_by_vnu(message: dict[str, Any], html: Path | None) -> bool:
    """True for the Nu checker's view of the same conditional radio (the start tag the message ends at)."""
    if html is None or message.get("message") != VNU_RADIO_MESSAGE or "lastLine" not in message:
        return False
    line = html.read_text(encoding="utf-8").splitlines()[message["lastLine"] - 1]
    end = message.get("lastColumn", len(line))
    start = line.rfind("<input", 0, end)
    return start >= 0 and CONDITIONAL_RADIO.match(line[start:end]) is not None


def _unaccepted(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    kept = []
    for violation in violations:
        nodes = [n for n in violation["nodes"] if not _accepted(violation["id"], n)]
        if nodes:
            kept.append({**violation, "nodes": nodes})
    return kept


# WCAG 2.5.8 Target Size (Minimum). A target passes when its box is at least 24 by 24 CSS px, or
# when it is a link inside a sentence (the inline exception), or under the spacing exception: a
# 24 px circle centred on it meets no other target, nor the circle of another small target.
# Radios and checkboxes are measured by their label, which is what people press.
TARGETS = """() => {
  const MIN = 24;
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width < 2 || r.height < 2) return false;  // hidden, or visually hidden (1 px, clipped)
    const s = getComputedStyle(el);
    return s.visibility !== "hidden" && s.display !== "none";
  };
  const isBlock = (el) => !getComputedStyle(el).display.startsWith("inline");
  const words = (text) => text.replace(/\\s+/g, " ").trim();
  const inSentence = (el) => {
    if (el.tagName !== "A" || getComputedStyle(el).display !== "inline") return false;
    let block = el.parentElement;
    while (block && !isBlock(block)) block = block.parentElement;
    if (!block) return false;
    // Text of the block that is not in any link: a sentence around the link, not a list of links.
    const clone = block.cloneNode(true);
    clone.querySelectorAll("a, .govuk-visually-hidden").forEach((a) => a.remove());
    return words(clone.textContent).length >= 10;
  };
  const describe = (el) => {
    const id = el.id ? `#${el.id}` : "";
    const cls = el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "";
    return `${el.tagName.toLowerCase()}${id}${cls} "${words(el.textContent || el.value || "").slice(0, 40)}"`;
  };
  // Behind a modal dialog everything is inert: only the dialog's own targets can be pressed.
  const modal = document.querySelector("dialog:modal");
  const found = [];
  for (const el of document.querySelectorAll(
      "a[href], button, input[type=radio], input[type=checkbox], input[type=submit], select, summary")) {
    const box = el.matches("input[type=radio], input[type=checkbox]") && el.labels && el.labels[0] ? el.labels[0] : el;
    if (!visible(box) || (modal && !modal.contains(el))) continue;
    const r = box.getBoundingClientRect();
    found.push({el, box, r, cx: r.left + r.width / 2, cy: r.top + r.height / 2,
                small: r.width < MIN - 0.5 || r.height < MIN - 0.5});
  }
  const circleMeetsRect = (t, u) => {
    const dx = Math.max(u.r.left - t.cx, 0, t.cx - u.r.right);
    const dy = Math.max(u.r.top - t.cy, 0, t.cy - u.r.bottom);
    return dx * dx + dy * dy < (MIN / 2) * (MIN / 2) - 0.01;
  };
  const failures = [];
  for (const t of found) {
    if (!t.small || inSentence(t.el)) continue;
    const crowding = found.filter((u) => u !== t && !u.box.contains(t.box) && !t.box.contains(u.box) && (
      circleMeetsRect(t, u) || (u.small && Math.hypot(u.cx - t.cx, u.cy - t.cy) < MIN - 0.01)));
    if (crowding.length) {
      failures.push(`${describe(t.el)} is ${t.r.width.toFixed(1)}x${t.r.height.toFixed(1)} px and too close to `
        + crowding.slice(0, 3).map((u) => describe(u.el)).join(", "));
    }
  }
  return failures;
}"""

# The outermost elements that stick out of the viewport sideways, for a reflow failure's message.
OVERFLOWING = """(width) => {
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.width && (r.right > width + 0.5 || r.left < -0.5) && !out.some((o) => o.contains(el))) out.push(el);
  }
  return out.slice(0, 5).map((el) => {
    const r = el.getBoundingClientRect();
    const cls = typeof el.className === "string" && el.className.trim() ? "." + el.className.trim().split(/\\s+/).join(".") : "";
    return `${el.tagName.toLowerCase()}${cls} spans ${Math.round(r.left)} to ${Math.round(r.right)} px`;
  });
}"""

OPEN_WARNING = """() => {
  const dialog = document.getElementById("timeout-warning");
  dialog.showModal();
  dialog.querySelector("h2").focus();
}"""

# The pages (by walk name) where reflow and target size are measured, in these languages.
REPRESENTATIVE = [
    "start",
    "about-you-errors",
    "check-answers",
    "register-errors",
    "account-home",
    "timeout-warning",
    "staff-enquiries",
    "invite-person",
    "records-about-you-errors",
    "staff-request-new",
]
MEASURED_LANGUAGES = ["en", "ur"]
NARROW = 320
DESKTOP = {"width": 1280, "height": 900}


@dataclass
class Visit:
    lang: str
    name: str
    url: str
    status: int
    html: Path
    violations: list[dict[str, Any]]
    problems: list[str]


@dataclass(repr=False)
class Measure:
    scroll_width: int
    overflowing: list[str]
    targets: dict[str, list[str]]  # viewport label -> target size failures


@dataclass(repr=False)
class LanguageWalk:
    lang: str
    visits: list[Visit] = field(default_factory=list)
    measures: dict[str, Measure] = field(default_factory=dict)
    crash: str | None = None

    def __repr__(self) -> str:  # keeps pytest's failure output to the report itself
        return f"<{self.lang}: {len(self.visits)} page states{', crashed' if self.crash else ''}>"


class Walker:
    """Visits each page state once in one language, recording what each check found."""

    def __init__(
        self, page: Page, server: LiveServer, sso: LiveServer, lang: str, html_dir: Path, walk: LanguageWalk
    ) -> None:
        self.page = page
        self.server = server
        self.sso = sso  # the same portal with staff single sign-on configured (see conftest.sso_server)
        self.lang = lang
        self.html_dir = html_dir
        self.walk = walk
        self.problems = PageProblems()
        self.problems.watch(page)
        self.status = 0
        page.on("response", self._response)

    def _response(self, response: Response) -> None:
        if response.request.is_navigation_request() and response.frame == self.page.main_frame:
            self.status = response.status

    # --- moving around -----------------------------------------------------------------------------

    def goto(self, path: str) -> None:
        self.page.goto(self.server.url + path)

    def click(self, selector: str) -> None:
        """Click something that loads a new page, and wait for that page."""
        with self.page.expect_navigation():
            self.page.locator(selector).first.click()

    def submit(self) -> None:
        self.click("main form button[type=submit]")

    # --- checking ----------------------------------------------------------------------------------

    def record(self, name: str, status: int = 200, exit_page: bool = False) -> None:
        """``exit_page``: a public request page, which must carry "Exit this page" to the safe site."""
        page = self.page
        problems: list[str] = []
        if self.status != status:
            problems.append(f"status {self.status}, expected {status}")
        if exit_page:
            expected = self.server.app.config["EXIT_PAGE_URL"]
            hrefs = page.locator(".govuk-exit-this-page a").evaluate_all("(links) => links.map((a) => a.href)")
            if hrefs != [expected]:
                problems.append(f"'Exit this page' links {hrefs}, expected one to {expected}")
        lang = page.evaluate("document.documentElement.lang")
        if lang != self.lang:
            problems.append(f'<html lang="{lang}">, expected "{self.lang}"')
        index = len(self.walk.visits) + 1
        html = self.html_dir / f"{self.lang}-{index:02d}-{name}.html"
        html.write_text(page.content(), encoding="utf-8")
        violations = _unaccepted(page.evaluate(AXE_RUN, AXE_TAGS))
        problems += [f"CSP: {v}" for v in page.evaluate("window.__cspViolations || []")]
        problems += self.problems.messages
        self.problems.messages.clear()
        for server in (self.server, self.sso):
            problems += [f"server: {e}" for e in server.server_errors]
            server.server_errors.clear()
        self.walk.visits.append(Visit(self.lang, name, page.url, self.status, html, violations, problems))
        if self.lang in MEASURED_LANGUAGES and name in REPRESENTATIVE:
            self.measure(name)

    def measure(self, name: str) -> None:
        page = self.page
        page.set_viewport_size({"width": NARROW, "height": 800})
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        overflowing = page.evaluate(OVERFLOWING, NARROW) if scroll_width > NARROW else []
        narrow = page.evaluate(TARGETS)
        page.set_viewport_size(DESKTOP)
        wide = page.evaluate(TARGETS)
        self.walk.measures[name] = Measure(scroll_width, overflowing, {f"{NARROW} px": narrow, f"{DESKTOP['width']} px": wide})

    # --- the walk ----------------------------------------------------------------------------------

    def run(self, staff: StaffMember, duty_worker: StaffMember) -> None:
        """``staff`` holds every role, so sees every back-office page; ``duty_worker`` does not."""
        lang = self.lang
        page = self.page
        self.goto(f"/?lang={lang}")
        self.record("start")
        for path, name in [
            ("/contact", "contact"),
            ("/accessibility", "accessibility"),
            ("/privacy", "privacy"),
            ("/cookies", "cookies"),
            ("/adopt/enquiry", "enquiry-start"),
        ]:
            self.goto(path)
            self.record(name)
        self.goto("/no-such-page")
        self.record("not-found", status=404)

        # The enquiry journey: each question empty, then sent empty (errors), then answered.
        self.goto("/adopt/enquiry")
        self.click("main a.govuk-button--start")
        self.record("about-you")
        self.submit()
        self.record("about-you-errors")
        page.fill("#full_name", "Browser Tester")
        page.fill("#email", "browser.tester@example.com")
        # An expired or tampered form token: the answers come back in a form to send again.
        page.evaluate("document.querySelector('main input[name=csrf_token]').value = 'expired'")
        self.submit()
        self.record("expired-form", status=400)
        self.submit()

        self.record("where-you-live")
        self.submit()
        self.record("where-you-live-errors")
        authority = page.locator("input[name=authority]").first.get_attribute("value")
        page.locator("input[name=authority]").first.check()
        self.submit()

        self.record("your-enquiry")
        self.submit()
        self.record("your-enquiry-errors")
        page.check("input[name=adoption_type][value=step_parent]")
        page.check("input[name=wants][value=information_pack]")
        page.check("input[name=wants][value=call]")
        page.check("input[name=source][value=other]")
        self.submit()
        self.record("your-enquiry-conditional-error")
        page.fill("#source_other", "A poster in the library")
        self.submit()

        self.record("communication")
        self.submit()
        self.record("communication-errors")
        page.check("input[name=preferred_language][value=other]")
        page.check("input[name=communication_needs][value=interpreter]")
        page.check("input[name=communication_needs][value=other]")
        self.submit()
        self.record("communication-conditional-errors")
        page.check(f"input[name=preferred_language][value={lang}]")
        page.fill("#interpreter_language", "Polish")
        page.fill("#communication_other", "Please phone after 6pm")
        self.submit()

        self.record("check-answers")
        for slug in ["about-you", "where-you-live", "your-enquiry", "communication"]:
            self.goto(f"/adopt/enquiry/{slug}")
            self.record(f"{slug}-filled")
        self.goto("/adopt/enquiry/check-answers")
        self.submit()
        self.record("sent")
        reference = page.locator(".govuk-panel__body strong").inner_text().strip()

        request_reference, claim_code = self.request_without_account()
        self.public_account(request_reference, claim_code)

        # Staff sign-in: password, then setting up an authenticator (a new starter), then a code.
        self.goto("/staff/sign-in")
        self.record("staff-sign-in")
        self.submit()
        self.record("staff-sign-in-errors")
        page.fill("#email", DEMO_NEW_STAFF)
        page.fill("#password", DEMO_PASSWORD)
        self.submit()
        self.record("set-up-authenticator")
        self.submit()
        self.record("set-up-authenticator-errors")
        self.sign_in(staff, record=True)
        self.record("staff-home")

        # Making an account for someone: empty, with errors, sent (its invitation is accepted below).
        self.click(".govuk-service-navigation a[href$='/staff/people/invite']")
        self.record("invite-person")
        self.submit()
        self.record("invite-person-errors")
        invited = new_public_address(f"invited.person.{lang}")
        page.fill("#name", f"Invited person {lang}")
        page.fill("#email", invited)
        page.check(f"input[name=language][value={lang}]")
        self.submit()
        self.record("invite-person-sent")

        # Enquiries and step-parent places.
        self.click(".govuk-service-navigation a[href$='/staff/enquiries/']")
        self.record("staff-enquiries")
        page.select_option("#filter-authority", authority)
        page.select_option("#filter-status", "all")
        self.click("form.app-filter button")
        self.record("staff-enquiries-filtered")
        self.click(f"main table a:text-is('{reference}')")
        self.record("enquiry")
        self.click("#record-response")
        self.record("enquiry-response-errors", status=400)
        self.goto("/staff/enquiries/")
        self.click("main a[href*='/step-parent-places']")
        self.record("step-parent-places")
        page.fill("#places", "")
        self.submit()
        self.record("step-parent-places-errors")

        # Staff accounts: the list, an invitation (empty, with errors, sent) and one person's page.
        self.click(".govuk-service-navigation a[href$='/staff/admin/staff/']")
        self.record("staff-accounts")
        self.click("main a[href$='/staff/admin/staff/invite']")
        self.record("invite-staff")
        self.submit()
        self.record("invite-staff-errors")
        page.fill("#name", f"Invited {lang}")
        page.fill("#email", f"invited.{lang}@ace.example")
        page.check("input[name=roles][value=duty_worker]")
        page.check("input[name=team][value=hub]")
        self.submit()
        self.record("staff-accounts-invited")
        self.click(f"main table a:text-is('Invited {lang}')")
        self.record("edit-staff")
        for box in page.locator("input[name=roles]:checked").all():
            box.uncheck()
        self.click("main form button[type=submit]")
        self.record("edit-staff-errors")

        # The outbox: this enquiry's email in this language, then the invitation (in English).
        self.click(".govuk-service-navigation a[href$='/staff/outbox']")
        self.record("outbox")
        self.click(f"main table a[lang='{lang}']")
        self.record("outbox-message")
        self.goto("/staff/outbox")
        self.click("main table a")
        invitation = re.search(r"https?://\S+/staff/invitations/\S+", page.locator("pre").inner_text())
        assert invitation, "the newest email is not the invitation just sent"

        # Requests: the queue, the request sent above (new, with its triage forms, then signposted
        # without a reason) and one that has a worker.
        self.goto("/staff/requests/")
        self.record("staff-requests")
        self.click(f"main table a:text-is('{request_reference}')")
        self.record("staff-request-new")
        self.click("#signpost-request")
        self.record("staff-request-signpost-errors", status=400)
        self.goto("/staff/requests/?status=allocated")
        self.click("main table a")
        self.record("staff-request-allocated")

        self.goto("/staff/enquiries/no-such-enquiry")
        self.record("staff-not-found", status=404)
        self.goto("/staff/sign-out")
        self.record("staff-method-not-allowed", status=405)
        self.click("footer form button")
        self.record("signed-out")

        # The invited person sets a password; a broken invitation link.
        page.goto(invitation.group(0))
        self.record("accept-invitation")
        self.submit()
        self.record("accept-invitation-errors")
        self.goto("/staff/invitations/not-a-real-invitation")
        self.record("invitation-expired", status=404)

        # The person staff made an account for follows the emailed invitation.
        self.goto(email_link(self.server, invited, "account-invitation"))
        self.record("account-invitation")
        self.submit()
        self.record("account-invitation-errors")

        # Single sign-on, on the server where it is configured: the button, and the provider's refusal.
        page.goto(self.sso.url + "/staff/sign-in")
        if page.locator("main a[href*='/staff/sso/sign-in']").count() != 1:
            self.problems.messages.append(f"{page.url}: no 'Sign in with your organisation's account' button")
        self.record("staff-sign-in-sso")
        page.goto(self.sso.url + "/staff/sso/callback?error=access_denied")
        self.record("sso-failed", status=400)

        # Staff without the administrator role asking for an administrator's page.
        self.sign_in(duty_worker)
        self.goto("/staff/admin/staff/")
        self.record("staff-forbidden", status=403)

    def request_without_account(self) -> tuple[str, str]:
        """The requests start page; a birth-records request without an account, each question page
        empty and with errors, its answers checked and sent; an intermediary request's details page
        (with its explanation of what an intermediary can do). Returns the reference and claim code."""
        page = self.page
        lang = self.lang
        self.goto("/requests")
        self.record("requests-start", exit_page=True)
        self.click("main a[href$='/requests/birth-records/about-you']")
        self.record("records-about-you", exit_page=True)
        self.submit()
        self.record("records-about-you-errors", exit_page=True)
        page.fill("#full_name", "Records Tester")
        for box, value in zip(page.locator("input[name=date_of_birth]").all(), ["27", "3", "1990"], strict=True):
            box.fill(value)
        self.submit()

        self.record("records-details", exit_page=True)
        self.submit()
        self.record("records-details-errors", exit_page=True)
        page.locator("input[name=authority]").first.check()
        page.fill("#known", "I was adopted in 1991.")
        self.submit()

        self.record("records-contact", exit_page=True)
        self.submit()
        self.record("records-contact-errors", exit_page=True)
        page.fill("#email", f"records.{lang}@people.example")
        page.check("input[name=contact_methods][value=email]")
        page.check("input[name=safe_contact][value=do_not_phone]")
        page.check(f"input[name=preferred_language][value={lang}]")
        self.submit()

        self.record("records-check-answers", exit_page=True)
        self.submit()
        self.record("records-sent", exit_page=True)
        reference = page.locator(".govuk-panel__body strong").inner_text().strip()
        code = page.locator("main .govuk-panel + h2 + p").inner_text().strip()

        self.goto("/requests/intermediary/details")
        self.record("intermediary-details", exit_page=True)
        return reference, code

    def public_account(self, request_reference: str, claim_code: str) -> None:
        """Every public account page: register, confirm, sign in, the account, then a reset. Signed in,
        the request made without an account is claimed (after a wrong code), then followed."""
        page = self.page
        lang = self.lang
        you = new_public_address(f"walker.{lang}")

        self.click(".govuk-service-navigation a[href$='/account/sign-in']")
        self.click("main a[href$='/account/register']")
        self.record("register")
        self.submit()
        self.record("register-errors")
        page.fill("#email", you)
        page.fill("#password", COMMON_PASSWORD)
        self.submit()
        self.record("register-common-password")
        page.fill("#password", PUBLIC_PASSWORD)
        self.submit()
        self.record("check-email")

        # The link in the email (sent in this language: the account took the page's language).
        self.goto(email_link(self.server, you, "account-confirm-email"))
        self.record("confirm-email")
        self.submit()
        self.record("sign-in")  # empty, under the "email address confirmed" banner
        page.fill("#email", you)
        page.fill("#password", "not the password at all")
        self.submit()
        self.record("sign-in-errors")
        page.fill("#email", you)
        page.fill("#password", PUBLIC_PASSWORD)
        self.submit()
        self.record("sign-in-code")
        code = email_code(self.server, you)
        page.fill("#code", f"{(int(code) + 1) % 10**6:06d}")
        self.submit()
        self.record("sign-in-code-errors")
        page.fill("#code", code)
        self.submit()
        self.record("account-home")
        # The timeout warning, opened as static/timeout-warning.js opens it (its timing is tested in
        # test_journeys.py, on a server with a short idle limit): modal, with the heading focused.
        page.evaluate(OPEN_WARNING)
        self.record("timeout-warning")
        page.evaluate("() => document.getElementById('timeout-warning').close()")

        self.click("main a[href$='/account/details']")
        self.record("details")
        page.fill("#name", "")
        page.check("input[name=communication_needs][value=interpreter]")  # and no language given
        self.submit()
        self.record("details-errors")
        self.goto("/account/change-email")
        self.record("change-email")
        self.submit()
        self.record("change-email-errors")
        self.goto("/account/authenticator")
        self.record("authenticator")
        self.submit()
        self.record("authenticator-errors")

        # Claiming the request sent without an account, then following it with a message sent.
        self.goto("/requests/claim")
        self.record("claim-request", exit_page=True)
        page.fill("#reference", request_reference)
        page.fill("#code", "WRNG-0000" if claim_code != "WRNG-0000" else "WRNG-0001")
        self.submit()
        self.record("claim-request-errors", exit_page=True)
        page.fill("#reference", request_reference)
        page.fill("#code", claim_code)
        self.submit()
        page.fill("#body", "Please write to me by email only.")
        self.submit()
        self.record("request-tracking", exit_page=True)
        self.goto("/requests/mine")
        self.record("my-requests", exit_page=True)
        self.click("footer form button")
        self.record("account-signed-out")

        # A forgotten password: the request, the emailed link, and a link that has been tampered with.
        self.click("main a[href$='/account/sign-in']")
        self.click("main a[href$='/account/forgotten-password']")
        self.record("forgotten-password")
        self.submit()
        self.record("forgotten-password-errors")
        page.fill("#email", you)
        self.submit()
        self.record("check-email-reset")
        reset = email_link(self.server, you, "account-reset-password")
        self.goto(reset)
        self.record("reset-password")
        self.submit()
        self.record("reset-password-errors")
        # One character of the signature changed (not the last, whose low bits base64 may ignore).
        flipped = "A" if reset[-10] != "A" else "B"
        self.goto(f"{reset[:-10]}{flipped}{reset[-9:]}")
        self.record("link-expired", status=404)

    def sign_in(self, member: StaffMember, record: bool = False) -> None:
        page = self.page
        self.goto("/staff/sign-in")
        page.fill("#email", member.email)
        page.fill("#password", member.password)
        self.submit()
        if record:
            self.record("sign-in-code")
            self.submit()
            self.record("sign-in-code-errors")
        page.fill("#code", member.code())
        self.submit()


@pytest.fixture(scope="module")
def walks(
    browser: Browser,
    live_server: LiveServer,
    sso_server: LiveServer,
    browser_data: None,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, LanguageWalk]]:
    require(AXE, "axe-core (run npm ci in frontend/)")
    html_dir = tmp_path_factory.mktemp("pages")
    found: dict[str, LanguageWalk] = {}
    for lang in LANGUAGES:
        walk = found[lang] = LanguageWalk(lang)
        context = browser.new_context(viewport=DESKTOP)
        context.set_default_timeout(10_000)
        context.add_init_script(CSP_WATCH)
        context.add_init_script(path=str(AXE))
        page = context.new_page()
        try:
            Walker(page, live_server, sso_server, lang, html_dir, walk).run(
                create_staff_member(live_server, f"Tester {lang}", all_roles()), create_staff_member(live_server)
            )
        except Exception:
            walk.crash = f"the walk stopped at {page.url}:\n{traceback.format_exc()}"
        finally:
            context.close()
    yield found


def _report_visit(visit: Visit) -> list[str]:
    lines = [f"{visit.lang} {visit.name} ({visit.url}):"]
    for v in visit.violations:
        lines.append(f"  axe {v['id']} [{v['impact']}] {v['help']}")
        lines += [f"      {node['target']}    {node['html'][:160]}" for node in v["nodes"]]
    lines += [f"  {problem}" for problem in visit.problems]
    return lines


def walk_report(walk: LanguageWalk) -> list[str]:
    """Every axe violation and problem a walk found, page by page, and how it stopped if it crashed.
    Shared by the walks of the other browser modules."""
    report: list[str] = []
    for visit in walk.visits:
        if visit.violations or visit.problems:
            report += _report_visit(visit)
    if walk.crash:
        report.append(walk.crash)
    return report


def nu_html_errors(files: list[str]) -> list[str]:
    """The Nu HTML checker's errors in these saved pages, in one run, less the one accepted finding."""
    require(VNU, "the Nu HTML checker (vnu-jar; run npm ci in frontend/)")
    if shutil.which("java") is None:
        pytest.fail("Java is missing: the Nu HTML checker needs it (default-jre-headless)", pytrace=False)
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--stdout", "--exit-zero-always", *files],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if result.returncode != 0:
        pytest.fail(f"vnu.jar did not run:\n{result.stderr}", pytrace=False)
    by_name = {Path(f).name: Path(f) for f in files}
    messages = [
        m
        for m in json.loads(result.stdout)["messages"]
        if (m.get("type") == "error" or m.get("subType") == "fatal")
        and not _accepted_by_vnu(m, by_name.get(Path(m.get("url", "")).name))
    ]
    return [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m.get('message')}  [{(m.get('extract') or '').strip()[:120]}]"
        for m in messages
    ]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_state_passes_axe(walks: dict[str, LanguageWalk], lang: str) -> None:
    walk = walks[lang]
    report = walk_report(walk)
    assert not report, f"{len(walk.visits)} page states checked in {lang}:\n" + "\n".join(report)
    assert len(walk.visits) >= 80


@pytest.mark.parametrize("lang", MEASURED_LANGUAGES)
@pytest.mark.parametrize("name", REPRESENTATIVE)
def test_reflows_at_320_px_without_horizontal_scrolling(walks: dict[str, LanguageWalk], lang: str, name: str) -> None:
    measure = walks[lang].measures.get(name)
    assert measure is not None, f"{name} was not reached in {lang}: {walks[lang].crash}"
    assert measure.scroll_width <= NARROW, (
        f"{lang} {name}: the page is {measure.scroll_width} px wide at a {NARROW} px viewport, "
        "so it scrolls sideways (WCAG 1.4.10 Reflow). Sticking out: " + "; ".join(measure.overflowing)
    )


@pytest.mark.parametrize("lang", MEASURED_LANGUAGES)
@pytest.mark.parametrize("name", REPRESENTATIVE)
def test_targets_are_big_enough_or_spaced(walks: dict[str, LanguageWalk], lang: str, name: str) -> None:
    measure = walks[lang].measures.get(name)
    assert measure is not None, f"{name} was not reached in {lang}: {walks[lang].crash}"
    failures = [f"at {width}: {failure}" for width, found in measure.targets.items() for failure in found]
    assert not failures, f"{lang} {name}: targets under 24x24 CSS px (WCAG 2.5.8):\n" + "\n".join(failures)


def test_every_saved_page_is_valid_html(walks: dict[str, LanguageWalk]) -> None:
    files = [str(visit.html) for walk in walks.values() for visit in walk.visits]
    assert files, "no pages were saved"
    report = nu_html_errors(files)
    assert not report, f"{len(report)} HTML errors in {len(files)} pages:\n" + "\n".join(report)
