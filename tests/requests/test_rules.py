"""The request rules on their own: who may ask, the moves, the clocks, claiming and messages."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from portal.accounts.models import PublicUser, StaffUser
from portal.core.db import db
from portal.core.outbox import OutboxMessage
from portal.core.timescales import Timeliness
from portal.requests import rules
from portal.requests.models import RequestKind, RequestStatus, ServiceRequest


def details(kind=RequestKind.GENERAL_ADVICE, relation="birth_mother", born=None, email="kim@example.com", methods=None):
    return rules.RequestDetails(
        kind=kind,
        full_name="Kim",
        email=email,
        phone="",
        date_of_birth=born,
        relation=relation,
        authority=None,
        answers={"question": "What can I do?"},
        contact_methods=methods if methods is not None else ["email"],
        safe_contact=["do_not_phone"],
        safe_times="",
        preferred_language="pl",
        communication_needs=[],
        interpreter_language="",
        communication_other="",
    )


def test_who_may_ask_for_what():
    today = date(2026, 11, 25)
    rules.check_eligible(RequestKind.BIRTH_RECORDS, "adopted_adult", date(2008, 11, 25), today)
    with pytest.raises(rules.NotEligible):
        rules.check_eligible(RequestKind.BIRTH_RECORDS, "adopted_adult", date(2008, 11, 26), today)
    with pytest.raises(rules.NotEligible):
        rules.check_eligible(RequestKind.BIRTH_RECORDS, "adopted_adult", None, today)
    with pytest.raises(rules.NotEligible):
        rules.check_eligible(RequestKind.BIRTH_RECORDS, "birth_mother", date(1980, 1, 1), today)
    with pytest.raises(rules.NotEligible):
        rules.check_eligible(RequestKind.BIRTH_RELATIVE_SUPPORT, "adoptive_parent", None, today)
    assert rules.age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert rules.age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


def test_a_request_without_an_account_gets_a_claim_code_once(app, demo):
    with app.test_request_context():
        request, code = rules.submit_request("key-1", details(), None)
        again, no_code = rules.submit_request("key-1", details(), None)
        db.session.commit()
        assert again.id == request.id and no_code is None
        assert code and request.claim_code_hash and code not in request.claim_code_hash
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.template == "request-received"))
        assert message.locale == "pl" and request.reference in message.body and "Kim" not in message.body


def test_no_receipt_by_email_when_email_is_not_a_safe_way(app, demo):
    with app.test_request_context():
        rules.submit_request("key-2", details(methods=["phone"]), None)
        db.session.commit()
        assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.template == "request-received")) is None


def test_claiming_needs_the_right_code_and_works_once(app, demo):
    with app.test_request_context():
        request, code = rules.submit_request("key-3", details(), None)
        person = PublicUser(email="kim@example.com", name="Kim")
        other = PublicUser(email="other@example.com", name="Other")
        db.session.add_all([person, other])
        db.session.flush()
        assert rules.claim_request(person, request.reference, "WRONG-CODE") is None
        assert rules.claim_request(person, "REQ-0000-0000", code) is None
        assert rules.claim_request(person, request.reference.lower(), code.lower().replace("-", " ")) is request
        assert request.public_user_id == person.id and request.claim_code_hash is None
        assert rules.claim_request(other, request.reference, code) is None
        assert rules.find_for_person(other, request.public_id) is None
        assert rules.find_for_person(person, request.public_id) is request


def test_the_moves_and_the_clocks(app, demo):
    with app.test_request_context():
        request, _ = rules.submit_request("key-4", details(), None)
        request.received_at = datetime(2026, 10, 1, 9, tzinfo=UTC)
        db.session.flush()
        worker = db.session.scalar(select(StaffUser).where(StaffUser.email == "team.manager@ace.example"))
        clock = rules.clock_for(request, date(2026, 10, 28))  # 19 working days later
        assert (clock.stage, clock.timeliness) == ("allocation", Timeliness.DUE_SOON)
        assert rules.clock_for(request, date(2026, 10, 30)).timeliness == Timeliness.OVERDUE
        with pytest.raises(rules.IllegalMove):
            rules.record_first_contact(request, None)
        rules.allocate(request, worker, request.version)
        db.session.flush()
        assert request.status == RequestStatus.ALLOCATED
        assert rules.clock_for(request, rules.london_date(request.allocated_at)).stage == "first_contact"
        with pytest.raises(rules.IllegalMove):
            rules.decline(request, "too late", None)
        with pytest.raises(rules.StaleEdit):
            rules.record_first_contact(request, request.version - 1)
        rules.record_first_contact(request, None)
        rules.set_next_step(request, "We will call on Tuesday", None)
        rules.close(request, "Support given", None)
        assert request.status == RequestStatus.CLOSED and request.closed_at
        assert rules.clock_for(request, date(2026, 12, 1)).stage == "none"
        with pytest.raises(rules.IllegalMove):
            rules.set_next_step(request, "more", None)


def test_staff_messages_reach_only_account_holders_and_say_nothing_in_the_email(app, demo):
    with app.test_request_context():
        request, _ = rules.submit_request("key-5", details(), None)
        staff = db.session.scalar(select(StaffUser).where(StaffUser.email == "team.manager@ace.example"))
        with pytest.raises(rules.IllegalMove):
            rules.send_staff_message(request, staff, "Hello")
        person = PublicUser(email="kim@example.com", name="Kim", preferred_language="cy")
        db.session.add(person)
        db.session.flush()
        request.public_user_id = person.id
        rules.send_staff_message(request, staff, "The secret words")
        db.session.flush()
        email = db.session.scalar(select(OutboxMessage).where(OutboxMessage.template == "request-new-message"))
        assert email.locale == "cy" and "secret words" not in email.body
        assert f"/requests/{request.public_id}" in email.body


def test_queue_filters_and_scopes(app, demo):
    with app.test_request_context():
        for i, kind in enumerate(RequestKind):
            relation = "adopted_adult" if kind == RequestKind.BIRTH_RECORDS else "birth_mother"
            born = date(1980, 1, 1) if kind == RequestKind.BIRTH_RECORDS else None
            rules.submit_request(f"q-{i}", details(kind=kind, relation=relation, born=born), None)
        db.session.flush()
        rows, total = rules.queue(None, rules.OPEN, None, date(2026, 11, 25), 1, 50)
        assert total >= 5
        rows, total = rules.queue("birth_records", None, None, date(2026, 11, 25), 1, 50)
        assert {r.request.kind for r in rows} == {"birth_records"}
        # A spoke sees none of these: none is in its authority.
        rows, total = rules.queue(None, rules.OPEN, 999999, date(2026, 11, 25), 1, 50)
        assert total == 0
        assert db.session.scalar(select(ServiceRequest).limit(1)) is not None


def test_the_error_summary_links_a_date_to_its_day_box(client, demo):
    response = client.submit("/requests/birth-records/about-you", {})
    html = response.get_data(as_text=True)
    assert 'href="#date_of_birth-day"' in html
    assert 'id="date_of_birth-day"' in html


@pytest.mark.parametrize("posted", [{}, {"date_of_birth": "1"}, {"date_of_birth": ["1", "2", "1990", "4"]}])
def test_a_date_posted_with_missing_or_extra_boxes_gets_a_message_not_a_crash(client, demo, posted):
    response = client.submit("/requests/birth-records/about-you", {"full_name": "Kim", **posted})
    assert response.status_code == 200
    assert response.get_data(as_text=True).count('govuk-date-input__item') == 3
    if len(posted.get("date_of_birth", [])) < 3:
        assert "date of birth" in response.get_data(as_text=True).lower()
