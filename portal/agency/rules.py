"""Rules for the agency's own data: partner authorities and step-parent assessment caps."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from portal.agency.models import Agency, AuthorityKind, PartnerAuthority, StepParentCap
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
