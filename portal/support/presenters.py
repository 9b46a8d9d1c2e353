"""The words people read for the values stored on an adoption support referral: one place for the
family's pages and the staff pages."""

from __future__ import annotations

from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.agency.models import PartnerAuthority
from portal.core.db import db
from portal.support.models import (
    FundStatus,
    PlanItemKind,
    ReferralStatus,
    ReferrerRole,
    ScreeningOutcome,
    SupportChild,
    SupportReferral,
)
from portal.support.rules import Responsible, responsibility_for

STATUS_LABELS = {
    ReferralStatus.NEW: _l("Received"),
    ReferralStatus.SCREENED: _l("Looked at by the duty team"),
    ReferralStatus.ASSESSMENT: _l("Assessment of your support needs"),
    ReferralStatus.SAFEGUARDING: _l("Passed to the council's safeguarding team"),
    ReferralStatus.PLAN: _l("Support plan in place"),
    ReferralStatus.CLOSED: _l("Closed"),
    ReferralStatus.TRANSFERRED: _l("Passed to another council"),
}

# The same states as staff name them: what the referral is waiting for, in the team's words.
STAFF_STATUS_LABELS = {
    ReferralStatus.NEW: _l("New: waiting for screening"),
    ReferralStatus.SCREENED: _l("Screened: waiting for sign-off"),
    ReferralStatus.ASSESSMENT: _l("Assessment of need"),
    ReferralStatus.SAFEGUARDING: _l("Safeguarding: referred to MASH"),
    ReferralStatus.PLAN: _l("Support plan in place"),
    ReferralStatus.CLOSED: _l("Closed"),
    ReferralStatus.TRANSFERRED: _l("Transferred"),
}

OUTCOME_LABELS = {
    ScreeningOutcome.ADVICE: _l("Advice and information"),
    ScreeningOutcome.ASSESSMENT: _l("Assessment of support needs"),
    ScreeningOutcome.SAFEGUARDING: _l("Safeguarding referral"),
}

ROLE_LABELS = {
    ReferrerRole.ADOPTIVE_PARENT: _l("Adoptive parent"),
    ReferrerRole.SPECIAL_GUARDIAN: _l("Special guardian"),
}

PLAN_ITEM_LABELS = {
    PlanItemKind.UNIVERSAL: _l("Universal support"),
    PlanItemKind.PEER_SUPPORT: _l("Peer support"),
    PlanItemKind.TRAINING: _l("Training"),
    PlanItemKind.THERAPY: _l("Therapy"),
    PlanItemKind.SHORT_BREAKS: _l("Short breaks"),
    PlanItemKind.FINANCIAL: _l("Financial support"),
}

FUND_STATUS_LABELS = {
    FundStatus.DRAFT: _l("Not sent yet"),
    FundStatus.SUBMITTED: _l("Sent to the Support Fund"),
    FundStatus.APPROVED: _l("Approved"),
    FundStatus.REFUSED: _l("Refused"),
}

# The names plan_rules.clocks_of gives its clocks.
CLOCK_LABELS = {
    "screening_sign_off": _l("Screening agreed by a manager"),
    "assessment": _l("Assessment and support plan shared"),
    "review": _l("Review of the support plan"),
    "review_shared": _l("Review shared with the family"),
    "closure_letter": _l("Closure letter sent"),
}


def _long_date(value: date) -> str:
    return format_date(value, "d MMMM yyyy")


def _placing_name(child: SupportChild) -> str:
    if child.placing_authority is not None:
        return child.placing_authority.name
    return child.placing_authority_other


def _authority_name(authority_id: int | None) -> str:
    authority = db.session.get(PartnerAuthority, authority_id) if authority_id is not None else None
    return authority.name if authority is not None else ""


def responsibility_text(referral: SupportReferral, today: date) -> list[str]:
    """One sentence (or two) per child saying which council is responsible for assessing their
    support needs, and why: families are often sent between councils, so we say it plainly."""
    lines: list[str] = []
    outside = False
    for child in referral.children:
        who = responsibility_for(child, referral.home_authority_id, today)
        if who.kind == Responsible.PLACING:
            council = _placing_name(child) or _("the council that placed them")
            if who.until is not None:
                lines.append(
                    _(
                        "For %(name)s, %(council)s (the council that placed them) is responsible until "
                        "%(until)s, 3 years after the order was made.",
                        name=child.first_name,
                        council=council,
                        until=_long_date(who.until),
                    )
                )
            else:
                lines.append(
                    _(
                        "For %(name)s, %(council)s (the council that placed them) is responsible until "
                        "3 years after the order is made.",
                        name=child.first_name,
                        council=council,
                    )
                )
        elif who.kind == Responsible.HOME:
            lines.append(
                _(
                    "For %(name)s, the order was made more than 3 years ago, so %(council)s (the council "
                    "where you live) is responsible.",
                    name=child.first_name,
                    council=_authority_name(who.authority_id),
                )
            )
        else:
            lines.append(
                _(
                    "For %(name)s, the order was made more than 3 years ago and you live outside our "
                    "region, so contact the adoption support service of the council where you live.",
                    name=child.first_name,
                )
            )
            outside = True
    if outside:
        lines.append(_("We keep your request so that we can pass it on to that council."))
    return lines
