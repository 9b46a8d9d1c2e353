"""The demo adoption support data: built through the rules, a referral at each stage."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.accounts.models import PublicUser
from portal.agency.rules import content_state
from portal.core.db import db
from portal.core.timescales import today_london
from portal.demo import DEMO_MANAGER, DEMO_STAFF
from portal.support import plan_rules
from portal.support import rules
from portal.support.demo import DEMO_REFERRALS, DEMO_SUPPORT_FAMILY, demo_summary, load_demo_support
from portal.support.models import FundStatus, ReferralStatus as R, SupportReferral


def _referral(email):
    user = db.session.scalar(select(PublicUser).where(PublicUser.email == email))
    return db.session.scalar(select(SupportReferral).where(SupportReferral.public_user_id == user.id))


def test_demo_support_has_a_referral_at_each_stage(app, demo):
    with app.app_context():
        load_demo_support(DEMO_STAFF, DEMO_MANAGER)
        db.session.commit()
        load_demo_support(DEMO_STAFF, DEMO_MANAGER)  # a second load adds nothing
        db.session.commit()
        assert db.session.scalar(select(db.func.count()).select_from(SupportReferral)) == len(DEMO_REFERRALS)
        family = db.session.scalar(select(PublicUser).where(PublicUser.email == DEMO_SUPPORT_FAMILY))
        assert family is not None and family.email_confirmed_at is not None and rules.referrals_of(family) == []

        urgent = _referral("support.urgent@demo.example")
        assert urgent.status == R.NEW and urgent.urgent
        screened = _referral("support.screened@demo.example")
        assert screened.status == R.SCREENED and screened.signed_off_at is None
        assessing = _referral("support.assessment@demo.example")
        assert assessing.status == R.ASSESSMENT and assessing.first_visit_on and assessing.consent_recorded_at
        plan = _referral("support.plan@demo.example")
        assert plan.status == R.PLAN and plan.plan_shared_at is not None
        assert [i.fund_status for i in plan.plan_items if i.fund_amount_pence] == [FundStatus.SUBMITTED]
        assert plan.reviews and plan.reviews[0].shared_at is not None
        closed = _referral("support.closed@demo.example")
        assert closed.status == R.CLOSED and closed.closure_letter_sent_at is not None
        outside = _referral("support.outside@demo.example")
        assert outside.home_authority_id is None and plan_rules.may_transfer(outside, today_london())

        assert plan_rules.fund_limit(2025) == plan_rules.fund_limit(2026) == 300000
        assert content_state("support_offer", "en") == "set"
        assert content_state("support_offer", "cy") == "english"
        assert DEMO_SUPPORT_FAMILY in demo_summary()


def test_demo_support_is_refused_in_production(app, demo):
    with app.app_context():
        before = app.config["PORTAL_ENV"]
        app.config["PORTAL_ENV"] = "production"
        try:
            with pytest.raises(RuntimeError):
                load_demo_support(DEMO_STAFF, DEMO_MANAGER)
        finally:
            app.config["PORTAL_ENV"] = before
