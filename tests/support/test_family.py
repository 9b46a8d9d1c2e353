"""A family's "My support" pages: their referrals, what they may read and when (the plan once
shared, reviews once shared, the closure letter once sent), never the MASH referral's details, and
secure messages with their worker. Nobody else's referral is ever found."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from sqlalchemy import select

from portal.accounts.models import PublicUser, StaffUser
from portal.agency.rules import find_authority_by_name
from portal.core.db import db
from portal.demo import DEMO_MANAGER, DEMO_STAFF
from portal.support import plan_rules as plan
from portal.support import rules
from portal.support.models import FundStatus, PlanItemKind, ReferrerRole, ScreeningOutcome, SupportReferral
from tests.accounts.public_support import EMAIL, make_account, sign_in

OTHER = "alex.other@people.example"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _staff(email: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.email == email))


@contextmanager
def changing(app: Flask, public_id: str) -> Iterator[SupportReferral]:
    """The referral, changed through the rules and committed, as a staff page would."""
    with app.test_request_context():
        referral = db.session.scalar(select(SupportReferral).where(SupportReferral.public_id == public_id))
        yield referral
        db.session.commit()


def make_referral(app: Flask, email: str = EMAIL, key: str = "k1") -> str:
    with app.test_request_context():
        user = db.session.scalar(select(PublicUser).where(PublicUser.email == email))
        coventry = find_authority_by_name("Coventry")
        child = rules.ChildDetails("Sam", date(2019, 5, 1), date(2023, 9, 1), date(2024, 6, 3), coventry.id, "")
        home = find_authority_by_name("Warwickshire")
        referral = rules.submit_referral(
            key, user, ReferrerRole.ADOPTIVE_PARENT, [child], home.id, "", {"help": "Therapy"}, False, True
        )
        db.session.commit()
        return referral.public_id


def screened(app: Flask, public_id: str, outcome: ScreeningOutcome = ScreeningOutcome.ASSESSMENT) -> None:
    with changing(app, public_id) as referral:
        rules.screen(referral, _staff(DEMO_STAFF), outcome, "Notes for staff", None)
        worker = _staff(DEMO_STAFF) if outcome == ScreeningOutcome.ASSESSMENT else None
        rules.sign_off_screening(referral, _staff(DEMO_MANAGER), True, None, worker=worker)


@pytest.fixture
def family(app: Flask, demo: None) -> tuple[object, str]:
    make_account(app)
    return sign_in(app), make_referral(app)


def text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_the_family_sees_their_referrals_and_each_one(app, family):
    client, public_id = family
    with app.app_context():
        reference = db.session.scalar(select(SupportReferral.reference).where(SupportReferral.public_id == public_id))
    listing = text(client, "/my-support/")
    assert reference in listing and "Received" in listing
    assert f"/my-support/{public_id}" in listing
    page = text(client, f"/my-support/{public_id}")
    assert reference in page and "Not allocated yet" in page
    assert "Coventry (the council that placed them) is responsible until 3 June 2027" in page
    assert "We decide how we can help" in page and "Exit this page" in page
    # The plan is not there yet, and the family is told when it will be.
    assert "once your worker shares it with you" in page


def test_the_worker_outcome_and_next_step_show_once_signed_off(app, family):
    client, public_id = family
    screened(app, public_id)
    with changing(app, public_id) as referral:
        rules.set_next_step(referral, "A first visit at home", date(2026, 12, 3), None)
    page = text(client, f"/my-support/{public_id}")
    assert "Demo duty worker" in page and "Assessment of support needs" in page
    assert "A first visit at home" in page and "3 December 2026" in page
    # The screening notes are for staff.
    assert "Notes for staff" not in page


def test_another_family_and_staff_get_404(app, family, staff_client):
    _, public_id = family
    make_account(app, email=OTHER)
    other = sign_in(app, OTHER)
    for url in (f"/my-support/{public_id}", f"/my-support/{public_id}/messages", "/my-support/nothing-here"):
        assert other.get(url).status_code == 404
        assert staff_client.get(url).status_code == 404
    assert public_id not in text(other, "/my-support/")
    # A valid token of their own session, so only the ownership check can refuse it.
    token = other.csrf_token("/requests/claim")
    response = other.post(f"/my-support/{public_id}/messages", data={"csrf_token": token, "body": "Hello"})
    assert response.status_code == 404


def test_the_plan_is_hidden_until_shared_then_shown_with_the_support_fund(app, family):
    client, public_id = family
    screened(app, public_id)
    with changing(app, public_id) as referral:
        plan.record_first_visit(referral, date(2026, 11, 2), consent=True, seen_version=None)
        plan.set_fund_limit(2026, 500_000)
        item = plan.add_plan_item(
            referral, PlanItemKind.THERAPY, "Therapeutic parenting", referral.children[0], 250_050, date(2026, 11, 10)
        )
        db.session.flush()
        plan.set_fund_status(item, FundStatus.SUBMITTED)
        plan.add_plan_item(referral, PlanItemKind.PEER_SUPPORT, "Coffee mornings")
    hidden = text(client, f"/my-support/{public_id}")
    assert "Therapeutic parenting" not in hidden and "Coffee mornings" not in hidden
    with changing(app, public_id) as referral:
        plan.share_plan(referral, "Needs therapy", "Sam wants a dog", "", date(2026, 11, 20), None)
    shown = text(client, f"/my-support/{public_id}")
    for words in ("Needs therapy", "Sam wants a dog", "Therapeutic parenting", "Coffee mornings", "Peer support"):
        assert words in shown
    assert "£2,500.50 for Sam: Sent to the Support Fund" in shown
    assert "We share your assessment and support plan" in shown and "We review your support plan" in shown


def test_the_mash_referral_is_never_shown_to_the_family(app, family):
    client, public_id = family
    screened(app, public_id, ScreeningOutcome.SAFEGUARDING)
    with changing(app, public_id) as referral:
        rules.record_mash_referral(
            referral, datetime(2026, 11, 25, 10, tzinfo=UTC), "CANARY-CONTACT-desk", "CANARY-MASH-REF-9931", None
        )
    pages = [text(client, url) for url in ("/my-support/", f"/my-support/{public_id}", f"/my-support/{public_id}/messages")]
    for page in pages:
        assert "CANARY" not in page and "MASH" not in page
    assert "working with the council&#39;s children&#39;s services" in pages[1]


def test_a_review_summary_shows_only_once_shared(app, family):
    client, public_id = family
    screened(app, public_id)
    with changing(app, public_id) as referral:
        plan.record_first_visit(referral, date(2026, 11, 2), consent=True, seen_version=None)
        plan.share_plan(referral, "Assessment", "Wishes", "", date(2026, 11, 20), None)
        plan.record_review(referral, date(2026, 11, 23), "Review went well SUMMARY", None)
    page = text(client, f"/my-support/{public_id}")
    assert "Review held on 23 November 2026" in page and "SUMMARY" not in page
    with changing(app, public_id) as referral:
        plan.share_review(referral.reviews[0])
    assert "Review went well SUMMARY" in text(client, f"/my-support/{public_id}")


def test_closure_reason_then_the_letter_once_sent(app, family):
    client, public_id = family
    screened(app, public_id)
    with changing(app, public_id) as referral:
        plan.close(referral, "No further support needed", None)
    page = text(client, f"/my-support/{public_id}")
    assert "No further support needed" in page and "Your closure letter" not in page
    with changing(app, public_id) as referral:
        plan.send_closure_letter(referral, "Dear family, LETTER-TEXT", ask_for_feedback=True)
    assert "LETTER-TEXT" in text(client, f"/my-support/{public_id}")


def test_messages_send_and_show_who_wrote(app, family):
    client, public_id = family
    url = f"/my-support/{public_id}/messages"
    assert "There are no messages yet." in text(client, url)
    response = client.submit(url, {"body": "  Can we talk on Friday?  "})
    assert response.status_code == 302
    with changing(app, public_id) as referral:
        rules.send_staff_message(referral, _staff(DEMO_STAFF), "Yes, at 10")
    page = text(client, url)
    assert "Can we talk on Friday?" in page and "You" in page
    assert "Demo duty worker" in page and "Yes, at 10" in page


@pytest.mark.parametrize(
    ("body", "error"),
    [("   ", "Enter your message"), ("x" * 5001, "Message must be 5000 characters or fewer")],
)
def test_message_errors_keep_what_was_written(app, family, body, error):
    client, public_id = family
    response = client.submit(f"/my-support/{public_id}/messages", {"body": body})
    assert response.status_code == 200
    assert client.last_page.title.startswith("Error: ")
    page = response.get_data(as_text=True)
    assert page.count(error) == 2
    if body.strip():
        assert body in page
    with app.app_context():
        referral = db.session.scalar(select(SupportReferral).where(SupportReferral.public_id == public_id))
        assert referral.messages == []


def test_a_missing_token_is_refused_without_sending(app, family):
    client, public_id = family
    response = client.post(f"/my-support/{public_id}/messages", data={"body": "Hello"})
    assert response.status_code in {200, 400}
    with app.app_context():
        referral = db.session.scalar(select(SupportReferral).where(SupportReferral.public_id == public_id))
        assert referral.messages == []


def test_an_ended_referral_shows_the_thread_without_the_form(app, family):
    client, public_id = family
    url = f"/my-support/{public_id}/messages"
    assert client.submit(url, {"body": "Before closing"}).status_code == 302
    token = client.csrf_token(url)
    screened(app, public_id)
    with changing(app, public_id) as referral:
        plan.close(referral, "Finished", None)
    page = text(client, url)
    assert "Before closing" in page and 'name="body"' not in page
    assert "has ended, so you cannot send messages" in page
    response = client.post(url, data={"csrf_token": token, "body": "After closing"}, follow_redirects=True)
    assert "your message was not sent" in response.get_data(as_text=True)
    with app.app_context():
        referral = db.session.scalar(select(SupportReferral).where(SupportReferral.public_id == public_id))
        assert [m.body for m in referral.messages] == ["Before closing"]


def test_hostile_text_is_rendered_escaped(app, family):
    client, public_id = family
    screened(app, public_id)
    with changing(app, public_id) as referral:
        rules.set_next_step(referral, HOSTILE, None, None)
        rules.send_staff_message(referral, _staff(DEMO_STAFF), HOSTILE)
        plan.record_first_visit(referral, date(2026, 11, 2), consent=True, seen_version=None)
        plan.add_plan_item(referral, PlanItemKind.TRAINING, HOSTILE)
        plan.share_plan(referral, HOSTILE, HOSTILE + "\nsecond line", "", date(2026, 11, 20), None)
        review = plan.record_review(referral, date(2026, 11, 23), HOSTILE, None)
        plan.share_review(review)
    for url in (f"/my-support/{public_id}", f"/my-support/{public_id}/messages"):
        page = text(client, url)
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert" in page
    assert "second line" in text(client, f"/my-support/{public_id}")


def test_anonymous_visitors_are_sent_to_sign_in(app, family):
    _, public_id = family
    anonymous = app.test_client()
    for url in ("/my-support/", f"/my-support/{public_id}", f"/my-support/{public_id}/messages"):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/account/sign-in" in response.headers["Location"]
