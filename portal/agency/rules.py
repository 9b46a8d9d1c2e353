"""Rules for the agency's own data: partner authorities and step-parent assessment caps."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from portal.accounts.models import StaffUser
from portal.agency.models import Agency, AgencyContent, AuthorityKind, PartnerAuthority, StepParentCap
from portal.core import audit
from portal.core.db import db


def get_agency() -> Agency | None:
    return db.session.scalar(select(Agency).order_by(Agency.id).limit(1))


def list_authorities(include_inactive: bool = False) -> list[PartnerAuthority]:
    query = select(PartnerAuthority).order_by(PartnerAuthority.name)
    if not include_inactive:
        query = query.where(PartnerAuthority.active.is_(True))
    return list(db.session.scalars(query))


def find_authority(slug: str) -> PartnerAuthority | None:
    return db.session.scalar(select(PartnerAuthority).where(PartnerAuthority.slug == slug))


def find_authority_by_name(name: str) -> PartnerAuthority | None:
    wanted = name.strip().lower()
    for authority in list_authorities(include_inactive=True):
        if authority.name.lower() == wanted:
            return authority
    return None


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def add_authority(name: str, hub: bool = False) -> PartnerAuthority:
    name = name.strip()
    if not name or len(name) > 120:
        raise ValueError("give the authority a name of up to 120 characters")
    if find_authority_by_name(name) or find_authority(_slug(name)):
        raise ValueError("that authority is a partner already")
    authority = PartnerAuthority(
        name=name, slug=_slug(name), kind=AuthorityKind.HUB if hub else AuthorityKind.SPOKE
    )
    db.session.add(authority)
    db.session.flush()
    audit.record("authority_added", "partner_authority", authority.slug)
    return authority


def financial_year(day: date) -> int:
    """The year a financial year (1 April to 31 March) starts in."""
    return day.year if day.month >= 4 else day.year - 1


def caps_for_year(year: int) -> dict[int, int]:
    rows = db.session.scalars(select(StepParentCap).where(StepParentCap.year == year))
    return {row.authority_id: row.places for row in rows}


def set_cap(authority: PartnerAuthority, year: int, places: int) -> StepParentCap:
    if not 0 <= places <= 999:
        raise ValueError("places must be between 0 and 999")
    if not 2000 <= year <= 2100:
        raise ValueError("give a year between 2000 and 2100")
    cap = db.session.scalar(
        select(StepParentCap).where(StepParentCap.authority_id == authority.id, StepParentCap.year == year)
    )
    if cap is None:
        cap = StepParentCap(authority_id=authority.id, year=year, places=places)
        db.session.add(cap)
    else:
        cap.places = places
    audit.record("step_parent_cap_set", "partner_authority", authority.slug, year=year, places=places)
    return cap


# ---------------------------------------------------------------------------------------------------
# The agency's own content (for example what adoption support it offers), in every language


def _content_row(key: str, locale: str) -> AgencyContent | None:
    return db.session.scalar(select(AgencyContent).where(AgencyContent.key == key, AgencyContent.locale == locale))


def content_keys() -> list[str]:
    from portal.support.content_defaults import DEFAULTS

    return list(DEFAULTS)


def content_state(key: str, locale: str) -> str:
    """Where the text shown in this language comes from: "set" (written in it), "english" (the
    agency's English) or "default" (the built-in English)."""
    if _content_row(key, locale) is not None:
        return "set"
    if locale != "en" and _content_row(key, "en") is not None:
        return "english"
    return "default"


def get_content(key: str, locale: str) -> str:
    """The content in this language, else the agency's English, else the built-in English text.
    Stored bodies were sanitised when saved; pages sanitise again when they show them."""
    from portal.support.content_defaults import DEFAULTS

    for code in dict.fromkeys([locale, "en"]):
        row = _content_row(key, code)
        if row is not None and row.body.strip():
            return row.body
    default = DEFAULTS.get(key)
    return default(get_agency()) if default else ""


def set_content(key: str, locale: str, body: str, staff: StaffUser | None) -> AgencyContent | None:
    """Keep the sanitised text for this language; empty text removes it, so the fallback shows."""
    from portal.core.sanitise import clean_html

    if key not in content_keys():
        raise ValueError("unknown content")
    cleaned = clean_html(body)
    row = _content_row(key, locale)
    if not cleaned:
        if row is not None:
            db.session.delete(row)
        audit.record("agency_content_changed", "agency_content", key, locale=locale, removed=True)
        return None
    if row is None:
        row = AgencyContent(key=key, locale=locale)
        db.session.add(row)
    row.body = cleaned
    row.updated_by_id = staff.id if staff is not None else None
    audit.record("agency_content_changed", "agency_content", key, locale=locale, removed=False)
    return row
