from __future__ import annotations

import threading

from sqlalchemy import func, select

from portal.adopting.models import Enquiry
from portal.core.db import db
from portal.core.outbox import OutboxMessage

ABOUT = {"full_name": "Siân Ó Briain-Kowalska", "email": "sian@example.com", "phone": "01632 960 001"}
WHERE = {"authority": "solihull"}
ENQUIRY = {"adoption_type": "step_parent", "wants": ["information_pack", "call"], "source": "other", "source_other": "A poster at the library"}
COMMUNICATION = {"preferred_language": "cy", "communication_needs": ["interpreter", "large_print"], "interpreter_language": "Pwyleg"}


def answer_everything(client):
    for slug, answers in [("about-you", ABOUT), ("where-you-live", WHERE), ("your-enquiry", ENQUIRY), ("communication", COMMUNICATION)]:
        response = client.submit(f"/adopt/enquiry/{slug}", answers)
        assert response.status_code == 302, (slug, response.get_data(as_text=True)[:2000])
    return response


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_whole_journey_records_one_enquiry_and_queues_a_welsh_email(app, client, demo):
    before = count(app, Enquiry)
    last = answer_everything(client)
    assert last.headers["Location"].endswith("/adopt/enquiry/check-answers")
    check = client.get("/adopt/enquiry/check-answers")
    text = check.get_data(as_text=True)
    assert "Siân Ó Briain-Kowalska" in text
    assert "Solihull" in text
    assert "A poster at the library" in text
    assert "Pwyleg" in text
    response = client.submit("/adopt/enquiry/check-answers", {})
    assert response.headers["Location"].endswith("/adopt/enquiry/sent")
    sent = client.get("/adopt/enquiry/sent")
    assert "ENQ-" in sent.get_data(as_text=True)
    assert count(app, Enquiry) == before + 1
    with app.app_context():
        enquiry = db.session.scalar(select(Enquiry).order_by(Enquiry.id.desc()))
        assert enquiry.authority.slug == "solihull"
        assert enquiry.communication_needs == ["interpreter", "large_print"]
        assert enquiry.source == "other"
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "sian@example.com"))
        assert message.locale == "cy"
        assert enquiry.reference in message.body
        # The email carries the reference and nothing else about the person.
        assert "Siân" not in message.body


def test_pages_redirect_to_the_first_unanswered_question(client, demo):
    response = client.get("/adopt/enquiry/check-answers")
    assert response.headers["Location"].endswith("/adopt/enquiry/about-you")
    client.submit("/adopt/enquiry/about-you", ABOUT)
    response = client.get("/adopt/enquiry/check-answers")
    assert response.headers["Location"].endswith("/adopt/enquiry/where-you-live")


def test_unknown_question_is_404(client, demo):
    assert client.get("/adopt/enquiry/favourite-colour").status_code == 404


def test_empty_answers_get_messages_beside_each_field_and_in_the_summary(client, demo):
    response = client.submit("/adopt/enquiry/about-you", {"full_name": "", "email": ""})
    assert response.status_code == 200
    page = client.last_page
    assert page.title.startswith("Error: About you")
    text = response.get_data(as_text=True)
    assert text.count("Enter your full name") == 2  # summary and beside the field
    assert text.count("Enter your email address") == 2


def test_bad_answers_are_redisplayed_with_clear_messages(client, demo):
    bad = {"full_name": "A" * 201, "email": "not-an-email", "phone": "call me maybe"}
    response = client.submit("/adopt/enquiry/about-you", bad)
    text = response.get_data(as_text=True)
    assert "Full name must be 200 characters or fewer" in text
    assert "Enter an email address in the correct format" in text
    assert "Enter a phone number" in text
    assert 'value="not-an-email"' in text
    assert 'value="call me maybe"' in text


def test_invisible_direction_overrides_are_refused(client, demo):
    response = client.submit("/adopt/enquiry/about-you", {**ABOUT, "full_name": "Eve\u202eevil"})
    assert "Remove any unusual or invisible characters" in response.get_data(as_text=True)


def test_conditional_answers_are_required_only_when_chosen(client, demo):
    client.submit("/adopt/enquiry/about-you", ABOUT)
    client.submit("/adopt/enquiry/where-you-live", WHERE)
    response = client.submit("/adopt/enquiry/your-enquiry", {**ENQUIRY, "source_other": ""})
    assert "Tell us where you heard about us" in response.get_data(as_text=True)
    response = client.submit("/adopt/enquiry/your-enquiry", {**ENQUIRY, "source": "social_media", "source_other": ""})
    assert response.status_code == 302
    response = client.submit("/adopt/enquiry/communication", {"preferred_language": "other", "communication_needs": ["interpreter", "other"]})
    text = response.get_data(as_text=True)
    assert "Enter the language you would like us to use" in text
    assert "Enter the language the interpreter should speak" in text
    assert "Tell us what you need" in text


def test_a_choice_that_was_never_offered_is_refused(client, demo):
    client.submit("/adopt/enquiry/about-you", ABOUT)
    response = client.submit("/adopt/enquiry/where-you-live", {"authority": "atlantis"})
    assert response.status_code == 200
    assert "Select the council area you live in" in response.get_data(as_text=True)


def test_answers_survive_going_back(client, demo):
    answer_everything(client)
    page = client.get("/adopt/enquiry/about-you").get_data(as_text=True)
    assert 'value="Siân Ó Briain-Kowalska"' in page


def test_double_click_sends_one_enquiry(app, client, demo):
    answer_everything(client)
    token = client.csrf_token("/adopt/enquiry/check-answers")
    first = client.post("/adopt/enquiry/check-answers", data={"csrf_token": token})
    second = client.post("/adopt/enquiry/check-answers", data={"csrf_token": token})
    assert first.headers["Location"].endswith("/adopt/enquiry/sent")
    assert second.headers["Location"].endswith("/adopt/enquiry/sent")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Enquiry).where(Enquiry.email == ABOUT["email"])) == 1


def test_ten_parallel_submissions_make_one_enquiry(app, client, demo):
    answer_everything(client)
    token = client.csrf_token("/adopt/enquiry/check-answers")
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"], domain="portal.test")
    results: list[int] = []
    barrier = threading.Barrier(10)

    def send() -> None:
        other = app.test_client()
        other.set_cookie(cookie.key, cookie.value, domain="portal.test")
        barrier.wait()
        results.append(other.post("/adopt/enquiry/check-answers", data={"csrf_token": token}).status_code)

    threads = [threading.Thread(target=send) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(set(results)) == [302]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Enquiry).where(Enquiry.email == ABOUT["email"])) == 1
        assert db.session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.recipient == ABOUT["email"])
        ) == 1


def test_an_expired_form_keeps_the_answers(client, demo):
    client.get("/adopt/enquiry/about-you")
    response = client.post(
        "/adopt/enquiry/about-you",
        data={"csrf_token": "expired", **ABOUT},
        headers={"Origin": "http://portal.test"},
    )
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Your page timed out" in text
    assert 'value="Siân Ó Briain-Kowalska"' in text
    # Sending them again from that page works.
    token = client.last_page and __import__("re").search(r'name="csrf_token" value="([^"]+)"', text).group(1)
    response = client.post("/adopt/enquiry/about-you", data={"csrf_token": token, **ABOUT})
    assert response.status_code == 302


def test_a_cross_site_post_gets_no_answers_echoed(client, demo):
    response = client.post(
        "/adopt/enquiry/about-you", data={"csrf_token": "x", **ABOUT}, headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 400
    assert "Siân" not in response.get_data(as_text=True)


def test_welsh_journey_shows_welsh_errors(client, demo):
    client.get("/?lang=cy")
    response = client.submit("/adopt/enquiry/about-you", {"full_name": "", "email": ""})
    page = client.last_page
    assert page.tree.get("lang") == "cy"
    assert "Enter your full name" not in response.get_data(as_text=True)


def test_every_group_of_radios_and_checkboxes_has_its_question_as_a_legend(client, demo):
    """A template that only styles a legend must not lose the question it asks."""
    import re

    client.submit("/adopt/enquiry/about-you", ABOUT)
    client.submit("/adopt/enquiry/where-you-live", WHERE)
    html = client.get("/adopt/enquiry/your-enquiry").get_data(as_text=True)
    legends = re.findall(r"<legend[^>]*>\s*(.*?)\s*</legend>", html, re.S)
    assert legends == ["What would you like to know about?", "What would you like from us?", "How did you hear about us?"]
    assert html.count("<fieldset") == 3
    assert 'id="adoption_type-hint"' not in html  # no empty hint for a question without one
