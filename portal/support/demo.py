"""Demonstration adoption support: Support Fund limits, the agency's English support offer, and a
referral at each stage, built through the rules so they are in states the portal itself can reach.
Loading refuses to run in production mode (see portal.demo).

The demo family (support.family@demo.example) has an account but no referral: they ask for support
in the browser, and staff can take it from the duty queue to closure.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app, has_request_context
from sqlalchemy import select

from portal.accounts.models import PublicUser, StaffUser
from portal.accounts.public_demo import DEMO_PUBLIC_PASSWORD
from portal.accounts.rules import hash_password
from portal.agency.rules import financial_year, find_authority_by_name, get_agency, set_content
from portal.core.db import db, utcnow
from portal.core.timescales import today_london
from portal.support import plan_rules as plan
from portal.support import rules
from portal.support.content_defaults import SUPPORT_OFFER, support_offer
from portal.support.models import (
    FundStatus,
    PlanItemKind,
    ReferrerRole,
    ScreeningOutcome,
    SupportReferral,
)

DEMO_SUPPORT_FAMILY = "support.family@demo.example"
FUND_LIMIT_PENCE = 300000  # £3,000 per child per financial year

# email, name, stage
DEMO_REFERRALS = [
    ("support.urgent@demo.example", "Demo urgent family", "new"),
    ("support.screened@demo.example", "Demo screened family", "screened"),
    ("support.assessment@demo.example", "Demo family being assessed", "assessment"),
    ("support.plan@demo.example", "Demo family with a support plan", "plan"),
    ("support.closed@demo.example", "Demo family given advice", "closed"),
    ("support.outside@demo.example", "Demo family outside the region", "outside"),
]


def _account(email: str, name: str) -> PublicUser:
    user = PublicUser(
        email=email,
        name=name,
        password_hash=hash_password(DEMO_PUBLIC_PASSWORD),
        email_confirmed_at=utcnow(),
        preferred_language="en",
        communication_needs=[],
        contact_preferences=["email"],
    )
    db.session.add(user)
    db.session.flush()
    return user


def _authority_id(name: str) -> int | None:
    authority = find_authority_by_name(name)
    return authority.id if authority else None


def _refer(user: PublicUser, stage: str, today: date) -> SupportReferral:
    """The family's own referral, as the "Ask for support" pages would send it."""
    if stage == "outside":
        # Moved to Wales; the order was made more than 3 years ago, so another agency is responsible.
        child = rules.ChildDetails(
            "Tomos", date(2014, 2, 10), date(2016, 5, 3), date(2017, 1, 20), _authority_id("Solihull"), ""
        )
        return rules.submit_referral(
            f"demo-support-{stage}", user, ReferrerRole.ADOPTIVE_PARENT, [child], None, "Cardiff",
            {"household": "Two parents and Tomos.", "happening": "Tomos is finding secondary school very hard.",
             "help": "Therapy and advice for his school."},
            False, True,
        )
    placed = today - timedelta(days=400)
    children = [rules.ChildDetails("Maya", today - timedelta(days=365 * 6), placed, placed + timedelta(days=200),
                                   _authority_id("Coventry"), "")]
    role = ReferrerRole.ADOPTIVE_PARENT
    if stage == "plan":
        children.append(rules.ChildDetails("Leo", today - timedelta(days=365 * 3), placed, placed + timedelta(days=200),
                                           _authority_id("Coventry"), ""))
    if stage == "screened":
        role = ReferrerRole.SPECIAL_GUARDIAN
        children = [rules.ChildDetails("Ruby", today - timedelta(days=365 * 9), today - timedelta(days=900),
                                       today - timedelta(days=800), _authority_id("Worcestershire"), "")]
    urgent = stage == "new"
    answers = {
        "household": "Two parents and the children named here.",
        "happening": "Bedtimes and school mornings end in long meltdowns." if not urgent
        else "Our child ran away last night after a very violent outburst.",
        "help": "Advice on managing behaviour, and time with other adoptive families.",
    }
    return rules.submit_referral(
        f"demo-support-{stage}", user, role, children, _authority_id("Warwickshire"), "", answers, urgent, True
    )


def _advance(referral: SupportReferral, stage: str, duty: StaffUser, manager: StaffUser, today: date) -> None:
    if stage == "new":
        return
    outcome = ScreeningOutcome.ADVICE if stage == "closed" else ScreeningOutcome.ASSESSMENT
    rules.screen(referral, duty, outcome, "Demo screening notes: needs talked through on the phone.", None)
    if stage == "screened":
        return
    rules.sign_off_screening(referral, manager, True, None, worker=None if stage == "closed" else duty)
    if stage == "closed":
        plan.send_closure_letter(
            referral,
            "Thank you for talking to us. We sent you details of the local support group and the "
            "training on understanding behaviour. You can ask us for support again at any time.",
            ask_for_feedback=True,
        )
        return
    first_visit = today - timedelta(days=40 if stage == "plan" else 20)
    plan.record_first_visit(referral, first_visit, True, None)
    if stage == "outside":
        rules.set_next_step(
            referral, "We will pass your referral to the agency where you live.", today + timedelta(days=7), None
        )
        return
    if stage == "assessment":
        rules.set_next_step(
            referral, "Your worker will visit again to finish the assessment.", today + timedelta(days=14), None
        )
        return
    plan.add_plan_item(referral, PlanItemKind.UNIVERSAL, "Newsletter and invitations to family events.")
    plan.add_plan_item(referral, PlanItemKind.PEER_SUPPORT, "A place in the monthly adopters' support group.")
    therapy = plan.add_plan_item(
        referral, PlanItemKind.THERAPY, "Therapeutic parenting sessions for Maya and her parents.",
        child=referral.children[0], fund_amount_pence=250000, today=today,
    )
    plan.set_fund_status(therapy, FundStatus.SUBMITTED)
    plan.share_plan(
        referral,
        "Maya finds change very hard and needs calm, predictable routines and help with her feelings.",
        "Maya said she likes drawing with her mum and wants school mornings to be less shouty.",
        "",
        today,
        None,
    )
    review = plan.record_review(referral, today, "The plan is helping; bedtimes are calmer. Therapy continues.", None)
    plan.share_review(review)
    rules.set_next_step(referral, "The next review of your support plan.", today + timedelta(days=180), None)
    rules.send_staff_message(referral, duty, "Your support plan and the first review are ready to read.")


def load_demo_support(duty_email: str, manager_email: str) -> None:
    """Add Support Fund limits, the English support offer and the demo referrals. The caller commits."""
    if current_app.config["PORTAL_ENV"] == "production":
        raise RuntimeError("demo data is never loaded in production mode")
    if has_request_context():
        _load(duty_email, manager_email)
    else:
        # The rules build links for the emails they queue, which needs a request.
        with current_app.test_request_context():
            _load(duty_email, manager_email)


def _load(duty_email: str, manager_email: str) -> None:
    if db.session.scalar(select(PublicUser).where(PublicUser.email == DEMO_SUPPORT_FAMILY)) is not None:
        return
    duty = db.session.scalar(select(StaffUser).where(StaffUser.email == duty_email))
    manager = db.session.scalar(select(StaffUser).where(StaffUser.email == manager_email))
    assert duty is not None and manager is not None
    today = today_london()
    # The limits are data an administrator sets each year; the current year too, so the demo
    # Support Fund application can be submitted whenever the demo is loaded.
    for year in sorted({2025, 2026, financial_year(today)}):
        plan.set_fund_limit(year, FUND_LIMIT_PENCE)
    set_content(SUPPORT_OFFER, "en", support_offer(get_agency()), None)
    _account(DEMO_SUPPORT_FAMILY, "Demo adoptive family")
    for email, name, stage in DEMO_REFERRALS:
        referral = _refer(_account(email, name), stage, today)
        _advance(referral, stage, duty, manager, today)
    db.session.flush()


def demo_summary() -> str:
    families = ", ".join(f"{email} ({stage})" for email, _, stage in DEMO_REFERRALS)
    return "\n".join(
        [
            f"  Adoption support: {DEMO_SUPPORT_FAMILY} has no referral yet (ask for support at /support/);",
            f"  families with a referral at each stage (same password): {families}",
        ]
    )
