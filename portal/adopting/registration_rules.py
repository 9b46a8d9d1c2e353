"""Rules for the registration of interest: starting one (one open application per person), the
household's and each applicant's sections, inviting and joining a second applicant, and the
e-signatures that send it."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import PublicUser
from portal.adopting.application_models import Applicant, Application
from portal.adopting.application_rules import (
    FINAL,
    IllegalMove,
    NotAllowed,
    S,
    applicant_of,
    current_application,
    email_locale,
    make_move,
    portal_link,
    record_event,
    tell_applicants,
)
from portal.adopting.models import Enquiry
from portal.agency.models import PartnerAuthority
from portal.core import outbox
from portal.core.db import db, new_reference, utcnow

# The parts of the registration of interest. Household sections are answered once for the
# application; applicant sections by each applicant for themselves.
HOUSEHOLD_SECTIONS = ("home", "household", "children", "experience", "motivation", "children_hoped_for", "previous")
APPLICANT_SECTIONS = ("about_you", "health", "suitability")


# The declarations people sign, by version. The words are in the templates, keyed by version, so a
# changed declaration gets a new version and what each person signed stays on record.
DECLARATION_VERSION = "roi-2026-1"


def start_registration(user: PublicUser, joint: bool) -> Application:
    """Start a registration for this account holder, linking their earlier enquiry if the email
    matches. Refused while they already have an application that has not ended."""
    existing = current_application(user)
    if existing is not None and existing.status not in FINAL:
        raise NotAllowed("already_applying")
    enquiry_id = db.session.scalar(
        select(Enquiry.id)
        .where(func.lower(Enquiry.email) == user.email.lower())
        .order_by(Enquiry.received_at.desc())
        .limit(1)
    )
    application = Application(reference=new_reference("ROI"), joint=joint, enquiry_id=enquiry_id, answers={})
    application.applicants.append(Applicant(position=1, public_user_id=user.id, open_for_user_id=user.id, answers={}))
    savepoint = db.session.begin_nested()
    try:
        db.session.add(application)
        db.session.flush()
        savepoint.commit()
    except IntegrityError:
        # "Start" pressed in another tab at the same moment: that one made the application.
        savepoint.rollback()
        raise NotAllowed("already_applying") from None
    record_event("registration_started", application, joint=joint, enquiry_linked=enquiry_id is not None)
    return application


def _editable(application: Application) -> None:
    if application.status != S.DRAFT:
        raise IllegalMove("the registration has been sent")


def _unsign_all(application: Application) -> None:
    # A change after signing means the signatures no longer cover what is written.
    for applicant in application.applicants:
        if applicant.signed_at is not None:
            applicant.signed_at = None
            applicant.signed_name = ""
            applicant.declaration_text = ""
            applicant.declaration_version = ""


def set_joint(application: Application, joint: bool) -> None:
    _editable(application)
    if not joint:
        for applicant in list(application.applicants):
            if applicant.position == 2:
                application.applicants.remove(applicant)
    application.joint = joint
    _unsign_all(application)


def save_household_section(application: Application, section: str, answers: dict[str, Any]) -> None:
    """Keep the answers to one household section (either applicant may answer) and mark it done."""
    if section not in HOUSEHOLD_SECTIONS:
        raise ValueError(section)
    _editable(application)
    application.answers = {**application.answers, section: answers}
    if section not in application.completed_sections:
        application.completed_sections = [*application.completed_sections, section]
    if section == "home":
        slug = answers.get("authority")
        authority = db.session.scalar(select(PartnerAuthority).where(PartnerAuthority.slug == slug)) if slug else None
        application.authority_id = authority.id if authority else None
    if section == "previous":
        application.fast_track = is_fast_track(answers)
    _unsign_all(application)


def save_applicant_section(applicant: Applicant, section: str, answers: dict[str, Any]) -> None:
    """Keep one applicant's own answers to one section. Only that applicant writes their part."""
    if section not in APPLICANT_SECTIONS:
        raise ValueError(section)
    _editable(applicant.application)
    applicant.answers = {**applicant.answers, section: answers}
    if section not in applicant.completed_sections:
        applicant.completed_sections = [*applicant.completed_sections, section]
    _unsign_all(applicant.application)


def is_fast_track(previous: dict[str, Any]) -> bool:
    """People who have adopted before, and foster carers adopting the child in their care, skip
    Stage One."""
    return previous.get("adopted_before") == "yes" or previous.get("fostering_child") == "yes"


def _token_hash(token: str) -> str:
    key = str(current_app.secret_key).encode()
    return hmac.new(key, f"joint-applicant:{token}".encode(), hashlib.sha256).hexdigest()


def invite_second_applicant(application: Application, email: str, language: str) -> None:
    """Invite the second applicant by email (a new invitation replaces any earlier one)."""
    _editable(application)
    if not application.joint:
        raise IllegalMove("a single application has no second applicant")
    second = next((a for a in application.applicants if a.position == 2), None)
    if second is not None and second.public_user_id is not None:
        raise NotAllowed("already_joined")
    if second is None:
        second = Applicant(position=2, answers={})
        application.applicants.append(second)
    token = secrets.token_urlsafe(32)
    second.invite_email = email
    second.invite_token_hash = _token_hash(token)
    second.invited_at = utcnow()
    outbox.queue_email(
        email,
        "application-joint-invitation",
        email_locale(language),
        link=portal_link("registration_public.join_application", token=token),
    )
    record_event("second_applicant_invited", application)


def find_invitation(token: str) -> Applicant | None:
    applicant = db.session.scalar(select(Applicant).where(Applicant.invite_token_hash == _token_hash(token)))
    if applicant is None or applicant.application.status != S.DRAFT:
        return None
    return applicant


def join_application(user: PublicUser, token: str) -> Application:
    """The invited person, signed in to their own account, joins the application as applicant 2."""
    applicant = find_invitation(token)
    if applicant is None:
        raise NotAllowed("invitation_not_found")
    application = applicant.application
    if applicant_of(user, application) is not None:
        raise NotAllowed("already_applicant")
    existing = current_application(user)
    if existing is not None and existing.status not in FINAL:
        raise NotAllowed("already_applying")
    applicant.public_user_id = user.id
    applicant.open_for_user_id = user.id
    applicant.invite_token_hash = None
    record_event("second_applicant_joined", application)
    return application


def missing_sections(application: Application) -> list[str]:
    """What is still to do before the applicants can sign: household sections, then each applicant's
    own (as "about_you:2"), and the second applicant joining."""
    missing = [s for s in HOUSEHOLD_SECTIONS if s not in application.completed_sections]
    positions = {a.position: a for a in application.applicants}
    for position in (1, 2) if application.joint else (1,):
        applicant = positions.get(position)
        if applicant is None or applicant.public_user_id is None:
            missing.append(f"join:{position}")
            continue
        missing += [f"{s}:{position}" for s in APPLICANT_SECTIONS if s not in applicant.completed_sections]
    return missing


def sign_registration(applicant: Applicant, typed_name: str, declaration_text: str) -> bool:
    """Record one applicant's e-signature; when every applicant has signed, the registration is
    sent. Gives back whether it was sent."""
    application = applicant.application
    _editable(application)
    if missing_sections(application):
        raise NotAllowed("not_complete")
    if not typed_name.strip():
        raise NotAllowed("no_name")
    applicant.signed_name = typed_name.strip()
    applicant.signed_at = utcnow()
    applicant.declaration_version = DECLARATION_VERSION
    applicant.declaration_text = declaration_text
    record_event("registration_signed", application, applicant=applicant.position)
    if all(a.signed_at is not None for a in application.applicants):
        make_move(application, "submit")
        application.submitted_at = utcnow()
        application.fast_track = is_fast_track(application.answers.get("previous", {}))
        record_event("registration_submitted", application, fast_track=application.fast_track)
        tell_applicants(application, "application-received")
        return True
    return False
