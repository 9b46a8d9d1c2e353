"""The adoption support rules on their own: the 3-year rule at its edges, every move and refusal,
every timescale over bank holidays, and the Support Fund's limit per child."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from portal.accounts.models import PublicUser, StaffUser
from portal.agency.rules import find_authority_by_name
from portal.core.db import db
from portal.core.timescales import Timeliness
from portal.demo import DEMO_MANAGER, DEMO_STAFF
from portal.support import plan_rules as plan
from portal.support import rules
from portal.support.models import (
    FundStatus,
    PlanItemKind,
    ReferralStatus as R,
    ReferrerRole,
    ScreeningOutcome,
    SupportChild,
)
from tests.accounts.public_support import make_account

EMAIL = "parent@people.example"


def _staff(email):
    return db.session.scalar(select(StaffUser).where(StaffUser.email == email))


@pytest.fixture
def ctx(app, demo):
    make_account(app, email=EMAIL)
    with app.test_request_context():
        yield


def _child(order_made_on=date(2024, 6, 3), placing="Coventry"):
    authority = find_authority_by_name(placing) if placing else None
    return rules.ChildDetails("Sam", date(2019, 5, 1), date(2023, 9, 1), order_made_on, authority.id if authority else None, "")


def _referral(key="k1", children=None, home="Warwickshire", urgent=False):
    user = db.session.scalar(select(PublicUser).where(PublicUser.email == EMAIL))
    authority = find_authority_by_name(home) if home else None
    return rules.submit_referral(
        key, user, ReferrerRole.ADOPTIVE_PARENT, children or [_child()], authority.id if authority else None,
        "" if home else "Cardiff", {"help": "We need therapy"}, urgent, True,
    )


def _screened(outcome=ScreeningOutcome.ASSESSMENT):
    referral = _referral()
    rules.screen(referral, _staff(DEMO_STAFF), outcome, "Notes", None)
    worker = _staff(DEMO_STAFF) if outcome == ScreeningOutcome.ASSESSMENT else None
    rules.sign_off_screening(referral, _staff(DEMO_MANAGER), True, None, worker=worker)
    return referral


# ---------------------------------------------------------------------------------------------------
# The 3-year rule


def test_the_placing_authority_is_responsible_until_the_third_anniversary_of_the_order():
    child = SupportChild(order_made_on=date(2023, 11, 25), placing_authority_id=7)
    assert rules.third_anniversary(date(2023, 11, 25)) == date(2026, 11, 25)
    before = rules.responsibility_for(child, home_authority_id=3, today=date(2026, 11, 24))
    assert before == rules.Responsibility(rules.Responsible.PLACING, 7, date(2026, 11, 25))
    on_the_day = rules.responsibility_for(child, home_authority_id=3, today=date(2026, 11, 25))
    assert on_the_day == rules.Responsibility(rules.Responsible.HOME, 3, None)
    outside = rules.responsibility_for(child, home_authority_id=None, today=date(2026, 11, 25))
    assert outside.kind == rules.Responsible.OUTSIDE and outside.authority_id is None


def test_an_order_made_on_29_february_reaches_three_years_on_1_march():
    assert rules.third_anniversary(date(2024, 2, 29)) == date(2027, 3, 1)
    child = SupportChild(order_made_on=date(2024, 2, 29), placing_authority_id=7)
    assert rules.responsibility_for(child, 3, date(2027, 2, 28)).kind == rules.Responsible.PLACING
    assert rules.responsibility_for(child, 3, date(2027, 3, 1)).kind == rules.Responsible.HOME
    assert rules.third_anniversary(date(2025, 2, 28)) == date(2028, 2, 28)


def test_before_the_order_is_made_the_placing_authority_is_responsible():
    child = SupportChild(order_made_on=None, placing_authority_id=7)
    assert rules.responsibility_for(child, None, date(2040, 1, 1)) == rules.Responsibility(
        rules.Responsible.PLACING, 7, None
    )


def test_spoke_staff_see_the_responsible_and_the_home_authorities(ctx):
    referral = _referral(children=[_child(), _child(order_made_on=date(2020, 1, 1), placing="Solihull")])
    coventry, solihull, warwickshire = (find_authority_by_name(n).id for n in ("Coventry", "Solihull", "Warwickshire"))
    # Sam (2024 order) is Coventry's; the second child is past 3 years, so Warwickshire's (home).
    assert rules.scope_authorities(referral, date(2026, 11, 25)) == {coventry, warwickshire}
    assert solihull not in rules.scope_authorities(referral, date(2026, 11, 25))


# ---------------------------------------------------------------------------------------------------
# Referral, screening and sign-off


def test_a_referral_is_recorded_once_per_key(ctx):
    first = _referral(urgent=True)
    again = _referral()
    assert again.id == first.id and first.urgent and first.reference.startswith("SUP-")
    assert first.status == R.NEW and len(first.children) == 1
    user = db.session.scalar(select(PublicUser).where(PublicUser.email == EMAIL))
    with pytest.raises(rules.NotAllowed):
        rules.submit_referral("k3", user, ReferrerRole.SPECIAL_GUARDIAN, [], None, "", {}, False, False)


def test_screening_needs_a_managers_sign_off_by_someone_else(ctx):
    referral = _referral()
    worker, manager = _staff(DEMO_STAFF), _staff(DEMO_MANAGER)
    with pytest.raises(rules.IllegalMove):
        rules.sign_off_screening(referral, manager, True, None)
    rules.screen(referral, manager, ScreeningOutcome.ASSESSMENT, "Therapy needs", None)
    with pytest.raises(rules.NotAllowed) as own:
        rules.sign_off_screening(referral, manager, True, None, worker=worker)
    assert own.value.reason == "own_screening"
    with pytest.raises(rules.NotAllowed) as not_manager:
        rules.sign_off_screening(referral, worker, True, None, worker=worker)
    assert not_manager.value.reason == "not_a_manager"
    # Sent back, screened again by the duty worker, then signed off by the manager.
    referral.screened_by_id = worker.id
    rules.sign_off_screening(referral, manager, False, None)
    assert referral.status == R.NEW and referral.screening_outcome == ""
    rules.screen(referral, worker, ScreeningOutcome.ASSESSMENT, "Therapy needs", None)
    with pytest.raises(rules.NotAllowed) as no_worker:
        rules.sign_off_screening(referral, manager, True, None)
    assert no_worker.value.reason == "no_worker"
    rules.sign_off_screening(referral, manager, True, None, worker=worker)
    assert referral.status == R.ASSESSMENT and referral.worker_id == worker.id


def test_advice_closes_the_referral_and_starts_the_closure_letter_clock(ctx):
    referral = _screened(ScreeningOutcome.ADVICE)
    assert referral.status == R.CLOSED and referral.closure_reason == "Notes"
    names = [c.name for c in plan.clocks_of(referral, date.today())]
    assert names == ["screening_sign_off", "closure_letter"]
    plan.send_closure_letter(referral, "Dear family", ask_for_feedback=True)
    assert referral.feedback_requested_at is not None
    with pytest.raises(rules.NotAllowed):
        plan.send_closure_letter(referral, "again", ask_for_feedback=False)


def test_a_safeguarding_concern_records_the_mash_referral_and_may_lead_to_an_assessment(ctx):
    referral = _screened(ScreeningOutcome.SAFEGUARDING)
    assert referral.status == R.SAFEGUARDING
    rules.record_mash_referral(referral, datetime(2026, 11, 25, 10, tzinfo=UTC), "Coventry MASH duty desk", "MASH-123", None)
    assert referral.mash_reference == "MASH-123"
    rules.start_assessment(referral, _staff(DEMO_STAFF), None)
    assert referral.status == R.ASSESSMENT
    with pytest.raises(rules.IllegalMove):
        rules.record_mash_referral(referral, datetime.now(UTC), "x", "y", None)


def test_a_stale_version_is_refused(ctx):
    referral = _referral()
    with pytest.raises(rules.StaleEdit):
        rules.screen(referral, _staff(DEMO_STAFF), ScreeningOutcome.ADVICE, "", referral.version + 1)


# ---------------------------------------------------------------------------------------------------
# Timescales


def test_the_screening_sign_off_is_due_in_5_working_days_over_easter(ctx):
    referral = _referral()
    # Received on Maundy Thursday 2027: Good Friday and Easter Monday are bank holidays.
    referral.received_at = datetime(2027, 3, 25, 9, tzinfo=UTC)
    # Five working days after Thursday 25 March 2027, skipping Good Friday and Easter Monday:
    # Monday 5 April.
    clock = plan.clocks_of(referral, date(2027, 3, 26))[0]
    assert clock.name == "screening_sign_off" and clock.due == date(2027, 4, 5)
    assert clock.timeliness == Timeliness.ON_TIME
    assert plan.clocks_of(referral, date(2027, 4, 5))[0].timeliness == Timeliness.DUE_SOON
    assert plan.clocks_of(referral, date(2027, 4, 6))[0].timeliness == Timeliness.OVERDUE


def test_the_plan_is_shared_within_45_working_days_of_the_first_visit_or_with_reasons(ctx):
    referral = _screened()
    with pytest.raises(rules.NotAllowed):
        plan.share_plan(referral, "Assessment", "Wishes", "", date(2026, 12, 1), None)
    # First visit on 1 December 2026: Christmas, Boxing Day (28th) and New Year's Day fall inside.
    plan.record_first_visit(referral, date(2026, 12, 1), consent=True, seen_version=None)
    assert plan.assessment_due(referral) == date(2027, 2, 5)
    clock = [c for c in plan.clocks_of(referral, date(2027, 2, 4)) if c.name == "assessment"][0]
    assert clock.timeliness == Timeliness.DUE_SOON
    with pytest.raises(rules.NotAllowed) as late:
        plan.share_plan(referral, "Assessment", "Wishes", "  ", date(2027, 2, 8), None)
    assert late.value.reason == "late_reason_needed"
    plan.share_plan(referral, "Assessment", "Wishes", "A specialist report came late.", date(2027, 2, 8), None)
    assert referral.status == R.PLAN and referral.late_reason


def test_reviews_at_least_yearly_and_each_shared_within_7_working_days(ctx):
    referral = _screened()
    plan.record_first_visit(referral, date.today(), consent=True, seen_version=None)
    plan.share_plan(referral, "Assessment", "Wishes", "", date.today(), None)
    referral.plan_shared_at = datetime(2026, 1, 31, 12, tzinfo=UTC)
    review_clock = [c for c in plan.clocks_of(referral, date(2026, 6, 1)) if c.name == "review"][0]
    assert review_clock.due == date(2027, 1, 31) and review_clock.finished is None
    review = plan.record_review(referral, date(2026, 12, 18), "Going well", None)
    clocks = plan.clocks_of(referral, date(2027, 1, 4))
    shared = [c for c in clocks if c.name == "review_shared"][0]
    # Friday 18 December 2026 plus 7 working days, over Christmas Day and the Boxing Day
    # substitute (Monday 28th): Thursday 31 December.
    assert shared.due == date(2026, 12, 31) and shared.timeliness == Timeliness.OVERDUE
    assert [c for c in clocks if c.name == "review"][-1].due == date(2027, 12, 18)
    plan.share_review(review)
    with pytest.raises(rules.NotAllowed):
        plan.share_review(review)


def test_closing_and_transferring(ctx):
    referral = _screened()
    with pytest.raises(rules.NotAllowed):
        plan.transfer(referral, "Cardiff Council", date(2026, 11, 25), None)
    plan.close(referral, "No further support needed", None)
    assert referral.status == R.CLOSED
    with pytest.raises(rules.IllegalMove):
        plan.close(referral, "again", None)


def test_a_family_outside_the_region_transfers_three_years_on(ctx):
    referral = _referral(children=[_child(order_made_on=date(2023, 11, 26))], home=None)
    rules.screen(referral, _staff(DEMO_STAFF), ScreeningOutcome.ASSESSMENT, "", None)
    rules.sign_off_screening(referral, _staff(DEMO_MANAGER), True, None, worker=_staff(DEMO_STAFF))
    assert not plan.may_transfer(referral, date(2026, 11, 25))
    assert plan.may_transfer(referral, date(2026, 11, 26))
    plan.transfer(referral, "Cardiff Council", date(2026, 11, 26), None)
    assert referral.status == R.TRANSFERRED and referral.transferred_to == "Cardiff Council"


# ---------------------------------------------------------------------------------------------------
# The Support Fund


def test_support_fund_applications_stay_within_the_limit_per_child_and_year(ctx):
    referral = _screened()
    plan.set_fund_limit(2025, 300_000)  # £3,000 for 2025/26
    child = referral.children[0]
    first = plan.add_plan_item(referral, PlanItemKind.THERAPY, "Therapeutic parenting", child, 200_000, date(2026, 1, 10))
    assert first.fund_year == 2025 and first.fund_status == FundStatus.DRAFT
    plan.set_fund_status(first, FundStatus.SUBMITTED)
    db.session.flush()
    second = plan.add_plan_item(referral, PlanItemKind.THERAPY, "More sessions", child, 150_000, date(2026, 3, 31))
    db.session.flush()
    with pytest.raises(rules.NotAllowed) as over:
        plan.set_fund_status(second, FundStatus.SUBMITTED)
    assert over.value.reason == "over_limit"
    plan.set_fund_status(first, FundStatus.REFUSED)
    db.session.flush()
    plan.set_fund_status(second, FundStatus.SUBMITTED)
    # A new financial year has its own limit, once it is set.
    third = plan.add_plan_item(referral, PlanItemKind.THERAPY, "Next year", child, 100_000, date(2026, 4, 1))
    with pytest.raises(rules.NotAllowed) as no_limit:
        plan.set_fund_status(third, FundStatus.SUBMITTED)
    assert no_limit.value.reason == "no_limit_for_year"
    with pytest.raises(rules.NotAllowed):
        plan.add_plan_item(referral, PlanItemKind.THERAPY, "No child", None, 1000)
    plain = plan.add_plan_item(referral, PlanItemKind.PEER_SUPPORT, "Adopter coffee mornings")
    with pytest.raises(rules.IllegalMove):
        plan.set_fund_status(plain, FundStatus.SUBMITTED)
    with pytest.raises(ValueError):
        plan.set_fund_limit(1999, 1)


def test_every_move_is_in_the_table_and_ended_referrals_have_none():
    for move, table in rules.MOVES.items():
        for source in table:
            assert source in rules.OPEN, (move, source)
    assert set(rules.SIGN_OFF_MOVES) == set(ScreeningOutcome)
