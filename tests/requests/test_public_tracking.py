"""Following a request: the person's list, the tracking page, secure messages, claiming a request
made without an account, and nobody else's request ever being found."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.accounts.models import PublicUser, StaffUser
from portal.core.db import db
from portal.requests import rules
from portal.requests.models import RequestMessage, ServiceRequest
from tests.accounts.public_support import last_email, make_account, sign_in
from tests.requests.test_public_journey import (
    CODE,
    REFERENCE,
    answer_everything,
    assert_exit_link,
    send,
)

OTHER = "alex.other@people.example"


def make_request_without_account(client) -> tuple[str, str]:
    answer_everything(client, "birth-relative-support")
    sent = send(client, "birth-relative-support")
    return REFERENCE.search(sent).group(1), CODE.search(sent).group(1)


def owned_request(app, email: str = "sam.taylor@people.example"):
    """A signed-in account holder with one request of their own; gives back the client and its id."""
    make_account(app, email=email)
    client = sign_in(app, email)
    answer_everything(client, "general-advice")
    send(client, "general-advice")
    with app.app_context():
        person = db.session.scalar(select(PublicUser).where(PublicUser.email == email))
        return client, rules.requests_of(person)[0].public_id


def find(app, public_id: str) -> ServiceRequest:
    return db.session.scalar(select(ServiceRequest).where(ServiceRequest.public_id == public_id))


def test_claim_with_the_right_code_adds_the_request(app, client, demo):
    reference, code = make_request_without_account(client)
    make_account(app)
    person = sign_in(app)
    assert reference not in person.get("/requests/mine").get_data(as_text=True)
    page = person.get("/requests/claim")
    assert page.status_code == 200
    assert_exit_link(person)
    # People copy codes with spaces or in lower case.
    response = person.submit("/requests/claim", {"reference": reference.lower(), "code": code.lower().replace("-", " ")})
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    followed = person.get(response.headers["Location"])
    assert reference in followed.get_data(as_text=True)
    assert "The request has been added to your account" in followed.get_data(as_text=True)
    assert reference in person.get("/requests/mine").get_data(as_text=True)


def test_wrong_code_unknown_reference_and_second_claim_get_the_same_answer(app, client, demo):
    reference, code = make_request_without_account(client)
    make_account(app)
    make_account(app, email=OTHER)
    person = sign_in(app)
    message = "The reference number or claim code is not right. Check them and try again."
    answers = [
        {"reference": reference, "code": "AAAA-AAAA"},
        {"reference": "REQ-0000-0000", "code": code},
    ]
    for answer in answers:
        response = person.submit("/requests/claim", answer)
        assert response.status_code == 200
        assert person.last_page.title.startswith("Error: ")
        text = response.get_data(as_text=True)
        assert text.count(message) == 2
        assert_exit_link(person)
    assert person.submit("/requests/claim", {"reference": reference, "code": code}).status_code == 302
    # Claimed once: nobody (not even the same person) can claim it again.
    other = sign_in(app, OTHER)
    response = other.submit("/requests/claim", {"reference": reference, "code": code})
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert reference not in other.get("/requests/mine").get_data(as_text=True)


def test_claim_needs_both_answers(app, demo):
    make_account(app)
    person = sign_in(app)
    response = person.submit("/requests/claim", {"reference": "", "code": ""})
    text = response.get_data(as_text=True)
    assert text.count("Enter the reference number") == 2 and text.count("Enter the claim code") == 2


def test_claim_attempts_are_rate_limited(app, demo):
    make_account(app)
    person = sign_in(app)
    app.config["SIGN_IN_LIMIT"] = "3 per minute"
    try:
        statuses = [person.submit("/requests/claim", {"reference": "REQ-0000-0000", "code": "AAAA-AAAA"}).status_code for _ in range(5)]
    finally:
        app.config["SIGN_IN_LIMIT"] = "10000 per minute"
    assert statuses[:3] == [200, 200, 200] and statuses[-1] == 429


def test_tracking_needs_an_account(client, demo):
    for url in ["/requests/mine", "/requests/claim", "/requests/abc123"]:
        response = client.get(url)
        assert response.status_code == 302 and "/account/sign-in" in response.headers["Location"]


def test_another_persons_request_is_not_found(app, demo):
    _, mine = owned_request(app)
    make_account(app, email=OTHER)
    other = sign_in(app, OTHER)
    assert other.get(f"/requests/{mine}").status_code == 404
    token = other.csrf_token("/requests/claim")
    assert other.post(f"/requests/{mine}/messages", data={"csrf_token": token, "body": "Hello"}).status_code == 404
    assert other.get("/requests/not-a-real-id").status_code == 404


def test_messages_both_ways(app, demo):
    from portal.demo import DEMO_STAFF

    client, public_id = owned_request(app)
    page = client.get(f"/requests/{public_id}").get_data(as_text=True)
    assert "There are no messages yet" in page
    response = client.submit(f"/requests/{public_id}/messages", {"body": "Can we talk on Tuesday?\nAfter 10am."}, page=f"/requests/{public_id}")
    assert response.status_code == 302
    with app.app_context():
        request = find(app, public_id)
        worker = db.session.scalar(select(StaffUser).where(StaffUser.email == DEMO_STAFF))
        rules.allocate(request, worker, None)
        request.next_step = "I will phone you on Tuesday"
        rules.send_staff_message(request, worker, "Tuesday is fine <b>see you</b>")
        db.session.commit()
        worker_name = worker.name
    email = last_email(app, "sam.taylor@people.example", "request-new-message")
    assert f"/requests/{public_id}" in email.body and "Tuesday" not in email.body
    page = client.get(f"/requests/{public_id}")
    assert_exit_link(client)
    text = page.get_data(as_text=True)
    assert text.index("Can we talk on Tuesday?") < text.index("Tuesday is fine")
    assert "Can we talk on Tuesday?<br>After 10am." in text
    assert "&lt;b&gt;see you&lt;/b&gt;" in text
    assert ">You<" in text and ">Your worker<" in text
    assert worker_name in text and "I will phone you on Tuesday" in text and "Worker allocated" in text


def test_an_empty_or_long_message_is_refused(app, demo):
    client, public_id = owned_request(app)
    response = client.submit(f"/requests/{public_id}/messages", {"body": ""}, page=f"/requests/{public_id}")
    assert response.status_code == 200
    assert client.last_page.title.startswith("Error: ")
    assert response.get_data(as_text=True).count("Enter your message") == 2
    # Only spaces and line breaks is no message either.
    response = client.submit(f"/requests/{public_id}/messages", {"body": "  \r\n  "}, page=f"/requests/{public_id}")
    assert response.get_data(as_text=True).count("Enter your message") == 2
    response = client.submit(f"/requests/{public_id}/messages", {"body": "z" * 5001}, page=f"/requests/{public_id}")
    text = response.get_data(as_text=True)
    assert "Message must be 5000 characters or fewer" in text and "z" * 5001 in text
    with app.app_context():
        assert db.session.scalar(select(RequestMessage).limit(1)) is None


@pytest.mark.parametrize("move", ["signpost", "decline"])
def test_a_closed_request_shows_why_and_takes_no_replies(app, demo, move):
    client, public_id = owned_request(app)
    token = client.csrf_token(f"/requests/{public_id}")
    with app.app_context():
        getattr(rules, move)(find(app, public_id), "Try the national helpline", None)
        db.session.commit()
    page = client.get(f"/requests/{public_id}").get_data(as_text=True)
    assert "Try the national helpline" in page and "This request is closed" in page
    assert 'name="body"' not in page
    response = client.post(f"/requests/{public_id}/messages", data={"csrf_token": token, "body": "Hello?"})
    assert response.status_code == 302
    assert "your message was not sent" in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(RequestMessage).limit(1)) is None


def test_my_requests_lists_only_mine(app, demo):
    _, mine = owned_request(app)
    other, theirs = owned_request(app, OTHER)
    text = other.get("/requests/mine").get_data(as_text=True)
    assert theirs in text and mine not in text
