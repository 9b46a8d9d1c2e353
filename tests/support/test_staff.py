"""The back office for adoption support: the queue, the case page, every staff move from screening to
closure and transfer, refusals, clashes, scoping and hostile text."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count

from sqlalchemy import event, select

from portal.accounts.models import PublicUser, StaffRole, StaffUser
from portal.accounts.rules import create_staff
from portal.agency.rules import financial_year, find_authority_by_name
from portal.core.audit import AuditEvent
from portal.core.db import db
from portal.core.timescales import add_working_days, today_london
from portal.demo import DEMO_MANAGER, DEMO_PASSWORD, DEMO_STAFF, DEMO_TOTP_SECRET
from portal.support import plan_rules as plan
from portal.support import rules
from portal.support.models import ReferralStatus as R
from portal.support.models import ReferrerRole, ScreeningOutcome, SupportReferral
from tests.accounts.public_support import make_account
from tests.conftest import sign_in_staff

BASE = "/staff/support"
STALE = "Someone else changed this referral. Check the latest details and try again."
HOSTILE = "<script>alert(1)</script>"
_people = count()


def make_referral(
    app, placing: str | None = "Warwickshire", home: str | None = "Warwickshire", urgent: bool = False,
    order_made_on: date | None = None, help_text: str = "We need therapy",
) -> str:
    email = f"family{next(_people)}@people.example"
    make_account(app, email=email)
    with app.test_request_context():
        user = db.session.scalar(select(PublicUser).where(PublicUser.email == email))
        authority = find_authority_by_name(placing) if placing else None
        child = rules.ChildDetails(
            "Sam", date(2019, 5, 1), date(2023, 9, 1), order_made_on or today_london() - timedelta(days=400),
            authority.id if authority else None, "" if authority else "Cardiff",
        )
        where = find_authority_by_name(home) if home else None
        referral = rules.submit_referral(
            f"key-{email}", user, ReferrerRole.ADOPTIVE_PARENT, [child], where.id if where else None,
            "" if where else "Cardiff", {"help": help_text}, urgent, True,
        )
        db.session.commit()
        return referral.public_id


def load(app, public_id: str) -> SupportReferral:
    with app.app_context():
        referral = db.session.scalar(select(SupportReferral).where(SupportReferral.public_id == public_id))
        for relation in (referral.children, referral.plan_items, referral.reviews, referral.messages):
            list(relation)
        db.session.expunge_all()
        return referral


def staff(app, email: str) -> StaffUser:
    with app.app_context():
        person = db.session.scalar(select(StaffUser).where(StaffUser.email == email))
        db.session.expunge(person)
        return person


def run(app, public_id: str, step) -> None:
    """Move a referral on through the rules directly, as the setting for a test."""
    with app.test_request_context():
        referral = db.session.scalar(select(SupportReferral).where(SupportReferral.public_id == public_id))
        step(referral)
        db.session.commit()


def post(app, client, public_id: str, path: str, data: dict, follow: bool = True, version=None):
    url = f"{BASE}/{public_id}"
    values = {"version": load(app, public_id).version if version is None else version, **data}
    return client.submit(f"{url}/{path}", values, follow=follow, page=url)


def actions(app, public_id: str) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == public_id)))


def day(value: date, name: str) -> dict[str, list[str]]:
    return {name: [str(value.day), str(value.month), str(value.year)]}


def in_assessment(app, public_id: str) -> None:
    def step(r: SupportReferral) -> None:
        worker = db.session.scalar(select(StaffUser).where(StaffUser.email == DEMO_STAFF))
        manager = db.session.scalar(select(StaffUser).where(StaffUser.email == DEMO_MANAGER))
        rules.screen(r, worker, ScreeningOutcome.ASSESSMENT, "Therapy", None)
        rules.sign_off_screening(r, manager, True, None, worker=manager)

    run(app, public_id, step)


def in_plan(app, public_id: str) -> None:
    in_assessment(app, public_id)

    def step(r: SupportReferral) -> None:
        plan.record_first_visit(r, today_london(), True, None)
        plan.share_plan(r, "Assessment", "Wishes", "", today_london(), None)

    run(app, public_id, step)


def support_worker(app, authority: str = "coventry") -> object:
    email = f"{authority}.support{next(_people)}@ace.example"
    with app.app_context():
        place = find_authority_by_name(authority.capitalize())
        create_staff(
            email, "Spoke support worker", DEMO_PASSWORD, totp_secret=DEMO_TOTP_SECRET,
            roles=[StaffRole.SUPPORT_WORKER], authority_id=place.id,
        )
        db.session.commit()
    return sign_in_staff(app, email)


# ---------------------------------------------------------------------------------------------------
# The queue and the case


def test_the_queue_shows_urgent_referrals_first_with_their_clocks(app, staff_client):
    calm = make_referral(app)
    urgent = make_referral(app, urgent=True)
    response = staff_client.get(f"{BASE}/")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert text.index(load(app, urgent).reference) < text.index(load(app, calm).reference)
    assert "Urgent" in text and "Screening agreed by a manager" in text and "2 referrals" in text
    due = add_working_days(today_london(), 5)
    assert "On time" in text or "Due soon" in text
    assert str(due.year) in text
    assert "support_queue_viewed" in [a for a in actions(app, "all")]
    assert staff_client.get(f"{BASE}/?status=closed").get_data(as_text=True).count("No referrals match") == 1
    assert staff_client.get(f"{BASE}/?status=nonsense&page=x").status_code == 200


def _queries(app, work) -> int:
    statements: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
        event.listen(engine, "before_cursor_execute", note)
        try:
            work()
        finally:
            event.remove(engine, "before_cursor_execute", note)
    return len(statements)


def test_the_queue_takes_the_same_queries_for_one_referral_or_many(app, staff_client):
    first = make_referral(app, placing="Coventry")
    in_assessment(app, first)
    few = _queries(app, lambda: staff_client.get(f"{BASE}/"))
    for placing in ("Solihull", "Warwickshire", "Coventry", None):
        in_assessment(app, make_referral(app, placing=placing, home=placing))
    assert _queries(app, lambda: staff_client.get(f"{BASE}/")) == few


def test_the_case_shows_the_family_children_and_who_is_responsible(app, staff_client):
    public_id = make_referral(app, placing="Coventry", urgent=True)
    response = staff_client.get(f"{BASE}/{public_id}")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Urgent: the family said someone is at risk right now." in text
    assert "We need therapy" in text and "Sam" in text and "Coventry (the council that placed them)" in text
    assert "Screen the referral" in text and "support_referral_viewed" in actions(app, public_id)
    assert "Referral received (by The family)" in text
    assert staff_client.get(f"{BASE}/nope").status_code == 404


# ---------------------------------------------------------------------------------------------------
# Screening and sign-off


def test_screening_then_a_managers_sign_off_with_a_worker(app, staff_client, manager_client):
    public_id = make_referral(app)
    text = post(app, staff_client, public_id, "screening", {"screening_outcome": "assessment", "screening_notes": "Therapy"}).get_data(as_text=True)
    assert "Screening recorded." in text and load(app, public_id).status == R.SCREENED
    # The duty worker is not a team manager.
    token = staff_client.csrf_token(f"{BASE}/{public_id}")
    refused = staff_client.post(f"{BASE}/{public_id}/sign-off", data={"csrf_token": token, "sign_off": "agree", "version": 2})
    assert refused.status_code == 403
    # Agreeing an assessment needs a worker.
    missing = post(app, manager_client, public_id, "sign-off", {"sign_off": "agree"}, follow=False)
    assert missing.status_code == 400 and "Select who will assess" in missing.get_data(as_text=True)
    manager = staff(app, DEMO_MANAGER)
    text = post(app, manager_client, public_id, "sign-off", {"sign_off": "agree", "sign_off_worker": manager.public_id}).get_data(as_text=True)
    assert "Screening signed off." in text
    referral = load(app, public_id)
    assert referral.status == R.ASSESSMENT and referral.worker_id == manager.id


def test_the_screener_cannot_sign_off_their_own_screening(app, manager_client):
    public_id = make_referral(app)
    post(app, manager_client, public_id, "screening", {"screening_outcome": "advice", "screening_notes": "Signposted"})
    page = manager_client.get(f"{BASE}/{public_id}").get_data(as_text=True)
    assert "another team manager must sign it off" in page
    text = post(app, manager_client, public_id, "sign-off", {"sign_off": "agree"}).get_data(as_text=True)
    assert "You screened this referral, so another team manager must sign it off." in text
    assert load(app, public_id).status == R.SCREENED


def test_a_manager_can_send_a_screening_back(app, staff_client, manager_client):
    public_id = make_referral(app)
    post(app, staff_client, public_id, "screening", {"screening_outcome": "advice", "screening_notes": "Signposted"})
    text = post(app, manager_client, public_id, "sign-off", {"sign_off": "send_back"}).get_data(as_text=True)
    assert "Screening sent back" in text and load(app, public_id).status == R.NEW


def test_safeguarding_records_the_mash_referral_then_an_assessment(app, staff_client, manager_client):
    public_id = make_referral(app)
    post(app, staff_client, public_id, "screening", {"screening_outcome": "safeguarding", "screening_notes": "Risk"})
    post(app, manager_client, public_id, "sign-off", {"sign_off": "agree"})
    assert load(app, public_id).status == R.SAFEGUARDING
    bad = post(app, staff_client, public_id, "mash-referral", {**day(today_london(), "mash_date"), "mash_time": "25:99"}, follow=False)
    assert bad.status_code == 400 and "Enter the time like 14:30" in bad.get_data(as_text=True)
    data = {**day(today_london(), "mash_date"), "mash_time": "10:15", "mash_contact": "MASH desk", "mash_reference": "M-123"}
    assert "Safeguarding referral recorded." in post(app, staff_client, public_id, "mash-referral", data).get_data(as_text=True)
    assert load(app, public_id).mash_reference == "M-123"
    manager = staff(app, DEMO_MANAGER)
    text = post(app, staff_client, public_id, "assessment", {"assessment_worker": manager.public_id}).get_data(as_text=True)
    assert "Assessment started." in text and load(app, public_id).status == R.ASSESSMENT


# ---------------------------------------------------------------------------------------------------
# Assessment, plan and the Support Fund


def test_from_first_visit_to_a_shared_plan_with_fund_applications(app, staff_client):
    public_id = make_referral(app)
    in_assessment(app, public_id)
    page = staff_client.get(f"{BASE}/{public_id}").get_data(as_text=True)
    assert "Record the first visit and the family" in page
    post(app, staff_client, public_id, "first-visit", {**day(today_london(), "visit_date"), "visit_consent": "yes"})
    referral = load(app, public_id)
    assert referral.first_visit_on == today_london() and referral.consent_recorded_at is not None
    text = post(app, staff_client, public_id, "plan", {"assessment_text": "Needs therapy", "wishes_and_feelings": "Sam wants help"}).get_data(as_text=True)
    assert "Assessment and support plan shared." in text and load(app, public_id).status == R.PLAN
    child = load(app, public_id).children[0]
    data = {"item_kind": "therapy", "item_description": "Play therapy", "item_child": child.public_id, "fund_amount": "1,250.50"}
    text = post(app, staff_client, public_id, "plan-items", data).get_data(as_text=True)
    assert "Added to the support plan." in text and "£1,250.50" in text
    assert "Added to the support plan (by Demo duty worker)" in text  # the timeline says who
    item = load(app, public_id).plan_items[0]
    assert item.fund_amount_pence == 125050 and item.fund_status == "draft"
    # No child for a fund amount is a form error.
    bad = post(app, staff_client, public_id, "plan-items", {"item_kind": "therapy", "item_description": "x", "fund_amount": "10"}, follow=False)
    assert bad.status_code == 400 and "Select which child" in bad.get_data(as_text=True)


def test_a_fund_application_over_the_childs_limit_is_refused(app, staff_client):
    public_id = make_referral(app)
    in_plan(app, public_id)
    with app.app_context():
        plan.set_fund_limit(financial_year(today_london()), 100000)
        db.session.commit()
    child = load(app, public_id).children[0]
    post(app, staff_client, public_id, "plan-items", {"item_kind": "financial", "item_description": "Therapy", "item_child": child.public_id, "fund_amount": "1500"})
    item = load(app, public_id).plan_items[0]
    text = post(app, staff_client, public_id, f"plan-items/{item.public_id}/fund-status", {"fund_status": "submitted"}).get_data(as_text=True)
    assert "This would take the child over the Support Fund limit for the year." in text
    assert load(app, public_id).plan_items[0].fund_status == "draft"
    assert post(app, staff_client, public_id, "plan-items/nope/fund-status", {"fund_status": "submitted"}, follow=False).status_code == 404


def test_a_late_plan_needs_the_reasons(app, staff_client):
    public_id = make_referral(app)
    in_assessment(app, public_id)
    run(app, public_id, lambda r: plan.record_first_visit(r, today_london() - timedelta(days=90), True, None))
    page = staff_client.get(f"{BASE}/{public_id}").get_data(as_text=True)
    assert "The plan is late: you must say why." in page
    data = {"assessment_text": "Needs therapy", "wishes_and_feelings": "Wishes"}
    missing = post(app, staff_client, public_id, "plan", data, follow=False)
    assert missing.status_code == 400 and "Enter why the plan is shared after 45 working days" in missing.get_data(as_text=True)
    assert "Needs therapy" in missing.get_data(as_text=True)  # what was typed is shown back
    post(app, staff_client, public_id, "plan", {**data, "late_reason": "A report came late."})
    referral = load(app, public_id)
    assert referral.status == R.PLAN and referral.late_reason == "A report came late."


# ---------------------------------------------------------------------------------------------------
# Next step, reviews, closure and transfer


def test_next_step_then_a_review_recorded_and_shared(app, staff_client):
    public_id = make_referral(app)
    in_plan(app, public_id)
    soon = today_london() + timedelta(days=10)
    post(app, staff_client, public_id, "next-step", {"next_step_text": "Therapy starts", **day(soon, "next_step_date")})
    referral = load(app, public_id)
    assert referral.next_step == "Therapy starts" and referral.next_step_on == soon
    text = post(app, staff_client, public_id, "reviews", {**day(today_london(), "review_date"), "review_summary": "Going well"}).get_data(as_text=True)
    assert "Review recorded." in text and "Going well" in text
    review = load(app, public_id).reviews[0]
    text = post(app, staff_client, public_id, f"reviews/{review.public_id}/share", {}).get_data(as_text=True)
    assert "Review shared." in text and load(app, public_id).reviews[0].shared_at is not None
    again = post(app, staff_client, public_id, f"reviews/{review.public_id}/share", {}).get_data(as_text=True)
    assert "This review has already been shared." in again


def test_closing_then_the_closure_letter_with_a_feedback_request(app, staff_client):
    public_id = make_referral(app)
    in_plan(app, public_id)
    text = post(app, staff_client, public_id, "close", {"closure_reason": "Needs met"}).get_data(as_text=True)
    assert "Referral closed." in text and load(app, public_id).status == R.CLOSED
    text = post(app, staff_client, public_id, "closure-letter", {"letter_text": "Dear family", "ask_feedback": "y"}).get_data(as_text=True)
    assert "Closure letter sent." in text
    referral = load(app, public_id)
    assert referral.closure_letter == "Dear family" and referral.feedback_requested_at is not None
    assert "support_closure_letter_sent" in actions(app, public_id)


def test_a_family_outside_the_region_three_years_on_is_transferred(app, staff_client):
    public_id = make_referral(app, home=None, order_made_on=today_london() - timedelta(days=4 * 366))
    in_plan(app, public_id)
    page = staff_client.get(f"{BASE}/{public_id}").get_data(as_text=True)
    assert "transfer-referral" in page
    text = post(app, staff_client, public_id, "transfer", {"transfer_to": "Cardiff adoption support"}).get_data(as_text=True)
    assert "Referral transferred." in text
    referral = load(app, public_id)
    assert referral.status == R.TRANSFERRED and referral.transferred_to == "Cardiff adoption support"


def test_transfer_is_refused_within_three_years(app, staff_client):
    public_id = make_referral(app, home=None)
    in_plan(app, public_id)
    assert "transfer-referral" not in staff_client.get(f"{BASE}/{public_id}").get_data(as_text=True)
    text = post(app, staff_client, public_id, "transfer", {"transfer_to": "Cardiff"}).get_data(as_text=True)
    assert "can only be transferred when every child is 3 years past the order" in text
    assert load(app, public_id).status == R.PLAN


# ---------------------------------------------------------------------------------------------------
# Clashes, refusals, errors, scoping and hostile text


def test_a_stale_version_is_refused_and_nothing_changes(app, staff_client):
    public_id = make_referral(app)
    old = load(app, public_id).version
    run(app, public_id, lambda r: rules.set_next_step(r, "Call", None, None))
    data = {"screening_outcome": "advice", "screening_notes": "x"}
    assert STALE in post(app, staff_client, public_id, "screening", data, version=old).get_data(as_text=True)
    assert STALE in post(app, staff_client, public_id, "screening", data, version="abc").get_data(as_text=True)
    assert load(app, public_id).status == R.NEW


def test_a_clash_found_only_when_writing_is_told_as_a_clash(app, staff_client, monkeypatch):
    from sqlalchemy.orm.exc import StaleDataError

    public_id = make_referral(app)

    def clash(*args, **kwargs):
        raise StaleDataError("someone else committed first")

    monkeypatch.setattr(rules, "screen", clash)
    data = {"screening_outcome": "advice", "screening_notes": "x"}
    assert STALE in post(app, staff_client, public_id, "screening", data).get_data(as_text=True)
    assert load(app, public_id).status == R.NEW


def test_an_illegal_move_gives_a_message_not_an_error(app, staff_client):
    public_id = make_referral(app)
    text = post(app, staff_client, public_id, "reviews", {**day(today_london(), "review_date"), "review_summary": "x"}).get_data(as_text=True)
    assert "A review can only be recorded once the support plan is shared." in text
    text = post(app, staff_client, public_id, "close", {"closure_reason": "x"}).get_data(as_text=True)
    assert "This referral cannot be closed now." in text
    assert load(app, public_id).status == R.NEW


def test_every_form_without_answers_is_a_400(app, staff_client):
    new = make_referral(app)
    assessing = make_referral(app)
    in_assessment(app, assessing)
    planned = make_referral(app)
    in_plan(app, planned)
    cases = [(new, "screening"), (new, "messages"), (assessing, "first-visit"), (planned, "plan-items"),
             (planned, "next-step"), (planned, "reviews"), (planned, "close")]
    for public_id, path in cases:
        response = post(app, staff_client, public_id, path, {}, follow=False)
        assert response.status_code == 400, path
        assert "There is a problem" in response.get_data(as_text=True)


def test_a_form_for_a_move_not_offered_now_says_why_instead(app, staff_client):
    public_id = make_referral(app)
    response = post(app, staff_client, public_id, "plan", {}, follow=True)
    assert response.status_code == 200
    assert "The plan can only be shared during the assessment." in response.get_data(as_text=True)


def test_staff_without_a_support_role_are_refused(app, admin_client):
    public_id = make_referral(app)
    assert admin_client.get(f"{BASE}/").status_code == 403
    assert admin_client.get(f"{BASE}/{public_id}").status_code == 403


def test_spoke_support_workers_see_only_their_authority(app, demo):
    placed = make_referral(app, placing="Coventry", home="Warwickshire")
    lives = make_referral(app, placing="Solihull", home="Coventry")
    other = make_referral(app, placing="Solihull", home="Warwickshire")
    client = support_worker(app)
    assert client.get(f"{BASE}/{placed}").status_code == 200
    assert client.get(f"{BASE}/{lives}").status_code == 200
    assert client.get(f"{BASE}/{other}").status_code == 404
    queue = client.get(f"{BASE}/").get_data(as_text=True)
    assert load(app, placed).reference in queue and load(app, other).reference not in queue
    token = client.csrf_token(f"{BASE}/{placed}")
    response = client.post(f"{BASE}/{other}/close", data={"csrf_token": token, "closure_reason": "x", "version": 1})
    assert response.status_code == 404


def test_hostile_text_is_escaped(app, staff_client):
    public_id = make_referral(app, help_text=HOSTILE)
    text = post(app, staff_client, public_id, "messages", {"message": f"Hello {HOSTILE}"}).get_data(as_text=True)
    assert "Message sent." in text
    assert HOSTILE not in text and "&lt;script&gt;" in text


def test_hostile_text_in_every_staff_field_is_escaped(app, staff_client):
    public_id = make_referral(app)
    post(app, staff_client, public_id, "screening", {"screening_outcome": "assessment", "screening_notes": HOSTILE})
    run(app, public_id, lambda r: rules.sign_off_screening(
        r, db.session.scalar(select(StaffUser).where(StaffUser.email == DEMO_MANAGER)), True, None,
        worker=db.session.scalar(select(StaffUser).where(StaffUser.email == DEMO_MANAGER)),
    ))
    post(app, staff_client, public_id, "first-visit", {**day(today_london(), "visit_date"), "visit_consent": "yes"})
    post(app, staff_client, public_id, "plan", {"assessment_text": HOSTILE, "wishes_and_feelings": HOSTILE})
    post(app, staff_client, public_id, "plan-items", {"item_kind": "training", "item_description": HOSTILE})
    post(app, staff_client, public_id, "next-step", {"next_step_text": HOSTILE})
    text = post(app, staff_client, public_id, "reviews", {**day(today_london(), "review_date"), "review_summary": HOSTILE}).get_data(as_text=True)
    assert load(app, public_id).reviews[0].summary == HOSTILE
    assert HOSTILE not in text and text.count("&lt;script&gt;") >= 5


def test_the_queue_and_case_render_in_urdu_and_welsh(app, staff_client):
    public_id = make_referral(app, urgent=True)
    in_plan(app, public_id)
    child = load(app, public_id).children[0]
    post(app, staff_client, public_id, "plan-items", {"item_kind": "financial", "item_description": "Fund", "item_child": child.public_id, "fund_amount": "250"})
    for lang, direction in (("ur", "rtl"), ("cy", "ltr")):
        staff_client.get(f"{BASE}/?lang={lang}")
        for url in (f"{BASE}/", f"{BASE}/{public_id}"):
            response = staff_client.get(url)
            assert response.status_code == 200
            assert f'<html lang="{lang}" dir="{direction}"' in response.get_data(as_text=True)
