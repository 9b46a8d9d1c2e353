"""The families' "Ask for support" journey: end to end, the checks on every page, the emergency
numbers, who is responsible, sending once, and who may use it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.core.db import db
from portal.support.models import SupportReferral
from tests.accounts.public_support import last_email, make_account, sign_in

EMAIL = "parent@people.example"
ASK = "/support/ask"
TODAY = date.today()


def _d(value: date) -> list[str]:
    return [str(value.day), str(value.month), str(value.year)]


def child(number: int = 1, name: str = "Ava", order: date | None = date(2024, 6, 3), placing: str = "coventry", other: str = "") -> dict:
    prefix = f"child{number}_"
    return {
        prefix + "first_name": name,
        prefix + "date_of_birth": _d(date(2018, 5, 1)),
        prefix + "placed_on": _d(date(2020, 9, 1)),
        prefix + "order_made_on": _d(order) if order else ["", "", ""],
        prefix + "placing_authority": placing,
        prefix + "placing_authority_other": other,
    }


ANSWERS = {
    "who-you-are": {"role": "special_guardian"},
    "your-family": {"household": "My partner Jo and our son Ben, 14"},
    "your-children": child(),
    "where-you-live": {"home": "warwickshire", "home_elsewhere": ""},
    "what-is-happening": {"happening": "Ava is struggling at school", "help": "Therapy, please"},
    "risk": {"at_risk": "no"},
    "consent": {"consent": "yes"},
}


@pytest.fixture
def family(app, demo):
    make_account(app, email=EMAIL)
    return sign_in(app, EMAIL)


def answer(client, page: str, data: dict) -> object:
    return client.submit(f"{ASK}/{page}", data)


def answer_everything(client, **changes: dict) -> None:
    for page, data in ANSWERS.items():
        response = answer(client, page, changes.get(page, data))
        assert response.status_code == 302, (page, response.get_data(as_text=True)[-3000:])
    assert response.headers["Location"].endswith(f"{ASK}/check-answers")


def send(client) -> str:
    response = client.submit(f"{ASK}/check-answers", {})
    assert response.headers["Location"].endswith(f"{ASK}/sent"), response.get_data(as_text=True)[-2000:]
    return client.get(f"{ASK}/sent").get_data(as_text=True)


def referrals(app) -> list[SupportReferral]:
    with app.app_context():
        found = list(db.session.scalars(select(SupportReferral).order_by(SupportReferral.id)))
        for referral in found:
            _ = referral.children, referral.home_authority
            for c in referral.children:
                _ = c.placing_authority
        db.session.expunge_all()
        return found


def test_the_start_page_explains_what_happens(family):
    page = family.get(ASK).get_data(as_text=True)
    assert "within 5 working days" in page
    assert "Exit this page" in page
    assert f'href="{ASK}/who-you-are"' in page


def test_a_family_asks_for_support_end_to_end(app, family):
    two_children = {**child(), **child(2, "Leo", order=None, placing="elsewhere", other="Cardiff Council")}
    answer(family, "who-you-are", ANSWERS["who-you-are"])
    answer(family, "your-family", ANSWERS["your-family"])
    # "Add another child" works without JavaScript: a second set of questions appears.
    response = family.submit(f"{ASK}/your-children", {**child(), "add_child": "Add another child"})
    assert response.headers["Location"].endswith(f"{ASK}/your-children#child-2")
    page = family.get(f"{ASK}/your-children").get_data(as_text=True)
    assert 'id="child-2"' in page and 'value="Ava"' in page
    answer_everything(family, **{"your-children": two_children, "risk": {"at_risk": "yes"}})
    check = family.get(f"{ASK}/check-answers").get_data(as_text=True)
    for words in ("Special guardian", "My partner Jo", "Ava", "Leo", "Cardiff Council", "Not made yet", "Warwickshire", "Therapy, please"):
        assert words in check
    assert "999" in check
    sent = send(family)
    [referral] = referrals(app)
    assert referral.reference in sent
    assert referral.urgent and referral.consent_to_share
    assert referral.role == "special_guardian"
    assert referral.home_authority.name == "Warwickshire"
    assert referral.answers == {"household": "My partner Jo and our son Ben, 14", "happening": "Ava is struggling at school", "help": "Therapy, please"}
    ava, leo = referral.children
    assert (ava.first_name, ava.date_of_birth, ava.placed_on, ava.order_made_on) == ("Ava", date(2018, 5, 1), date(2020, 9, 1), date(2024, 6, 3))
    assert ava.placing_authority.name == "Coventry"
    assert (leo.order_made_on, leo.placing_authority_id, leo.placing_authority_other) == (None, None, "Cardiff Council")
    assert last_email(app, EMAIL, "support-received").locale == "en"
    # The draft is gone: starting again starts from the first question.
    assert family.get(f"{ASK}/check-answers").headers["Location"].endswith(ASK)


def test_the_acknowledgement_is_in_the_persons_language(app, demo):
    make_account(app, email="rodzic@people.example", language="pl")
    client = sign_in(app, "rodzic@people.example")
    page = client.get(ASK).get_data(as_text=True)
    assert 'lang="pl"' in page and "govuk-exit-this-page" in page
    answer_everything(client)
    send(client)
    assert last_email(app, "rodzic@people.example", "support-received").locale == "pl"


def test_pressing_send_twice_makes_one_referral(app, family):
    answer_everything(family)
    first = send(family)
    again = family.submit(f"{ASK}/check-answers", {}, page=f"{ASK}/sent")
    assert again.headers["Location"].endswith(f"{ASK}/sent")
    assert len(referrals(app)) == 1
    assert referrals(app)[0].reference in first


@pytest.mark.parametrize(
    ("page", "data", "field", "message"),
    [
        ("who-you-are", {}, "role", "Select whether you are an adoptive parent or a special guardian"),
        ("who-you-are", {"role": "uncle"}, "role", "Select whether you are an adoptive parent or a special guardian"),
        ("your-family", {"household": ""}, "household", "Tell us who else lives in your household"),
        ("your-family", {"household": "x" * 3001}, "household", "Answer must be 3000 characters or fewer"),
        ("your-children", {}, "child1_first_name", "Enter the child&#39;s first name"),
        ("your-children", {}, "child1_date_of_birth", "Enter the child&#39;s date of birth"),
        ("your-children", {}, "child1_placing_authority", "Select the council that placed the child"),
        ("your-children", {**child(), "child1_date_of_birth": ["31", "2", "2019"]}, "child1_date_of_birth", "Date of birth must be a real date"),
        ("your-children", {**child(), "child1_date_of_birth": _d(TODAY + timedelta(days=1))}, "child1_date_of_birth", "Date of birth must be today or in the past"),
        ("your-children", {**child(), "child1_placed_on": _d(date(2017, 1, 1))}, "child1_placed_on", "Date placed must be the same as or after the date of birth"),
        ("your-children", {**child(), "child1_placed_on": ["", "", ""]}, "child1_placed_on", "Enter the date the child was placed with you"),
        ("your-children", {**child(), "child1_order_made_on": _d(date(2019, 1, 1))}, "child1_order_made_on", "Date of the order must be the same as or after the date placed"),
        ("your-children", {**child(), "child1_order_made_on": _d(TODAY + timedelta(days=3))}, "child1_order_made_on", "Date of the order must be today or in the past"),
        ("your-children", {**child(), "child1_order_made_on": ["1", "13", "2024"]}, "child1_order_made_on", "Date of the order must be a real date"),
        ("your-children", child(placing="elsewhere"), "child1_placing_authority_other", "Enter the name of the council that placed the child"),
        ("where-you-live", {}, "home", "Select where you live now"),
        ("where-you-live", {"home": "elsewhere"}, "home_elsewhere", "Enter the name of the council where you live"),
        ("what-is-happening", {"happening": "", "help": ""}, "happening", "Tell us what is happening"),
        ("what-is-happening", {"happening": "x", "help": ""}, "help", "Tell us what help you would like"),
        ("risk", {}, "at_risk", "Select yes if anyone is at risk of harm right now"),
        ("consent", {"consent": "maybe"}, "consent", "Select yes if we can share your request with the local council"),
    ],
)
def test_each_page_says_what_is_wrong_beside_the_field(family, page, data, field, message):
    response = answer(family, page, data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    assert f'id="{field}-error"' in html
    assert "Exit this page" in html
    assert not referrals_made(family)


def referrals_made(client) -> int:
    with client.application.app_context():
        return db.session.scalar(select(func.count()).select_from(SupportReferral)) or 0


def test_values_are_shown_again_when_a_page_has_an_error(family):
    html = answer(family, "your-children", {**child(name="Zoë"), "child1_date_of_birth": ["31", "2", "2019"]}).get_data(as_text=True)
    assert 'value="Zoë"' in html and 'value="31"' in html and 'value="2020"' in html


def test_an_empty_extra_child_is_left_out(app, family):
    family.submit(f"{ASK}/your-children", {**child(), "add_child": "Add another child"})
    response = answer(family, "your-children", child())
    assert response.status_code == 302
    answer_everything(family)
    send(family)
    assert [c.first_name for c in referrals(app)[0].children] == ["Ava"]


def test_saying_someone_is_at_risk_shows_the_emergency_numbers_at_once(family):
    assert "01632 960 000" not in family.get(f"{ASK}/consent").get_data(as_text=True)
    response = answer(family, "risk", {"at_risk": "yes"})
    page = family.get(response.headers["Location"]).get_data(as_text=True)
    assert "call 999" in page
    assert "01632 960 000" in page and "Monday to Friday, 9am to 5pm" in page
    assert "emergency duty team" in page
    # The same on the next page when it has to be shown again with an error.
    assert "call 999" in answer(family, "consent", {}).get_data(as_text=True)


def test_a_family_outside_the_region_is_told_whom_to_contact(app, family):
    old_order = {**child(order=date(2021, 1, 4))}
    answer_everything(family, **{"your-children": old_order, "where-you-live": {"home": "elsewhere", "home_elsewhere": "Cardiff"}})
    sent = send(family)
    assert "contact the adoption support service of the council where you live" in sent
    assert "We keep your request" in sent
    [referral] = referrals(app)
    assert referral.home_authority_id is None and referral.home_elsewhere == "Cardiff"


def test_the_sent_page_says_who_is_responsible_in_the_first_3_years(family):
    recent = TODAY - timedelta(days=400)
    answer_everything(family, **{"your-children": {**child(order=recent), "child1_placed_on": _d(recent - timedelta(days=200))}})
    sent = send(family)
    assert "Coventry (the council that placed them) is responsible until" in sent
    assert str(recent.year + 3) in sent


def test_the_sent_page_says_the_home_council_is_responsible_after_3_years(family):
    answer_everything(family, **{"your-children": child(order=date(2021, 1, 4))})
    sent = send(family)
    assert "Warwickshire (the council where you live) is responsible" in sent


def test_someone_not_signed_in_is_sent_to_sign_in(client, demo):
    for url in (ASK, f"{ASK}/who-you-are", f"{ASK}/check-answers", f"{ASK}/sent"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/account/sign-in" in response.headers["Location"]


def test_staff_do_not_see_the_journey(staff_client):
    for url in (ASK, f"{ASK}/who-you-are", f"{ASK}/check-answers", f"{ASK}/sent"):
        assert staff_client.get(url).status_code == 404


def test_an_unknown_page_is_not_found(family):
    assert family.get(f"{ASK}/nothing-here").status_code == 404


def test_the_check_page_sends_back_to_an_unanswered_question(family):
    answer(family, "who-you-are", ANSWERS["who-you-are"])
    assert family.get(f"{ASK}/check-answers").headers["Location"].endswith(f"{ASK}/your-family")
