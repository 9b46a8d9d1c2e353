"""The staff side of requests: queue, case page, triage and every move, scoping, messages, clocks."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from itertools import count

import pytest
from sqlalchemy import select

from portal.accounts.models import PublicUser, StaffRole, StaffUser
from portal.accounts.rules import create_staff
from portal.agency.models import PartnerAuthority
from portal.core.audit import AuditEvent
from portal.core.db import db, new_reference
from portal.core.outbox import OutboxMessage
from portal.core.timescales import LONDON, today_london, working_days_between
from portal.requests.models import (
    RequestKind,
    RequestMessage,
    RequestStatus,
    ServiceRequest,
)

_keys = count()


def make_request(app, authority: str | None = "Solihull", **values) -> str:
    """A request straight into the database (the public side is built separately)."""
    with app.app_context():
        area = db.session.scalar(select(PartnerAuthority).where(PartnerAuthority.name == authority)) if authority else None
        request = ServiceRequest(
            reference=new_reference("REQ"),
            submission_key=f"staff-test-{next(_keys)}",
            kind=values.pop("kind", RequestKind.BIRTH_RELATIVE_SUPPORT),
            full_name=values.pop("full_name", "Robin Test"),
            email=values.pop("email", "robin@example.com"),
            relation_to_child=values.pop("relation_to_child", "birth_mother"),
            authority_id=area.id if area else None,
            answers=values.pop("answers", {"stage": "care_proceedings", "needs": "Someone to talk to"}),
            contact_methods=values.pop("contact_methods", ["email"]),
            **values,
        )
        db.session.add(request)
        db.session.commit()
        return request.public_id


def load(app, public_id: str) -> ServiceRequest:
    with app.app_context():
        request = db.session.scalar(select(ServiceRequest).where(ServiceRequest.public_id == public_id))
        db.session.expunge(request)
        return request


def actions(app, public_id: str) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == public_id)))


def staff_public_id(app, email: str) -> str:
    with app.app_context():
        return db.session.scalar(select(StaffUser.public_id).where(StaffUser.email == email))


def working_days_ago(days: int) -> datetime:
    today = today_london()
    start = today
    while working_days_between(start, today) < days:
        start -= timedelta(days=1)
    return datetime.combine(start, time(9, 0), LONDON)


MANAGER = "team.manager@ace.example"


def allocate(app, client, public_id: str, email: str = MANAGER):
    url = f"/staff/requests/{public_id}"
    version = load(app, public_id).version
    return client.submit(f"{url}/allocate", {"worker": staff_public_id(app, email), "version": version}, page=url)


# ---------------------------------------------------------------------------------------------------
# The queue


def test_queue_lists_open_requests_filters_and_marks_safe_contact(app, staff_client):
    make_request(app, full_name="Safe Person", safe_contact=["do_not_phone"])
    make_request(app, kind=RequestKind.BIRTH_RECORDS, relation_to_child="adopted_adult", answers={"known": "x"})
    make_request(app, kind=RequestKind.GENERAL_ADVICE, answers={"question": "?"}, status=RequestStatus.DECLINED)
    text = staff_client.get("/staff/requests/").get_data(as_text=True)
    assert "2 requests" in text
    assert text.count("Safe contact: read first") == 1
    assert "Allocate by" in text and "On time" in text
    assert "Solihull" in text
    text = staff_client.get("/staff/requests/?kind=birth_records").get_data(as_text=True)
    assert "1 request<" in text and "Birth records counselling" in text
    assert "0 requests" in staff_client.get("/staff/requests/?kind=intermediary").get_data(as_text=True)
    assert "1 request<" in staff_client.get("/staff/requests/?status=declined").get_data(as_text=True)
    assert "3 requests" in staff_client.get("/staff/requests/?status=all").get_data(as_text=True)
    # Nonsense filters fall back to the defaults rather than failing.
    assert staff_client.get("/staff/requests/?kind=zzz&status=zzz&page=-4").status_code == 200
    assert staff_client.get("/staff/requests/?page=abc").status_code == 200
    assert "request_queue_viewed" in actions(app, "all")


def test_queue_pages(app, staff_client, monkeypatch):
    from portal.requests import staff

    monkeypatch.setattr(staff, "PER_PAGE", 2)
    for _ in range(3):
        make_request(app)
    first = staff_client.get("/staff/requests/").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Next page" in first
    second = staff_client.get("/staff/requests/?page=2").get_data(as_text=True)
    assert "Previous page" in second


def test_a_request_21_working_days_old_is_overdue_for_allocation(app, staff_client):
    public_id = make_request(app, received_at=working_days_ago(21))
    queue = staff_client.get("/staff/requests/").get_data(as_text=True)
    assert "Allocate by" in queue and "Overdue" in queue
    page = staff_client.get(f"/staff/requests/{public_id}").get_data(as_text=True)
    assert "Allocate by" in page and "Overdue" in page
    allocate(app, staff_client, public_id)
    page = staff_client.get(f"/staff/requests/{public_id}").get_data(as_text=True)
    assert "First contact by" in page and "Overdue" not in page


def test_request_roles_see_the_menu_item_and_others_do_not(staff_client, admin_client):
    assert "/staff/requests/" in staff_client.get("/staff/").get_data(as_text=True)
    assert "/staff/requests/" not in admin_client.get("/staff/").get_data(as_text=True)


# ---------------------------------------------------------------------------------------------------
# The case page


def test_safe_contact_preferences_come_first_on_the_case_page(app, staff_client):
    public_id = make_request(
        app,
        safe_contact=["do_not_phone", "no_voicemail", "email_only", "no_letters"],
        safe_times="Weekdays 10am to 2pm",
        contact_methods=["email", "text"],
        communication_needs=["interpreter"],
        interpreter_language="Polish",
        preferred_language="pl",
    )
    text = staff_client.get(f"/staff/requests/{public_id}").get_data(as_text=True)
    banner = text.index('id="safe-contact-title"')
    assert text.index("<h1") < banner < text.index("govuk-summary-list")
    block = text[banner : text.index("govuk-summary-list")]
    for words in ("Do not phone me", "Do not leave voicemail messages", "Contact me by email only",
                  "Do not send letters to my home", "Weekdays 10am to 2pm", "Email, Text message"):
        assert words in block
    assert "Communication needs: An interpreter: Polish" in text
    assert "Write to this person in:" in text
    assert "Made without an account" in text
    assert "cannot read messages here" in text
    assert "request_viewed" in actions(app, public_id)


def test_a_person_without_preferences_gets_no_banner(app, staff_client):
    public_id = make_request(app)
    text = staff_client.get(f"/staff/requests/{public_id}").get_data(as_text=True)
    assert "safe-contact-title" not in text
    assert "Ways they said we may contact them: Email" in text


# ---------------------------------------------------------------------------------------------------
# Triage and the moves


def test_accept_and_allocate_then_change_worker(app, staff_client):
    with app.app_context():
        create_staff("brw@ace.example", "Demo support worker", "x-long-password-1", roles=[StaffRole.BIRTH_RELATIVE_WORKER])
        db.session.commit()
    public_id = make_request(app)
    url = f"/staff/requests/{public_id}"
    page = staff_client.get(url).get_data(as_text=True)
    assert "Demo team manager" in page and "Demo support worker" in page
    assert "Demo duty worker" not in page.split("Who will work with this person?")[1].split("</fieldset>")[0]
    response = allocate(app, staff_client, public_id)
    assert response.status_code == 302
    request = load(app, public_id)
    assert request.status == RequestStatus.ALLOCATED and request.allocated_at is not None
    page = staff_client.get(url).get_data(as_text=True)
    assert "Worker allocated." in page
    assert "Worker allocated: Demo team manager" in page
    assert "Change worker" in page
    assert allocate(app, staff_client, public_id, "brw@ace.example").status_code == 302
    request = load(app, public_id)
    assert request.status == RequestStatus.ALLOCATED
    assert staff_client.get(url).get_data(as_text=True).count("Worker allocated: ") == 2
    assert actions(app, public_id).count("request_allocated") == 2


def test_allocation_needs_a_worker_from_the_list(app, staff_client):
    public_id = make_request(app)
    url = f"/staff/requests/{public_id}"
    version = load(app, public_id).version
    response = staff_client.submit(f"{url}/allocate", {"version": version}, page=url)
    assert response.status_code == 400
    assert "Select a worker" in response.get_data(as_text=True)
    assert staff_client.last_page.title.startswith("Error:")
    # Staff who cannot hold requests (the duty worker) are not on the list.
    duty = staff_public_id(app, "duty.worker@ace.example")
    response = staff_client.submit(f"{url}/allocate", {"worker": duty, "version": version}, page=url)
    assert response.status_code == 400
    assert load(app, public_id).status == RequestStatus.NEW


@pytest.mark.parametrize(
    ("move", "field", "message", "status", "action"),
    [
        ("signpost", "signpost_reason", "Enter where you have suggested they go and why", RequestStatus.SIGNPOSTED, "request_signpost"),
        ("decline", "decline_reason", "Enter the reason for declining", RequestStatus.DECLINED, "request_decline"),
    ],
)
def test_signpost_and_decline_need_a_reason(app, staff_client, move, field, message, status, action):
    public_id = make_request(app)
    url = f"/staff/requests/{public_id}"
    version = load(app, public_id).version
    missing = staff_client.submit(f"{url}/{move}", {field: "   ", "version": version}, page=url)
    assert missing.status_code == 400
    assert message in missing.get_data(as_text=True)
    assert staff_client.last_page.title.startswith("Error:")
    response = staff_client.submit(f"{url}/{move}", {field: "Try the national register", "version": version}, page=url)
    assert response.status_code == 302
    request = load(app, public_id)
    assert request.status == status
    assert request.outcome_reason == "Try the national register" and request.closed_at is not None
    assert action in actions(app, public_id)
    page = staff_client.get(url).get_data(as_text=True)
    assert "Try the national register" in page
    assert "Accept and allocate" not in page


def test_first_contact_next_step_and_close(app, staff_client):
    public_id = make_request(app, safe_contact=["no_voicemail"])
    url = f"/staff/requests/{public_id}"
    # Not before a worker is allocated.
    early = staff_client.submit(f"{url}/first-contact", {"version": load(app, public_id).version}, page=url)
    assert early.status_code == 409
    assert "after a worker has been allocated" in early.get_data(as_text=True)
    assert staff_client.last_page.title.startswith("Error:")
    allocate(app, staff_client, public_id)
    page = staff_client.get(url).get_data(as_text=True)
    # The reminder sits by the contact form as well as at the top.
    assert page.count("Do not leave voicemail messages") >= 2
    assert staff_client.submit(f"{url}/first-contact", {"version": load(app, public_id).version}, page=url).status_code == 302
    request = load(app, public_id)
    assert request.status == RequestStatus.IN_CONTACT and request.first_contact_at is not None

    missing = staff_client.submit(f"{url}/next-step", {"next_step": "", "version": request.version}, page=url)
    assert missing.status_code == 400 and "Enter the next step" in missing.get_data(as_text=True)
    saved = staff_client.submit(f"{url}/next-step", {"next_step": "We will meet on Tuesday.", "version": request.version}, page=url)
    assert saved.status_code == 302
    assert load(app, public_id).next_step == "We will meet on Tuesday."

    version = load(app, public_id).version
    missing = staff_client.submit(f"{url}/close", {"close_reason": "", "version": version}, page=url)
    assert missing.status_code == 400 and "Enter the reason for closing" in missing.get_data(as_text=True)
    assert staff_client.submit(f"{url}/close", {"close_reason": "Support finished", "version": version}, page=url).status_code == 302
    request = load(app, public_id)
    assert request.status == RequestStatus.CLOSED and request.outcome_reason == "Support finished"
    found = actions(app, public_id)
    for action in ("request_first_contact", "request_next_step_set", "request_close"):
        assert action in found
    page = staff_client.get(url).get_data(as_text=True)
    for words in ("First contact recorded", "Next step for the person changed", "Closed"):
        assert words in page
    # A closed request takes no next step.
    late = staff_client.submit(f"{url}/next-step", {"next_step": "More", "version": request.version}, page=url)
    assert late.status_code == 409 and "This request is closed" in late.get_data(as_text=True)


def test_illegal_moves_are_refused(app, staff_client):
    public_id = make_request(app)
    url = f"/staff/requests/{public_id}"
    close = staff_client.submit(f"{url}/close", {"close_reason": "Done", "version": load(app, public_id).version}, page=url)
    assert close.status_code == 409
    assert "A new request is signposted or declined instead" in close.get_data(as_text=True)
    allocate(app, staff_client, public_id)
    decline = staff_client.submit(f"{url}/decline", {"decline_reason": "No", "version": load(app, public_id).version}, page=url)
    assert decline.status_code == 409
    assert "Only a new request can be declined" in decline.get_data(as_text=True)
    assert staff_client.last_page.title.startswith("Error:")
    assert load(app, public_id).status == RequestStatus.ALLOCATED


def test_two_staff_at_once_the_second_is_told_and_keeps_their_words(app, staff_client, manager_client):
    public_id = make_request(app)
    url = f"/staff/requests/{public_id}"
    seen = load(app, public_id).version
    assert manager_client.submit(f"{url}/next-step", {"next_step": "First words", "version": seen}, page=url).status_code == 302
    stale = staff_client.submit(f"{url}/decline", {"decline_reason": "My careful reason", "version": seen}, page=url)
    assert stale.status_code == 409
    text = stale.get_data(as_text=True)
    assert "Someone else changed this request" in text
    assert "My careful reason" in text
    assert staff_client.last_page.title.startswith("Error:")
    request = load(app, public_id)
    assert request.status == RequestStatus.NEW and request.next_step == "First words"
    # The form now carries the current version, so sending again after checking works.
    decline_form = text[text.index(f"/staff/requests/{public_id}/decline"):]
    decline_form = decline_form[: decline_form.index("</form>")]
    assert f'name="version" value="{seen + 1}"' in decline_form
    again = staff_client.submit(f"{url}/decline", {"decline_reason": "My careful reason", "version": seen + 1}, page=url)
    assert again.status_code == 302
    assert load(app, public_id).status == RequestStatus.DECLINED


# ---------------------------------------------------------------------------------------------------
# Who may see what


def test_spoke_staff_see_their_own_authority_only(app, spoke_client):
    mine = make_request(app, authority="Coventry", full_name="Coventry Person")
    theirs = make_request(app, authority="Solihull")
    nowhere = make_request(app, authority=None)
    queue = spoke_client.get("/staff/requests/").get_data(as_text=True)
    assert "1 request<" in queue and mine in queue and theirs not in queue and nowhere not in queue
    assert spoke_client.get(f"/staff/requests/{mine}").status_code == 200
    assert spoke_client.get(f"/staff/requests/{theirs}").status_code == 404
    assert spoke_client.get(f"/staff/requests/{nowhere}").status_code == 404
    version = load(app, theirs).version
    manager = staff_public_id(app, MANAGER)
    for path, data in [
        ("allocate", {"worker": manager}),
        ("signpost", {"signpost_reason": "x"}),
        ("decline", {"decline_reason": "x"}),
        ("first-contact", {}),
        ("next-step", {"next_step": "x"}),
        ("close", {"close_reason": "x"}),
        ("messages", {"message": "x"}),
    ]:
        response = spoke_client.submit(f"/staff/requests/{theirs}/{path}", {**data, "version": version}, page="/staff/requests/")
        assert response.status_code == 404, path
    assert load(app, theirs).status == RequestStatus.NEW


def test_staff_without_a_request_role_are_refused(app, admin_client):
    public_id = make_request(app)
    assert admin_client.get("/staff/requests/").status_code == 403
    assert admin_client.get(f"/staff/requests/{public_id}").status_code == 403
    response = admin_client.submit(f"/staff/requests/{public_id}/decline", {"decline_reason": "x", "version": 1}, page="/staff/")
    assert response.status_code == 403
    assert load(app, public_id).status == RequestStatus.NEW


def test_anonymous_people_are_sent_to_sign_in(app, client, demo):
    public_id = make_request(app)
    response = client.get(f"/staff/requests/{public_id}")
    assert response.status_code == 302 and "/staff/sign-in" in response.headers["Location"]


# ---------------------------------------------------------------------------------------------------
# Messages


def account_holder(app, email: str = "holder@example.com") -> int:
    with app.app_context():
        person = PublicUser(email=email, name="Holder", preferred_language="cy")
        db.session.add(person)
        db.session.commit()
        return person.id


def new_message_emails(app) -> list[OutboxMessage]:
    with app.app_context():
        found = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "request-new-message")))
        for m in found:
            db.session.expunge(m)
        return found


def test_a_message_to_an_account_holder_queues_an_email_without_its_words(app, staff_client):
    public_id = make_request(app, public_user_id=account_holder(app), contact_methods=["email"])
    url = f"/staff/requests/{public_id}"
    assert "Has an account" in staff_client.get(url).get_data(as_text=True)
    missing = staff_client.submit(f"{url}/messages", {"message": ""}, page=url)
    assert missing.status_code == 400 and "Enter a message" in missing.get_data(as_text=True)
    response = staff_client.submit(f"{url}/messages", {"message": "The secret words of the message"}, page=url)
    assert response.status_code == 302
    emails = new_message_emails(app)
    assert len(emails) == 1
    assert emails[0].recipient == "holder@example.com" and emails[0].locale == "cy"
    assert "secret words" not in emails[0].body and "secret words" not in emails[0].subject
    page = staff_client.get(url).get_data(as_text=True)
    assert "The secret words of the message" in page and "From Demo duty worker" in page
    assert "Message sent to the person" in page
    assert "request_message_from_staff" in actions(app, public_id)


def test_no_email_when_email_is_not_a_safe_way_to_reach_them(app, staff_client):
    public_id = make_request(app, public_user_id=account_holder(app), contact_methods=["text"])
    url = f"/staff/requests/{public_id}"
    assert "no email will tell them" in staff_client.get(url).get_data(as_text=True)
    assert staff_client.submit(f"{url}/messages", {"message": "Hello"}, page=url).status_code == 302
    assert new_message_emails(app) == []
    with app.app_context():
        assert db.session.scalar(select(RequestMessage.body)) == "Hello"


def test_a_message_to_someone_without_an_account_is_explained(app, staff_client):
    public_id = make_request(app, safe_contact=["do_not_phone"])
    url = f"/staff/requests/{public_id}"
    page = staff_client.get(url).get_data(as_text=True)
    assert 'id="send-message"' not in page
    response = staff_client.submit(f"{url}/messages", {"message": "Hello there"}, page=url)
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "made the request without an account" in text
    with app.app_context():
        assert db.session.scalar(select(RequestMessage.id)) is None


# ---------------------------------------------------------------------------------------------------
# Demo data


def test_demo_requests_cover_every_kind_and_state(app, demo):
    from portal.requests.demo import load_demo_requests

    with app.test_request_context():
        load_demo_requests()
        db.session.commit()
        assert "already" in load_demo_requests()
        requests = list(db.session.scalars(select(ServiceRequest)))
        assert {r.kind for r in requests} == set(RequestKind)
        assert {r.status for r in requests} == set(RequestStatus)
        assert any(r.safe_contact for r in requests)
        assert any(r.public_user_id for r in requests)
        assert len({r.authority_id for r in requests}) >= 4


def test_demo_requests_are_never_loaded_in_production(app, demo, monkeypatch):
    from portal.accounts.public_demo import DemoRefused
    from portal.requests.demo import load_demo_requests

    with app.test_request_context():
        monkeypatch.setitem(app.config, "PORTAL_ENV", "production")
        with pytest.raises(DemoRefused):
            load_demo_requests()


def test_the_demo_case_pages_render(app, staff_client):
    from portal.requests.demo import load_demo_requests

    with app.test_request_context():
        load_demo_requests()
        db.session.commit()
        ids = list(db.session.scalars(select(ServiceRequest.public_id)))
    for public_id in ids:
        assert staff_client.get(f"/staff/requests/{public_id}").status_code == 200
    assert staff_client.get("/staff/requests/?status=all").status_code == 200
