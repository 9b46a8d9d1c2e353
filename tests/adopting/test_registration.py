"""The registration of interest: the task list, each section saved as it goes, a joint application
with the second applicant joining by invitation, check answers, e-signatures and sending."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.accounts.models import PublicUser
from portal.adopting import application_rules as rules
from portal.adopting import registration_rules as registration
from portal.adopting.application_models import Applicant, Application, ApplicationStatus
from portal.agency.models import PartnerAuthority
from portal.core.db import db
from tests.accounts.public_support import PASSWORD, emails, last_email, make_account, sign_in

BASE = "/my-application/registration"
FIRST = "first.applicant@people.example"
SECOND = "second.applicant@people.example"
JOIN_LINK = re.compile(r"http://portal\.test(/my-application/registration/join/\S+)")
REFERENCE = re.compile(r"ROI-[A-Z0-9-]+")

HOUSEHOLD_ANSWERS = {
    "home": {
        "address_line_1": "1 Canary Street",
        "town": "Leeds",
        "postcode": "ls11aa",
        "authority": "elsewhere",
        "years_at_address": "1_to_5",
    },
    "household": {},
    "children": {"children_at_home": "0"},
    "experience": {"experience": "I look after my nephews every weekend."},
    "motivation": {"motivation": "We have a loving home to share."},
    "children-hoped-for": {"age_from": "0", "age_to": "4", "siblings": "maybe", "needs": ["none"]},
    "previous": {"adopted_before": "no", "fostering_child": "no", "applied_before": "no"},
}
JOINT_HOUSEHOLD = {"relationship": "married", "together_since": "2015"}


def own_answers(name: str, surgery: str = "High Street Surgery") -> dict[str, dict[str, object]]:
    return {
        "about-you": {
            "full_name": name,
            "date_of_birth": ["1", "2", "1985"],
            "phone": "01632 960 001",
            "occupation": "Teacher",
            "works_with_children": "yes",
        },
        "health": {"health_conditions": "no", "gp_practice": surgery},
        "suitability": {"convicted": "no", "investigated": "no", "child_in_care": "no"},
    }


def applicant_client(app, email: str = FIRST):
    make_account(app, email=email)
    return sign_in(app, email)


def start(client, joint: bool = False) -> None:
    response = client.submit(f"{BASE}/start", {"joint": "joint" if joint else "single"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{BASE}/")


def answer(client, slug: str, data: dict[str, object]) -> None:
    response = client.submit(f"{BASE}/{slug}", data)
    assert response.status_code == 302, client.last_page.html[-3000:] if client.last_page else response.status_code
    assert response.headers["Location"].endswith(f"{BASE}/")


def answer_household(client, joint: bool = False) -> None:
    for slug, data in HOUSEHOLD_ANSWERS.items():
        answer(client, slug, {**data, **(JOINT_HOUSEHOLD if joint and slug == "household" else {})})


def answer_own(client, name: str, surgery: str = "High Street Surgery") -> None:
    for slug, data in own_answers(name, surgery).items():
        answer(client, slug, data)


def sign(client, name: str):
    return client.submit(f"{BASE}/sign", {"full_name": name, "confirm": "y"})


def the_application(app) -> Application:
    with app.app_context():
        application = db.session.scalar(select(Application))
        assert application is not None
        application.applicants  # noqa: B018  (loaded before the session closes)
        db.session.expunge_all()
        return application


def set_language(app, email: str, language: str) -> None:
    with app.app_context():
        person = db.session.scalar(select(PublicUser).where(PublicUser.email == email))
        person.preferred_language = language
        db.session.commit()


def invite_and_join(app, first) -> object:
    """The first applicant invites the second, who signs in through the link and joins."""
    response = first.submit(f"{BASE}/second-applicant", {"email": SECOND})
    assert response.status_code == 302
    link = JOIN_LINK.search(last_email(app, SECOND, "application-joint-invitation").body).group(1)
    make_account(app, email=SECOND)
    second = app.test_client()
    # Not signed in: the link goes to sign in, and back to the invitation afterwards.
    response = second.get(link)
    assert response.status_code == 302
    sign_in_url = response.headers["Location"]
    assert "/account/sign-in" in sign_in_url
    response = second.submit(sign_in_url.replace("http://portal.test", ""), {"email": SECOND, "password": PASSWORD})
    code = last_email(app, SECOND, "account-sign-in-code").code
    response = second.submit("/account/sign-in/code", {"code": code})
    assert response.headers["Location"].endswith(link)
    page = second.get(link)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert the_application(app).reference in text
    assert "1 Canary Street" not in text
    response = second.submit(link, {})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{BASE}/")
    return second


# ---------------------------------------------------------------------------------------------------
# The whole journey


def test_single_journey_to_sending(app, demo):
    client = applicant_client(app)
    response = client.get(f"{BASE}/")
    assert response.headers["Location"].endswith(f"{BASE}/start")
    page = client.get(f"{BASE}/start")
    assert "Register your interest in adopting" in page.get_data(as_text=True)
    start(client)
    page = client.get(f"{BASE}/").get_data(as_text=True)
    assert the_application(app).reference in page
    assert "Cannot start yet" in page
    assert "Second applicant" not in page
    # Signing before everything is done goes back to check answers, which lists what is missing.
    assert client.get(f"{BASE}/sign").headers["Location"].endswith(f"{BASE}/check")
    check = client.get(f"{BASE}/check").get_data(as_text=True)
    assert "Still to do before you can sign" in check and "Your home" in check
    answer_household(client)
    answer_own(client, "Sam Taylor")
    page = client.get(f"{BASE}/").get_data(as_text=True)
    assert "You have completed 10 of 10 sections." in page
    check = client.get(f"{BASE}/check").get_data(as_text=True)
    for shown in ("1 Canary Street", "LS1 1AA", "Sam Taylor", "1 February 1985", "High Street Surgery", "Maybe"):
        assert shown in check
    assert "Still to do" not in check
    token = client.csrf_token(f"{BASE}/sign")
    set_language(app, FIRST, "cy")
    form = {"csrf_token": token, "full_name": "  sam   TAYLOR ", "confirm": "y"}
    response = client.post(f"{BASE}/sign", data=form)
    assert response.headers["Location"].endswith(f"{BASE}/sent")
    sent = client.get(f"{BASE}/sent").get_data(as_text=True)
    application = the_application(app)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.reference in sent
    received = last_email(app, FIRST, "application-received")
    assert received.locale == "cy"
    assert application.applicants[0].declaration_version == registration.DECLARATION_VERSION
    assert application.applicants[0].declaration_text
    # A second press of the button changes nothing.
    assert client.post(f"{BASE}/sign", data=form).headers["Location"].endswith(f"{BASE}/sent")
    assert len(emails(app, FIRST, "application-received")) == 1
    # Sent: the sections, the task list and the start page lead to the application.
    for url in (f"{BASE}/home", f"{BASE}/", f"{BASE}/start", f"{BASE}/check", f"{BASE}/sign"):
        assert client.get(url).headers["Location"].endswith("/my-application/")


def test_home_sets_the_partner_authority(app, demo):
    client = applicant_client(app)
    start(client)
    with app.app_context():
        slug = db.session.scalar(select(PartnerAuthority.slug).where(PartnerAuthority.name == "Coventry"))
    assert slug in client.get(f"{BASE}/home").get_data(as_text=True)
    answer(client, "home", {**HOUSEHOLD_ANSWERS["home"], "authority": slug})
    with app.app_context():
        application = db.session.scalar(select(Application))
        assert application.authority.name == "Coventry"
    # Answers are shown back when the page is opened again.
    page = client.get(f"{BASE}/home").get_data(as_text=True)
    assert "1 Canary Street" in page and 'value="1_to_5" checked' in page


def test_joint_journey_sent_only_after_both_sign(app, demo):
    first = applicant_client(app)
    start(first, joint=True)
    page = first.get(f"{BASE}/").get_data(as_text=True)
    assert "Second applicant" in page and "Not invited" in page
    answer_household(first, joint=True)
    answer_own(first, "Samantha Canary", "Canary Surgery")
    second = invite_and_join(app, first)
    assert "Joined" in first.get(f"{BASE}/").get_data(as_text=True)
    assert "You have joined the application" in second.get(f"{BASE}/").get_data(as_text=True)
    # The second applicant sees the household and their own empty part, never the first's answers.
    their_check = second.get(f"{BASE}/check").get_data(as_text=True)
    assert "1 Canary Street" in their_check
    assert "Canary Surgery" not in their_check and "Samantha Canary" not in their_check
    assert "Samantha Canary" not in second.get(f"{BASE}/about-you").get_data(as_text=True)
    assert "Canary Surgery" not in second.get(f"{BASE}/health").get_data(as_text=True)
    # The first cannot sign until the second has finished.
    assert first.get(f"{BASE}/sign").headers["Location"].endswith(f"{BASE}/check")
    assert "Your partner has not finished: About them" in first.get(f"{BASE}/check").get_data(as_text=True)
    answer_own(second, "Alex Second")
    with app.app_context():
        first_part = db.session.scalar(select(Applicant).where(Applicant.position == 1))
        assert first_part.answers["about_you"]["full_name"] == "Samantha Canary"
    check = first.get(f"{BASE}/check").get_data(as_text=True)
    assert "Alex Second" not in check and "Continue to sign" in check
    response = sign(first, "Samantha Canary")
    assert response.headers["Location"].endswith(f"{BASE}/")
    page = first.get(f"{BASE}/").get_data(as_text=True)
    assert "You have signed. We will send the registration when your partner has signed too." in page
    assert first.get(f"{BASE}/sign").headers["Location"].endswith(f"{BASE}/")
    assert first.get(f"{BASE}/sent").headers["Location"].endswith(f"{BASE}/")
    assert the_application(app).status == ApplicationStatus.DRAFT
    assert not emails(app, template="application-received")
    assert "Your partner has signed" in second.get(f"{BASE}/").get_data(as_text=True)
    response = sign(second, "Alex Second")
    assert response.headers["Location"].endswith(f"{BASE}/sent")
    assert the_application(app).status == ApplicationStatus.SUBMITTED
    assert {e.recipient for e in emails(app, template="application-received")} == {FIRST, SECOND}


def test_a_change_after_signing_clears_the_signatures(app, demo):
    first = applicant_client(app)
    start(first, joint=True)
    answer_household(first, joint=True)
    answer_own(first, "Sam Taylor")
    second = invite_and_join(app, first)
    answer_own(second, "Alex Second")
    sign(first, "Sam Taylor")
    assert the_application(app).applicants[0].signed_at is not None
    # Either applicant may change the household; the signatures no longer cover what is written.
    answer(second, "motivation", {"motivation": "A changed answer."})
    assert the_application(app).applicants[0].signed_at is None
    assert "You have signed" not in first.get(f"{BASE}/").get_data(as_text=True)


def test_invitation_can_be_sent_again_and_the_old_link_stops_working(app, demo):
    first = applicant_client(app)
    start(first, joint=True)
    first.submit(f"{BASE}/second-applicant", {"email": SECOND})
    old = JOIN_LINK.search(last_email(app, SECOND).body).group(1)
    assert "Invited" in first.get(f"{BASE}/").get_data(as_text=True)
    assert "already sent an invitation" in first.get(f"{BASE}/second-applicant").get_data(as_text=True)
    first.submit(f"{BASE}/second-applicant", {"email": SECOND})
    make_account(app, email=SECOND)
    second = sign_in(app, SECOND)
    response = second.get(old)
    assert response.status_code == 404
    assert "This link is not valid" in response.get_data(as_text=True)


def test_invite_errors(app, demo):
    first = applicant_client(app)
    start(first, joint=True)
    for data, message in (
        ({"email": ""}, "Enter your partner&#39;s email address"),
        ({"email": "not an address"}, "Enter an email address in the correct format"),
        ({"email": FIRST.upper()}, "not your own"),
    ):
        response = first.submit(f"{BASE}/second-applicant", data)
        assert response.status_code == 200
        assert first.last_page.title.startswith("Error: ")
        assert message in response.get_data(as_text=True)
    second = invite_and_join(app, first)
    # Once joined there is nobody to invite; the second applicant never invites.
    assert first.get(f"{BASE}/second-applicant").headers["Location"].endswith(f"{BASE}/")
    assert second.get(f"{BASE}/second-applicant").status_code == 404


def test_single_application_has_no_invitation(app, demo):
    client = applicant_client(app)
    start(client)
    assert client.get(f"{BASE}/second-applicant").status_code == 404


def test_joining_with_a_bad_token_is_not_found(app, demo):
    client = applicant_client(app)
    for token in ("nonsense", "x" * 200):
        response = client.get(f"{BASE}/join/{token}")
        assert response.status_code == 404
        assert "This link is not valid" in response.get_data(as_text=True)
    assert client.submit(f"{BASE}/join/nonsense", {}, page=f"{BASE}/start").status_code == 404


def test_someone_with_an_open_application_cannot_join_another(app, demo):
    first = applicant_client(app)
    start(first, joint=True)
    first.submit(f"{BASE}/second-applicant", {"email": SECOND})
    link = JOIN_LINK.search(last_email(app, SECOND).body).group(1)
    second = applicant_client(app, SECOND)
    start(second)
    response = second.submit(link, {})
    assert response.status_code == 200
    assert "You already have an application that is still open" in response.get_data(as_text=True)
    # The first applicant opening their own link is taken to their task list.
    assert first.get(link).headers["Location"].endswith(f"{BASE}/")


def test_someone_with_an_open_application_cannot_start_another(app, demo):
    client = applicant_client(app)
    start(client)
    assert client.get(f"{BASE}/start").headers["Location"].endswith(f"{BASE}/")
    response = client.submit(f"{BASE}/start", {"joint": "single"}, page=f"{BASE}/")
    assert response.headers["Location"].endswith(f"{BASE}/")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Application)) == 1


def test_a_refusal_from_the_rules_is_a_message(app, demo):
    client = applicant_client(app)
    start(client)
    token = client.csrf_token(f"{BASE}/start".replace("/start", "/experience"))
    # Sent behind this person's back (another tab): the page they were on cannot save any more.
    with app.app_context():
        application = db.session.scalar(select(Application))
        application.status = ApplicationStatus.SUBMITTED
        db.session.commit()
    response = client.post(f"{BASE}/experience", data={"csrf_token": token, "experience": "More."})
    assert response.headers["Location"].endswith("/my-application/")


# ---------------------------------------------------------------------------------------------------
# The forms' checks


EMPTY_ERRORS = {
    "home": "Enter the first line of your address",
    "children": "Enter how many children live in your home, or 0",
    "experience": "Tell us about your experience of caring for children",
    "motivation": "Tell us why you want to adopt",
    "children-hoped-for": "Enter the youngest age",
    "previous": "Select yes if you have adopted before",
    "about-you": "Enter your full name",
    "health": "Select yes if you have a health condition",
    "suitability": "Select yes if you have ever been convicted or cautioned",
}


@pytest.mark.parametrize("slug", sorted(EMPTY_ERRORS))
def test_every_section_shows_its_errors(app, demo, slug):
    client = applicant_client(app)
    start(client)
    response = client.submit(f"{BASE}/{slug}", {})
    assert response.status_code == 200
    assert client.last_page.title.startswith("Error: ")
    text = response.get_data(as_text=True)
    assert "There is a problem" in text
    assert EMPTY_ERRORS[slug] in text


@pytest.mark.parametrize(
    ("slug", "data", "message"),
    [
        ("home", {**HOUSEHOLD_ANSWERS["home"], "postcode": "NOT A CODE"}, "Enter a real postcode"),
        ("children", {"children_at_home": "2"}, "Tell us about the children who live in your home"),
        ("children", {"children_at_home": "lots"}, "Enter a whole number from 0 to 20"),
        ("children-hoped-for", {**HOUSEHOLD_ANSWERS["children-hoped-for"], "age_from": "9", "age_to": "3"}, "The oldest age must be"),
        ("children-hoped-for", {**HOUSEHOLD_ANSWERS["children-hoped-for"], "age_to": "18"}, "Enter an age from 0 to 17"),
        ("children-hoped-for", {**HOUSEHOLD_ANSWERS["children-hoped-for"], "needs": ["none", "learning_disability"]}, "Select none of these on its own"),
        ("children-hoped-for", {**HOUSEHOLD_ANSWERS["children-hoped-for"], "needs": ["made_up"]}, "Select the needs you feel able to meet"),
        ("previous", {**HOUSEHOLD_ANSWERS["previous"], "applied_before": "yes"}, "Tell us when and with which agency"),
        ("household", {"other_1_name": "Pat Lodger"}, "Enter how person 1 is related to you"),
        ("household", {"other_1_name": "Pat", "other_1_relationship": "Son", "other_1_born": ["1", "1", str(date.today().year - 5)]}, "Person 1 must be 16 or over"),
        ("household", {"other_1_relationship": "Son", "other_1_born": ["31", "2", "2000"]}, "Date of birth must be a real date"),
        ("about-you", {**own_answers("Sam")["about-you"], "date_of_birth": ["1", "1", str(date.today().year - 20)]}, "You must be 21 or over to adopt"),
        ("about-you", {**own_answers("Sam")["about-you"], "date_of_birth": ["1", "1", str(date.today().year + 1)]}, "Date of birth must be in the past"),
        ("about-you", {**own_answers("Sam")["about-you"], "phone": ""}, "Enter your phone number"),
        ("health", {"health_conditions": "yes", "gp_practice": "Surgery"}, "Tell us about your health conditions"),
        ("suitability", {"convicted": "yes", "investigated": "yes", "child_in_care": "yes"}, "Give details of the investigation"),
        ("experience", {"experience": "x" * 3001}, "Answer must be 3000 characters or fewer"),
        ("motivation", {"motivation": "bad \u202e text"}, "Remove any unusual or invisible characters"),
    ],
)
def test_section_checks(app, demo, slug, data, message):
    client = applicant_client(app)
    start(client)
    response = client.submit(f"{BASE}/{slug}", data)
    assert response.status_code == 200
    assert client.last_page.title.startswith("Error: ")
    assert message in response.get_data(as_text=True).replace("&#39;", "'")
    # What was typed is shown back.
    for value in data.values():
        if isinstance(value, str) and value not in {"yes", "no"} and len(value) < 100 and "\u202e" not in value:
            assert value in response.get_data(as_text=True)
    assert the_application(app).answers == {}


def test_joint_household_asks_about_the_relationship(app, demo):
    client = applicant_client(app)
    start(client, joint=True)
    response = client.submit(f"{BASE}/household", {"together_since": "1850"})
    text = response.get_data(as_text=True)
    assert "Select your relationship to each other" in text
    assert "Enter a year between 1900 and this year" in text
    single = applicant_client(app, SECOND)
    start(single)
    assert "What is your relationship to each other?" not in single.get(f"{BASE}/household").get_data(as_text=True)


def test_other_adults_in_the_home_with_add_another(app, demo):
    client = applicant_client(app)
    start(client)
    page = client.get(f"{BASE}/household").get_data(as_text=True)
    assert "Person 1" in page and "Person 2" not in page
    first_person = {"other_1_name": "Pat Lodger", "other_1_relationship": "Lodger", "other_1_born": ["3", "4", "1990"]}
    response = client.submit(f"{BASE}/household", {**first_person, "rows": "1", "add_another": "1"})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Person 2" in text and "Pat Lodger" in text and "There is a problem" not in text
    assert the_application(app).answers == {}
    answer(client, "household", {**first_person, "rows": "2"})
    assert the_application(app).answers["household"]["others"] == [
        {"name": "Pat Lodger", "relationship": "Lodger", "born": "1990-04-03"}
    ]
    page = client.get(f"{BASE}/household").get_data(as_text=True)
    assert "Pat Lodger" in page and "1990" in page and "Person 2" not in page
    assert "Pat Lodger (Lodger), born 3 April 1990" in client.get(f"{BASE}/check").get_data(as_text=True)
    # Never more than six groups, whatever is posted.
    response = client.submit(f"{BASE}/household", {"rows": "99", "add_another": "1"})
    assert "Person 6" in response.get_data(as_text=True) and "Person 7" not in response.get_data(as_text=True)
    assert "Add another person" not in response.get_data(as_text=True)
    response = client.submit(f"{BASE}/household", {"rows": "many", "add_another": "1"})
    assert "Person 2" in response.get_data(as_text=True)


def test_yes_keeps_details_and_no_clears_them(app, demo):
    client = applicant_client(app)
    start(client)
    answer(client, "previous", {"adopted_before": "yes", "fostering_child": "no", "applied_before": "yes", "applied_before_details": "2019, Leeds"})
    application = the_application(app)
    assert application.fast_track is True
    assert application.answers["previous"]["applied_before_details"] == "2019, Leeds"
    answer(client, "previous", {"adopted_before": "no", "fostering_child": "no", "applied_before": "no", "applied_before_details": "stale"})
    application = the_application(app)
    assert application.fast_track is False
    assert application.answers["previous"]["applied_before_details"] == ""


def test_signature_must_match_the_name_given(app, demo):
    client = applicant_client(app)
    start(client)
    answer_household(client)
    answer_own(client, "Sam Taylor")
    response = sign(client, "Someone Else")
    assert response.status_code == 200
    assert client.last_page.title.startswith("Error: ")
    assert "Type your full name as you gave it in About you" in response.get_data(as_text=True)
    response = client.submit(f"{BASE}/sign", {"full_name": "Sam Taylor"})
    assert "Select the box to confirm the declaration" in response.get_data(as_text=True)
    assert the_application(app).status == ApplicationStatus.DRAFT


def test_unknown_section_is_not_found(app, demo):
    client = applicant_client(app)
    start(client)
    assert client.get(f"{BASE}/nonsense").status_code == 404
    assert client.get(f"{BASE}/about_you").status_code == 404


def test_pages_without_an_application_lead_to_start(app, demo):
    client = applicant_client(app)
    for url in ("/", "/home", "/check", "/sign", "/sent", "/second-applicant"):
        assert client.get(f"{BASE}{url}").headers["Location"].endswith(f"{BASE}/start"), url
    response = client.submit(f"{BASE}/start", {})
    assert client.last_page.title.startswith("Error: ")
    assert "Select whether you are applying on your own or with a partner" in response.get_data(as_text=True)


def test_a_person_sees_only_their_own_application(app, demo):
    first = applicant_client(app)
    start(first)
    answer(first, "motivation", {"motivation": "Canary motivation"})
    other = applicant_client(app, SECOND)
    for url in ("/", "/motivation", "/check"):
        response = other.get(f"{BASE}{url}")
        assert response.status_code == 302
        assert "Canary motivation" not in response.get_data(as_text=True)


# ---------------------------------------------------------------------------------------------------
# Access


URLS = ["/start", "/", "/home", "/about-you", "/second-applicant", "/join/some-token", "/check", "/sign", "/sent"]


@pytest.mark.parametrize("url", URLS)
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(f"{BASE}{url}")
    assert response.status_code == 302
    assert "/account/sign-in?next=" in response.headers["Location"]


@pytest.mark.parametrize("url", URLS)
def test_staff_are_not_account_holders(staff_client, url):
    assert staff_client.get(f"{BASE}{url}").status_code == 404


def test_sign_in_link_keeps_the_page(app, client):
    make_account(app, email=FIRST)
    response = client.get(f"{BASE}/start")
    response = client.submit(response.headers["Location"].replace("http://portal.test", ""), {"email": FIRST, "password": PASSWORD})
    code = last_email(app, FIRST, "account-sign-in-code").code
    response = client.submit("/account/sign-in/code", {"code": code})
    assert response.headers["Location"].endswith(f"{BASE}/start")


# ---------------------------------------------------------------------------------------------------
# What happens when the rules refuse (two tabs, two applicants at once)


def _refuse(monkeypatch, name: str, error: Exception) -> None:
    def refuse(*args, **kwargs):
        raise error

    monkeypatch.setattr(registration, name, refuse)


def test_refusals_from_the_rules_are_messages_not_errors(app, demo, monkeypatch):
    client = applicant_client(app)
    start(client, joint=True)
    answer_household(client, joint=True)
    answer_own(client, "Sam Taylor")
    tokens = {url: client.csrf_token(f"{BASE}{url}") for url in ("/experience", "/second-applicant")}
    _refuse(monkeypatch, "invite_second_applicant", rules.NotAllowed("already_joined"))
    response = client.post(f"{BASE}/second-applicant", data={"csrf_token": tokens["/second-applicant"], "email": SECOND})
    assert response.headers["Location"].endswith(f"{BASE}/")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your partner has already joined this application." in page
    _refuse(monkeypatch, "sign_registration", rules.NotAllowed("something_new"))
    monkeypatch.setattr(registration, "missing_sections", lambda application: [])
    response = client.post(f"{BASE}/sign", data={"csrf_token": tokens["/experience"], "full_name": "Sam Taylor", "confirm": "y"})
    assert response.headers["Location"].endswith(f"{BASE}/")
    assert "That could not be done. Try again." in client.get(f"{BASE}/").get_data(as_text=True)
    _refuse(monkeypatch, "save_household_section", rules.IllegalMove("sent"))
    response = client.post(f"{BASE}/experience", data={"csrf_token": tokens["/experience"], "experience": "More."})
    assert response.headers["Location"].endswith("/my-application/")


def test_starting_twice_at_once_is_a_message(app, demo, monkeypatch):
    client = applicant_client(app)
    _refuse(monkeypatch, "start_registration", rules.NotAllowed("already_applying"))
    response = client.submit(f"{BASE}/start", {"joint": "single"})
    assert response.headers["Location"].endswith(f"{BASE}/")


def test_invitation_used_up_while_the_page_was_open(app, demo, monkeypatch):
    first = applicant_client(app)
    start(first, joint=True)
    first.submit(f"{BASE}/second-applicant", {"email": SECOND})
    link = JOIN_LINK.search(last_email(app, SECOND).body).group(1)
    second = applicant_client(app, SECOND)
    _refuse(monkeypatch, "join_application", rules.NotAllowed("invitation_not_found"))
    assert second.submit(link, {}).status_code == 404


def test_joint_check_answers_before_the_partner_joins(app, demo):
    first = applicant_client(app)
    start(first, joint=True)
    check = first.get(f"{BASE}/check").get_data(as_text=True)
    assert "Your partner has not joined the application yet" in check
    assert f'href="{BASE}/second-applicant"' in check


def test_sent_page_after_the_decision_leads_to_the_application(app, demo):
    client = applicant_client(app)
    start(client)
    with app.app_context():
        db.session.scalar(select(Application)).status = ApplicationStatus.STAGE_ONE
        db.session.commit()
    assert client.get(f"{BASE}/sent").headers["Location"].endswith("/my-application/")


def test_about_you_is_shown_back_and_checks_real_dates(app, demo):
    client = applicant_client(app)
    start(client)
    # Filled in from the account to begin with.
    assert 'value="Sam Taylor"' in client.get(f"{BASE}/about-you").get_data(as_text=True)
    answer(client, "about-you", own_answers("Sam Taylor")["about-you"])
    page = client.get(f"{BASE}/about-you").get_data(as_text=True)
    assert 'value="1985"' in page and "Sam Taylor" in page
    response = client.submit(f"{BASE}/about-you", {**own_answers("Sam")["about-you"], "date_of_birth": ["31", "2", "1985"]})
    assert "Date of birth must be a real date" in response.get_data(as_text=True)


def test_rows_of_unanswered_questions_say_not_given(app):
    from portal.adopting.registration_presenters import section_rows

    with app.test_request_context():
        rows = section_rows("about_you", {}, {})
        assert [str(r.value_html) for r in rows] == ["Not given"] * 6


@pytest.mark.parametrize("language", ["cy", "pl", "ur", "pa"])
def test_pages_in_every_language(app, demo, language):
    client = applicant_client(app)
    client.get(f"{BASE}/start?lang={language}")
    assert client.get(f"{BASE}/start").status_code == 200
    start(client, joint=True)
    answer_household(client, joint=True)
    answer_own(client, "Sam Taylor")
    client.submit(f"{BASE}/second-applicant", {"email": SECOND})
    for url in ("/", "/home", "/household", "/children-hoped-for", "/about-you", "/second-applicant", "/check"):
        response = client.get(f"{BASE}{url}")
        assert response.status_code == 200
        assert f'lang="{language}"' in response.get_data(as_text=True)
    response = client.submit(f"{BASE}/about-you", {})
    assert response.status_code == 200


def test_start_pressed_in_ten_tabs_at_once_makes_one_application(app, demo):
    import threading

    client = applicant_client(app)
    token = client.csrf_token(f"{BASE}/start")
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"], domain="portal.test")
    results: list[int] = []
    barrier = threading.Barrier(10)

    def press_start() -> None:
        other = app.test_client()
        other.set_cookie(cookie.key, cookie.value, domain="portal.test")
        barrier.wait()
        results.append(other.post(f"{BASE}/start", data={"csrf_token": token, "joint": "single"}).status_code)

    threads = [threading.Thread(target=press_start) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(set(results)) == [302]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Application)) == 1


def test_an_answer_of_only_spaces_counts_as_empty(app, demo):
    client = applicant_client(app)
    start(client)
    response = client.submit(f"{BASE}/motivation", {"motivation": "   \r\n   "})
    assert response.status_code == 200
    assert client.last_page.title.startswith("Error: ")
    with app.app_context():
        application = db.session.scalar(select(Application))
        assert "motivation" not in application.completed_sections
