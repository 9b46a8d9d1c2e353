"""Spoke staff see their own authority's cases only; the hub sees the region. Enforced in queries."""

from __future__ import annotations

from sqlalchemy import select

from portal.adopting.models import Enquiry
from portal.agency.models import PartnerAuthority
from portal.core.db import db


def enquiries_by_authority(app):
    with app.app_context():
        rows = db.session.execute(
            select(Enquiry.public_id, PartnerAuthority.slug).outerjoin(PartnerAuthority, Enquiry.authority_id == PartnerAuthority.id)
        ).all()
    return rows


def test_a_spoke_worker_sees_only_their_authority(app, spoke_client):
    text = spoke_client.get("/staff/enquiries/").get_data(as_text=True)
    rows = enquiries_by_authority(app)
    coventry = [pid for pid, slug in rows if slug == "coventry"]
    others = [pid for pid, slug in rows if slug != "coventry"]
    assert coventry and others
    for public_id in coventry:
        assert public_id in text
    for public_id in others:
        assert public_id not in text
    # Filtering to another authority shows nothing of it either.
    assert "Solihull</td>" not in spoke_client.get("/staff/enquiries/?authority=solihull").get_data(as_text=True)


def test_a_spoke_worker_asking_for_another_authoritys_case_gets_404(app, spoke_client):
    for public_id, slug in enquiries_by_authority(app):
        status = spoke_client.get(f"/staff/enquiries/{public_id}").status_code
        assert status == (200 if slug == "coventry" else 404), slug
        if slug != "coventry":
            token = spoke_client.csrf_token("/staff/enquiries/")
            response = spoke_client.post(f"/staff/enquiries/{public_id}/close", data={"csrf_token": token, "version": "1"})
            assert response.status_code == 404


def test_the_hub_sees_every_authority_and_enquiries_from_elsewhere(app, staff_client):
    text = staff_client.get("/staff/enquiries/").get_data(as_text=True)
    for public_id, _ in enquiries_by_authority(app):
        assert public_id in text
