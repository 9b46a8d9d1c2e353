"""Demonstration data: Adoption Central England, its partners, two staff and some enquiries.

Demo credentials exist only here, and loading refuses to run in production mode.
"""

from __future__ import annotations

import random
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from portal.accounts.models import StaffRole
from portal.accounts.public_demo import DemoRefused, load_public_demo
from portal.accounts.rules import create_staff
from portal.adopting.models import AdoptionType, Enquiry, EnquirySource, EnquiryStatus
from portal.agency.models import Agency
from portal.agency.rules import (
    add_authority,
    financial_year,
    find_authority_by_name,
    set_cap,
)
from portal.core import outbox
from portal.core.db import db, new_reference, utcnow
from portal.core.timescales import today_london
from portal.requests.demo import load_demo_requests

DEMO_PASSWORD = "demo-password-2026"
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
DEMO_STAFF = "duty.worker@ace.example"
DEMO_NEW_STAFF = "new.starter@ace.example"
DEMO_ADMIN = "administrator@ace.example"
DEMO_SPOKE_STAFF = "coventry.worker@ace.example"
DEMO_MANAGER = "team.manager@ace.example"

PARTNERS = [("Coventry", False, 10), ("Solihull", False, 3), ("Warwickshire", True, 10), ("Worcestershire", False, 10)]

FIRST = ["Amira", "Ben", "Chloe", "Dylan", "Ewa", "Farhan", "Grace", "Harpreet", "Iwan", "Jasmine", "Kofi", "Lowri"]
LAST = ["Ahmed", "Baker", "Clarke", "Davies", "Evans", "Kowalski", "Singh", "Jones", "Mensah", "Patel", "Hughes", "Nowak"]


__all__ = ["DemoRefused", "load_demo"]


def load_demo(include_requests: bool = True, include_applications: bool = True, include_support: bool = True) -> str:
    if current_app.config["PORTAL_ENV"] == "production":
        raise DemoRefused("demo data is never loaded in production mode")
    if db.session.scalar(select(Agency).limit(1)) is not None:
        return "Demo data is loaded already."
    db.session.add(
        Agency(
            name="Adoption Central England",
            short_name="ACE",
            email="enquiries@ace.example",
            phone="01632 960 000",
            address="Demo address: Shire Hall, Warwick",
            duty_hours="Monday to Friday, 9am to 5pm",
            website="",
            enquiry_response_days=10,
        )
    )
    year = financial_year(today_london())
    for name, hub, places in PARTNERS:
        authority = add_authority(name, hub=hub)
        set_cap(authority, year, places)
    coventry = find_authority_by_name("Coventry")
    for email, name, roles, authority in [
        (DEMO_STAFF, "Demo duty worker", [StaffRole.DUTY_WORKER, StaffRole.ASSESSMENT_WORKER], None),
        (DEMO_MANAGER, "Demo team manager", [StaffRole.TEAM_MANAGER, StaffRole.PERFORMANCE_OFFICER], None),
        (DEMO_ADMIN, "Demo administrator", [StaffRole.ADMINISTRATOR], None),
        (DEMO_SPOKE_STAFF, "Demo Coventry duty worker", [StaffRole.DUTY_WORKER], coventry.id if coventry else None),
    ]:
        create_staff(email, name, DEMO_PASSWORD, totp_secret=DEMO_TOTP_SECRET, roles=roles, authority_id=authority)
    create_staff(DEMO_NEW_STAFF, "Demo new starter", DEMO_PASSWORD, roles=[StaffRole.DUTY_WORKER])
    _demo_enquiries()
    public_accounts = load_public_demo()
    if include_requests:
        load_demo_requests()
    if include_applications:
        from portal.adopting.demo import load_demo_applications

        load_demo_applications(DEMO_STAFF, DEMO_MANAGER)
    if include_support:
        from portal.support.demo import load_demo_support

        load_demo_support(DEMO_STAFF, DEMO_MANAGER)
    db.session.commit()
    return "\n".join(
        [
            "Demo data loaded.",
            f"Staff password for every demo account: {DEMO_PASSWORD}",
            f"  authenticator secret for all but the new starter (add it to any TOTP app): {DEMO_TOTP_SECRET}",
            f"  {DEMO_STAFF} (hub duty worker), {DEMO_MANAGER} (team manager),",
            f"  {DEMO_ADMIN} (administrator), {DEMO_SPOKE_STAFF} (Coventry spoke only)",
            f"New staff (sets up an authenticator at first sign-in): {DEMO_NEW_STAFF} / {DEMO_PASSWORD}",
            public_accounts,
            *([demo_applications_summary()] if include_applications else []),
            *([demo_support_summary()] if include_support else []),
        ]
    )


def demo_support_summary() -> str:
    from portal.support.demo import demo_summary

    return demo_summary()


def demo_applications_summary() -> str:
    from portal.adopting.demo import demo_summary

    return demo_summary()


def _demo_enquiries() -> None:
    picker = random.Random(2026)
    authorities = [find_authority_by_name(name) for name, _, _ in PARTNERS]
    now = utcnow()
    for index in range(12):
        authority = authorities[index % len(authorities)] if index % 6 else None
        needs = ["large_print"] if index == 2 else (["interpreter"] if index == 5 else [])
        enquiry = Enquiry(
            reference=new_reference("ENQ"),
            submission_key=f"demo-{index}",
            received_at=now - timedelta(days=index * 2, hours=picker.randint(0, 8)),
            full_name=f"{FIRST[index]} {LAST[index]}",
            email=f"{FIRST[index].lower()}@example.com",
            phone="",
            authority_id=authority.id if authority else None,
            adoption_type=list(AdoptionType)[index % 4],
            wants=["information_pack"] + (["call"] if index % 2 else []),
            source=list(EnquirySource)[index % 8],
            preferred_language=["en", "cy", "pl", "ur", "pa"][index % 5],
            communication_needs=needs,
            interpreter_language="Polish" if index == 5 else "",
            status=EnquiryStatus.NEW,
        )
        db.session.add(enquiry)
        outbox.queue_email(enquiry.email, "enquiry-received", enquiry.preferred_language, reference=enquiry.reference)
