"""Demonstration applications to adopt, one at each stage, built through the rules so they are in
states the portal itself can reach. Loading refuses to run in production mode (see portal.demo).

The demo applicant (applicant@demo.example) has an enquiry but no application: they start their
registration of interest in the browser and can be taken all the way to approval.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app, has_request_context
from sqlalchemy import select

from portal.accounts.models import PublicUser, StaffUser
from portal.accounts.public_demo import DEMO_APPLICANT, DEMO_PUBLIC_PASSWORD
from portal.accounts.rules import hash_password
from portal.adopting import application_rules as rules
from portal.adopting import assessment_rules as assessment
from portal.adopting import registration_rules as registration
from portal.adopting.application_models import Application, CheckStatus
from portal.adopting.models import AdoptionType, Enquiry, EnquirySource, EnquiryStatus
from portal.agency.rules import find_authority_by_name
from portal.core.db import db, new_reference, utcnow
from portal.core.timescales import today_london

# email, name, authority, how far the application has gone
DEMO_APPLICATIONS = [
    ("registered@demo.example", "Demo registered applicant", "Warwickshire", "submitted"),
    ("stage.one@demo.example", "Demo Stage One applicant", "Coventry", "stage_one"),
    ("on.break@demo.example", "Demo applicant on a break", "Solihull", "on_break"),
    ("stage.two@demo.example", "Demo Stage Two applicant", "Worcestershire", "stage_two"),
    ("approved@demo.example", "Demo approved adopter", "Warwickshire", "approved"),
]


def household_answers(authority_slug: str) -> dict[str, dict[str, Any]]:
    """Plain answers to every household section, shaped as the registration forms store them."""
    return {
        "home": {"address_line_1": "1 Demo Street", "address_line_2": "", "town": "Demo Town",
                 "postcode": "CV34 4RL", "authority": authority_slug, "years_at_address": "1_to_5"},
        "household": {"others": []},
        "children": {"children_at_home": "0", "children_at_home_details": "", "children_elsewhere": ""},
        "experience": {"experience": "Aunt to three nephews; volunteer at a youth club."},
        "motivation": {"motivation": "We have room and love to give a child a settled home."},
        "children_hoped_for": {"age_from": "0", "age_to": "6", "siblings": "maybe", "needs": ["health_conditions"]},
        "previous": {"adopted_before": "no", "fostering_child": "no", "applied_before": "no", "applied_before_details": ""},
    }


def applicant_answers(name: str) -> dict[str, dict[str, Any]]:
    """One applicant's own answers, shaped as the registration forms store them."""
    return {
        "about_you": {"full_name": name, "other_names": "", "date_of_birth": "1985-04-12", "phone": "",
                      "occupation": "Teacher", "works_with_children": "yes"},
        "health": {"health_conditions": "no", "health_details": "", "gp_practice": "Demo Surgery"},
        "suitability": {"convicted": "no", "convicted_details": "", "investigated": "no",
                        "investigated_details": "", "child_in_care": "no", "child_in_care_details": ""},
    }


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


def build_submitted(user: PublicUser, authority_slug: str) -> Application:
    """A single applicant's registration, every section answered and signed."""
    application = registration.start_registration(user, joint=False)
    for section, answers in household_answers(authority_slug).items():
        registration.save_household_section(application, section, answers)
    applicant = application.applicants[0]
    for section, answers in applicant_answers(user.name).items():
        registration.save_applicant_section(applicant, section, answers)
    registration.sign_registration(applicant, user.name, "Demo declaration")
    return application


def _advance(application: Application, stage: str, worker: StaffUser, manager: StaffUser) -> None:
    if stage == "submitted":
        return
    today = today_london()
    rules.accept_registration(application, worker, None)
    applicant = application.applicants[0]
    assessment.give_consent(applicant, "Demo consent")
    assessment.save_referees(
        applicant,
        [
            {"name": "Demo referee one", "relationship": "Friend", "years_known": 10, "relative": "no",
             "email": "referee.one@demo.example", "phone": "", "address": "Demo address"},
            {"name": "Demo referee two", "relationship": "Sister", "years_known": 30, "relative": "yes",
             "email": "referee.two@demo.example", "phone": "", "address": "Demo address"},
            {"name": "Demo referee three", "relationship": "Colleague", "years_known": 5, "relative": "no",
             "email": "referee.three@demo.example", "phone": "", "address": "Demo address"},
        ],
    )
    assessment.set_stage_one_plan(application, "Checks, references and preparation training in the first month.", None)
    for check in application.checks[:3]:
        assessment.record_check(check, CheckStatus.REQUESTED, "", None)
    if stage == "stage_one":
        return
    for check in application.checks:
        assessment.record_check(check, CheckStatus.SATISFACTORY, "", None)
    assessment.recommend_stage_one(application, worker, True, "All checks and references are satisfactory.", None)
    assessment.sign_off_stage_one(application, manager, True, None)
    if stage == "on_break":
        assessment.take_break(application, today + timedelta(days=60), today)
        return
    assessment.continue_to_stage_two(application)
    assessment.book_visit(application, utcnow() + timedelta(days=7), "Home study: your family history", None)
    if stage == "stage_two":
        return
    assessment.share_par(application, "Demo Prospective Adopter's Report.", None)
    assessment.comment_on_par(application, applicant, "We agree with the report.", today)
    assessment.book_panel(application, today, today, None)
    assessment.record_panel_recommendation(application, True, None)
    assessment.record_decision(application, manager, True, "The panel recommended approval.", None)


def load_demo_applications(worker_email: str, manager_email: str) -> None:
    """Add the demo applications, training dates and the demo applicant's enquiry. The caller commits."""
    if current_app.config["PORTAL_ENV"] == "production":
        raise RuntimeError("demo data is never loaded in production mode")
    if has_request_context():
        _load(worker_email, manager_email)
    else:
        # The rules build links for the emails they queue, which needs a request.
        with current_app.test_request_context():
            _load(worker_email, manager_email)


def _load(worker_email: str, manager_email: str) -> None:
    worker = db.session.scalar(select(StaffUser).where(StaffUser.email == worker_email))
    manager = db.session.scalar(select(StaffUser).where(StaffUser.email == manager_email))
    assert worker is not None and manager is not None
    warwickshire = find_authority_by_name("Warwickshire")
    db.session.add(
        Enquiry(
            reference=new_reference("ENQ"),
            submission_key="demo-applicant-enquiry",
            received_at=utcnow() - timedelta(days=20),
            full_name="Demo applicant",
            email=DEMO_APPLICANT,
            authority_id=warwickshire.id if warwickshire else None,
            adoption_type=AdoptionType.AGENCY,
            wants=["information_event"],
            source=EnquirySource.EVENT,
            preferred_language="en",
            communication_needs=[],
            status=EnquiryStatus.IN_PROGRESS,
        )
    )
    now = utcnow()
    for days, venue in ((14, "Demo venue: Shire Hall, Warwick"), (28, "Online"), (42, "Demo venue: Council House, Coventry")):
        assessment.add_course("Preparation training (three days)", now + timedelta(days=days), venue, 12)
    for email, name, authority_name, stage in DEMO_APPLICATIONS:
        authority = find_authority_by_name(authority_name)
        application = build_submitted(_account(email, name), authority.slug if authority else "")
        _advance(application, stage, worker, manager)
    db.session.flush()


def demo_summary() -> str:
    people = ", ".join(f"{email} ({stage.replace('_', ' ')})" for email, _, _, stage in DEMO_APPLICATIONS)
    return f"  Applicants at each stage (same password, a code by email): {people}"
