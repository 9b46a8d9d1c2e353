"""The public request journeys: each kind end to end, with and without an account, the checks on
every page, and sending once however often "Send" is pressed."""

from __future__ import annotations

import re
import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.core.db import db
from portal.core.outbox import OutboxMessage
from portal.requests.models import RequestKind, ServiceRequest
from tests.accounts.public_support import make_account, sign_in

EXIT_URL = "https://www.bbc.co.uk/weather"
CODE = re.compile(r"(?<![-\w])([2-9A-Z]{4}-[2-9A-Z]{4})(?![-\w])")
REFERENCE = re.compile(r"\b(REQ-[0-9A-Z]{4}-[0-9A-Z]{4})\b")

ABOUT = {
    "birth-relative-support": {"full_name": "Kim Nowak-Ó Briain", "relation": "birth_mother"},
    "letterbox-change": {"full_name": "Kim Nowak-Ó Briain", "relation": "grandparent"},
    "intermediary": {"full_name": "Kim Nowak-Ó Briain", "relation": "sibling"},
    "birth-records": {"full_name": "Kim Nowak-Ó Briain", "relation": "adopted_adult", "date_of_birth": ["27", "3", "1990"]},
    "general-advice": {"full_name": "Kim Nowak-Ó Briain", "relation": "other"},
}
DETAILS = {
    "birth-relative-support": {"authority": "solihull", "stage": "care_proceedings", "needs": "Someone to talk to before court"},
    "letterbox-change": {"authority": "elsewhere", "change": "pause", "details": "Please pause the letters for a year"},
    "intermediary": {"authority": "solihull", "seeking": "adopted_adult", "known": "My brother was born in 1984"},
    "birth-records": {"authority": "solihull", "known": "Born in Coventry in 1990"},
    "general-advice": {"authority": "elsewhere", "question": "How do I find out about support groups?"},
}
CONTACT = {
    "email": "kim@example.com",
    "phone": "01632 960 001",
    "contact_methods": ["email", "text"],
    "safe_contact": ["do_not_phone", "no_voicemail"],
    "safe_times": "Weekdays between 10am and 2pm",
    "preferred_language": "pl",
    "communication_needs": ["interpreter"],
    "interpreter_language": "Polish",
}
KINDS = list(ABOUT)
FREE_TEXT = {slug: next(v for k, v in DETAILS[slug].items() if k in {"needs", "details", "known", "question"}) for slug in KINDS}


def answer_everything(client, slug: str, contact: dict | None = None) -> None:
    pages = [("about-you", ABOUT[slug]), ("details", DETAILS[slug]), ("contact", contact or CONTACT)]
    for page, answers in pages:
        response = client.submit(f"/requests/{slug}/{page}", answers)
        assert response.status_code == 302, (slug, page, response.get_data(as_text=True)[-3000:])
    assert response.headers["Location"].endswith(f"/requests/{slug}/check-answers")


def send(client, slug: str) -> str:
    response = client.submit(f"/requests/{slug}/check-answers", {})
    assert response.headers["Location"].endswith(f"/requests/{slug}/sent"), response.get_data(as_text=True)[-2000:]
    return client.get(f"/requests/{slug}/sent").get_data(as_text=True)


def count(app, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ServiceRequest).where(*where)) or 0


def latest(app) -> ServiceRequest:
    with app.app_context():
        found = db.session.scalar(select(ServiceRequest).order_by(ServiceRequest.id.desc()))
        db.session.expunge(found)
        return found


def receipts(app, recipient: str = "kim@example.com") -> list[OutboxMessage]:
    with app.app_context():
        found = list(
            db.session.scalars(
                select(OutboxMessage).where(OutboxMessage.recipient == recipient, OutboxMessage.template == "request-received")
            )
        )
        for message in found:
            db.session.expunge(message)
        return found


def assert_exit_link(client, url: str = EXIT_URL) -> None:
    page = client.last_page
    assert page is not None
    buttons = page.by_class("govuk-exit-this-page__button")
    assert len(buttons) == 1
    assert buttons[0].get("href") == url
    # It sits inside <main>, so it is in a landmark.
    main = page.find_all("main")[0]
    assert buttons[0] in list(main.iter())


@pytest.mark.parametrize("slug", KINDS)
def test_each_kind_without_an_account(app, client, demo, slug):
    start = client.get("/requests")
    assert f"/requests/{slug}/about-you" in start.get_data(as_text=True)
    answer_everything(client, slug)
    check = client.get(f"/requests/{slug}/check-answers").get_data(as_text=True)
    assert "Kim Nowak-Ó Briain" in check and FREE_TEXT[slug] in check
    assert f"/requests/{slug}/details" in check and f"/requests/{slug}/contact" in check
    assert "Do not phone me" in check and "Weekdays between 10am and 2pm" in check
    sent = send(client, slug)
    assert_exit_link(client)
    reference = REFERENCE.search(sent).group(1)
    code = CODE.search(sent).group(1)
    assert "Add a request to your account" in sent
    request = latest(app)
    assert request.reference == reference and request.public_user_id is None
    assert request.kind == RequestKind(slug.replace("-", "_"))
    assert request.safe_contact == ["do_not_phone", "no_voicemail"]
    assert request.contact_methods == ["email", "text"]
    assert request.interpreter_language == "Polish" and request.preferred_language == "pl"
    assert request.claim_code_hash and code not in request.claim_code_hash
    assert FREE_TEXT[slug] in request.answers.values()
    if slug == "birth-records":
        assert request.date_of_birth == date(1990, 3, 27)
    # The acknowledgement is in the chosen language and carries the reference only.
    [receipt] = receipts(app)
    assert receipt.locale == "pl" and reference in receipt.body
    assert "Kim" not in receipt.body and FREE_TEXT[slug] not in receipt.body and code not in receipt.body
    # The claim code is shown once.
    again = client.get(f"/requests/{slug}/sent").get_data(as_text=True)
    assert reference in again and code not in again


def test_no_receipt_when_email_is_not_a_safe_way(app, client, demo):
    answer_everything(client, "general-advice", {**CONTACT, "contact_methods": ["text"]})
    send(client, "general-advice")
    assert count(app) == 1
    assert receipts(app) == []


@pytest.mark.parametrize("slug", KINDS)
def test_each_kind_with_an_account_is_linked_and_followed(app, demo, slug):
    make_account(app)
    client = sign_in(app)
    answer_everything(client, slug)
    sent = send(client, slug)
    assert CODE.search(sent) is None
    request = latest(app)
    assert request.public_user_id is not None and request.claim_code_hash is None
    mine = client.get("/requests/mine")
    assert_exit_link(client)
    assert request.reference in mine.get_data(as_text=True)
    page = client.get(f"/requests/{request.public_id}")
    assert page.status_code == 200
    assert_exit_link(client)
    text = page.get_data(as_text=True)
    assert "Received" in text and "Not allocated yet" in text and FREE_TEXT[slug] in text


def test_account_holders_answers_start_from_their_profile(app, demo):
    make_account(app, language="cy")
    client = sign_in(app)
    about = client.get("/requests/general-advice/about-you").get_data(as_text=True)
    assert 'value="Sam Taylor"' in about
    contact = client.get("/requests/general-advice/contact").get_data(as_text=True)
    assert 'value="sam.taylor@people.example"' in contact
    assert re.search(r'value="cy" checked', contact)


def test_signing_out_mid_journey_keeps_the_answers(app, demo):
    make_account(app)
    client = sign_in(app)
    client.submit("/requests/intermediary/about-you", ABOUT["intermediary"])
    client.submit("/requests/intermediary/details", DETAILS["intermediary"])
    client.submit("/account/sign-out", {}, page="/account/")
    assert client.get("/requests/intermediary/details").status_code == 200
    assert "My brother was born in 1984" not in client.get("/requests/intermediary/details").get_data(as_text=True)
    client = sign_in(app)
    details = client.get("/requests/intermediary/details").get_data(as_text=True)
    assert "My brother was born in 1984" in details
    response = client.get("/requests/intermediary/check-answers")
    assert response.headers["Location"].endswith("/requests/intermediary/contact")


def test_under_18_cannot_ask_for_birth_records(app, client, demo):
    today = date.today()
    born = [str(today.day), str(today.month), str(today.year - 17)]
    response = client.submit("/requests/birth-records/about-you", {**ABOUT["birth-records"], "date_of_birth": born})
    assert response.status_code == 200
    assert client.last_page.title.startswith("Error: About you")
    text = response.get_data(as_text=True)
    assert text.count("You must be 18 or over to ask for your birth records") == 2
    # What they typed is shown back.
    assert f'value="{today.year - 17}"' in text
    assert client.get("/requests/birth-records/check-answers").headers["Location"].endswith("/about-you")


def test_date_of_birth_messages_are_our_own(app, client, demo):
    for born, message in [
        (["", "", ""], "Enter your date of birth"),
        (["31", "2", "1990"], "Date of birth must be a real date"),
        (["1", "1", "99"], "Date of birth must be a real date"),
        (["x", "1", "1990"], "Date of birth must be a real date"),
        (["1", "1", str(date.today().year + 1)], "Date of birth must be in the past"),
    ]:
        response = client.submit("/requests/birth-records/about-you", {**ABOUT["birth-records"], "date_of_birth": born})
        text = response.get_data(as_text=True)
        assert text.count(message) == 2, (born, message)
        assert "Not a valid date" not in text


def test_date_parts_are_labelled_in_the_page_language(app, client, demo):
    client.get("/?lang=cy")
    text = client.get("/requests/birth-records/about-you").get_data(as_text=True)
    labels = re.findall(r'for="date_of_birth-(?:day|month|year)">\s*([^<]+?)\s*<', text)
    assert len(labels) == 3
    with app.test_request_context():
        from flask_babel import force_locale, gettext

        with force_locale("cy"):
            assert labels == [gettext("Day"), gettext("Month"), gettext("Year")]


def test_a_relation_not_allowed_for_the_kind_is_refused(app, client, demo):
    response = client.submit("/requests/birth-relative-support/about-you", {"full_name": "Kim", "relation": "adoptive_parent"})
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("Select who you are") == 2
    response = client.submit("/requests/birth-records/about-you", {**ABOUT["birth-records"], "relation": "birth_mother"})
    assert response.get_data(as_text=True).count("Select who you are") == 2
    # Only the allowed relations are offered.
    page = client.get("/requests/birth-relative-support/about-you").get_data(as_text=True)
    assert 'value="adoptive_parent"' not in page and 'value="birth_father"' in page


def test_unknown_kind_or_page_is_404(client, demo):
    assert client.get("/requests/favourite-colour/about-you").status_code == 404
    assert client.get("/requests/intermediary/favourite-colour").status_code == 404
    assert client.get("/requests/birth_records/about-you").status_code == 404


REQUIRED = [
    ("birth-relative-support", "about-you", ["Enter your full name", "Select who you are"]),
    ("birth-records", "about-you", ["Enter your full name", "Enter your date of birth"]),
    ("birth-relative-support", "details", ["Select a council area, or select not known", "Select where things are now", "Tell us what help you would like"]),
    ("letterbox-change", "details", ["Select what you would like to do", "Tell us more about what you would like"]),
    ("intermediary", "details", ["Select who you are looking for", "Tell us what you know"]),
    ("general-advice", "details", ["Tell us what you would like advice about"]),
    ("general-advice", "contact", ["Enter an email address or a phone number", "Select at least one way we can contact you", "Select the language you would like us to use"]),
]


@pytest.mark.parametrize(("slug", "page", "messages"), REQUIRED)
def test_every_required_answer_has_a_message(client, demo, slug, page, messages):
    answers = {"date_of_birth": ["", "", ""]} if page == "about-you" else {}
    response = client.submit(f"/requests/{slug}/{page}", answers)
    assert response.status_code == 200
    assert client.last_page.title.startswith("Error: ")
    text = response.get_data(as_text=True)
    for message in messages:
        assert text.count(message) == 2, message  # in the summary and beside the field
    assert_exit_link(client)


def test_contact_answers_must_agree_with_each_other(client, demo):
    cases = [
        ({"email": "", "phone": "01632 960 001", "contact_methods": ["email"]}, "Enter your email address, or do not choose email"),
        ({"email": "kim@example.com", "phone": "", "contact_methods": ["text"]}, "Enter your phone number, or do not choose phone calls"),
        ({"contact_methods": ["email", "phone"], "safe_contact": ["email_only"]}, "You asked for email only"),
        ({"contact_methods": ["phone"], "safe_contact": ["do_not_phone"]}, "You asked us not to phone"),
        ({"contact_methods": ["letter"], "safe_contact": ["no_letters"]}, "You asked for no letters"),
    ]
    for change, message in cases:
        response = client.submit("/requests/general-advice/contact", {**CONTACT, **change})
        assert response.status_code == 200, message
        assert message in response.get_data(as_text=True)


def test_bad_answers_are_shown_back(client, demo):
    bad = {**CONTACT, "email": "not-an-email", "phone": "call me maybe", "safe_times": "x" * 501}
    response = client.submit("/requests/general-advice/contact", bad)
    text = response.get_data(as_text=True)
    assert 'value="not-an-email"' in text and 'value="call me maybe"' in text
    assert "Enter an email address in the correct format" in text
    assert "Answer must be 500 characters or fewer" in text
    assert 'value="text" checked' in text and 'value="do_not_phone" checked' in text
    response = client.submit("/requests/intermediary/details", {"authority": "solihull", "seeking": "adopted_adult", "known": "y" * 3001})
    text = response.get_data(as_text=True)
    assert "Answer must be 3000 characters or fewer" in text
    assert 'value="solihull" checked' in text and "y" * 3001 in text


def test_exit_this_page_is_on_every_page_with_the_configured_address(app, client, demo):
    configured = app.config["EXIT_PAGE_URL"]
    app.config["EXIT_PAGE_URL"] = "https://www.example.org/safe"
    try:
        pages = ["/requests"] + [f"/requests/intermediary/{page}" for page in ("about-you", "details", "contact")]
        for url in pages:
            assert client.get(url).status_code == 200
            assert_exit_link(client, "https://www.example.org/safe")
        answer_everything(client, "intermediary")
        client.get("/requests/intermediary/check-answers")
        assert_exit_link(client, "https://www.example.org/safe")
        send(client, "intermediary")
        assert_exit_link(client, "https://www.example.org/safe")
        text = client.get("/requests").get_data(as_text=True)
        # The shortcut's messages are given in the page's language, not left to the English defaults.
        assert 'data-i18n.press-two-more-times="Shift, press 2 more times to exit."' in text
    finally:
        app.config["EXIT_PAGE_URL"] = configured


def test_intermediary_and_records_pages_explain_what_happens(client, demo):
    text = client.get("/requests/intermediary/details").get_data(as_text=True)
    assert "30 December 2005" in text and "Adoption Contact Register" in text and "veto" in text
    text = client.get("/requests/birth-records/details").get_data(as_text=True)
    assert "check who you are" in text and "counsellor" in text


def test_start_page_explains_accounts(client, demo):
    text = client.get("/requests").get_data(as_text=True)
    assert "/account/sign-in" in text and "/account/register" in text
    for slug in KINDS:
        assert f"/requests/{slug}/about-you" in text


def test_pressing_send_twice_makes_one_request_and_shows_the_same_code(app, client, demo):
    answer_everything(client, "birth-relative-support")
    token = client.csrf_token("/requests/birth-relative-support/check-answers")
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"], domain="portal.test")
    first = client.post("/requests/birth-relative-support/check-answers", data={"csrf_token": token})
    assert first.headers["Location"].endswith("/sent")
    # A double click: the second post carries the session from before the first finished.
    other = app.test_client()
    other.set_cookie(cookie.key, cookie.value, domain="portal.test")
    second = other.post("/requests/birth-relative-support/check-answers", data={"csrf_token": token})
    assert second.headers["Location"].endswith("/sent")
    assert count(app) == 1
    first_code = CODE.search(client.get("/requests/birth-relative-support/sent").get_data(as_text=True)).group(1)
    second_code = CODE.search(other.get("/requests/birth-relative-support/sent").get_data(as_text=True)).group(1)
    assert first_code == second_code
    # A press after the first had finished lands on the confirmation too.
    third = client.post("/requests/birth-relative-support/check-answers", data={"csrf_token": token})
    assert third.headers["Location"].endswith("/sent")
    assert count(app) == 1
    assert len(receipts(app)) == 1


def test_pressing_send_twice_with_an_account_makes_one_request(app, demo):
    make_account(app)
    client = sign_in(app)
    answer_everything(client, "general-advice")
    token = client.csrf_token("/requests/general-advice/check-answers")
    for _ in range(2):
        response = client.post("/requests/general-advice/check-answers", data={"csrf_token": token})
        assert response.headers["Location"].endswith("/requests/general-advice/sent")
    assert count(app) == 1


def test_ten_parallel_submissions_make_one_request(app, client, demo):
    answer_everything(client, "intermediary")
    token = client.csrf_token("/requests/intermediary/check-answers")
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"], domain="portal.test")
    results: list[int] = []
    barrier = threading.Barrier(10)

    def post() -> None:
        other = app.test_client()
        other.set_cookie(cookie.key, cookie.value, domain="portal.test")
        barrier.wait()
        results.append(other.post("/requests/intermediary/check-answers", data={"csrf_token": token}).status_code)

    threads = [threading.Thread(target=post) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(set(results)) == [302]
    assert count(app) == 1
    assert len(receipts(app)) == 1


@pytest.mark.parametrize("locale", ["en", "cy", "pl", "ur", "pa"])
def test_journey_pages_pass_the_page_checks_in_every_language(app, client, demo, locale):
    client.get(f"/?lang={locale}")
    for page in ("about-you", "details", "contact"):
        assert client.get(f"/requests/birth-records/{page}").status_code == 200
        assert client.last_page.tree.get("lang") == locale
        assert_exit_link(client)
    response = client.submit("/requests/birth-records/about-you", {"full_name": "", "date_of_birth": ["31", "2", "1990"]})
    assert response.status_code == 200 and "Not a valid date" not in response.get_data(as_text=True)
