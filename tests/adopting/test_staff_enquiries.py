from __future__ import annotations

import re

from sqlalchemy import select

from portal.adopting.models import AdoptionType, Enquiry, EnquiryStatus
from portal.agency.models import PartnerAuthority
from portal.core.audit import AuditEvent
from portal.core.db import db


def first(app, **where):
    with app.app_context():
        query = select(Enquiry).order_by(Enquiry.received_at)
        for key, value in where.items():
            query = query.where(getattr(Enquiry, key) == value)
        enquiry = db.session.scalar(query)
        return enquiry.public_id, enquiry.reference, enquiry.version


def test_queue_lists_open_enquiries_with_timescales(staff_client):
    response = staff_client.get("/staff/enquiries/")
    text = response.get_data(as_text=True)
    assert "12 enquiries" in text
    assert "Overdue" in text  # the demo has enquiries three weeks old
    assert "On time" in text
    assert "Solihull" in text


def test_queue_filters_by_authority_and_status(staff_client):
    text = staff_client.get("/staff/enquiries/?authority=solihull").get_data(as_text=True)
    assert "Coventry</td>" not in text
    assert re.search(r"\d+ enquir", text)
    text = staff_client.get("/staff/enquiries/?authority=elsewhere").get_data(as_text=True)
    assert "2 enquiries" in text
    text = staff_client.get("/staff/enquiries/?status=closed").get_data(as_text=True)
    assert "0 enquiries" in text
    # Nonsense filters fall back to the defaults rather than failing.
    assert staff_client.get("/staff/enquiries/?authority=atlantis&status=zzz&page=-4").status_code == 200
    assert staff_client.get("/staff/enquiries/?page=abc").status_code == 200


def test_communication_needs_are_flagged_at_the_top(app, staff_client):
    public_id, _, _ = first(app, interpreter_language="Polish")
    text = staff_client.get(f"/staff/enquiries/{public_id}").get_data(as_text=True)
    warning = text.index("govuk-warning-text")
    assert warning < text.index("govuk-summary-list")
    assert "An interpreter: Polish" in text


def test_recording_a_response_moves_the_enquiry_on_and_is_audited(app, staff_client):
    public_id, _, version = first(app, status=EnquiryStatus.NEW)
    url = f"/staff/enquiries/{public_id}"
    response = staff_client.submit(f"{url}/responses", {"kinds": ["pack_sent", "call_made"], "note": "Left a voicemail", "version": version}, page=url)
    assert response.status_code == 302
    text = staff_client.get(url).get_data(as_text=True)
    assert "Information pack sent" in text
    assert "Left a voicemail" in text
    with app.app_context():
        enquiry = db.session.scalar(select(Enquiry).where(Enquiry.public_id == public_id))
        assert enquiry.status == EnquiryStatus.IN_PROGRESS
        assert enquiry.first_response_at is not None
        actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == public_id)))
    assert "enquiry_response_recorded" in actions
    assert "enquiry_viewed" in actions


def test_a_response_needs_something_ticked(app, staff_client):
    public_id, _, version = first(app)
    url = f"/staff/enquiries/{public_id}"
    response = staff_client.submit(f"{url}/responses", {"version": version}, page=url)
    assert response.status_code == 400
    assert "Select what you have done" in response.get_data(as_text=True)
    assert staff_client.last_page.title.startswith("Error:")


def test_two_staff_editing_at_once_the_second_is_told(app, staff_client):
    public_id, _, version = first(app)
    url = f"/staff/enquiries/{public_id}"
    staff_client.submit(f"{url}/responses", {"kinds": ["pack_sent"], "version": version}, page=url)
    stale = staff_client.submit(f"{url}/responses", {"kinds": ["call_made"], "note": "my note", "version": version}, page=url)
    assert stale.status_code == 409
    text = stale.get_data(as_text=True)
    assert "Someone else changed this enquiry" in text
    assert "my note" in text  # nothing typed is lost
    with app.app_context():
        enquiry = db.session.scalar(select(Enquiry).where(Enquiry.public_id == public_id))
        assert [r.kind for r in enquiry.responses] == ["pack_sent"]


def test_closing_an_enquiry(app, staff_client):
    public_id, _, version = first(app)
    url = f"/staff/enquiries/{public_id}"
    response = staff_client.submit(f"{url}/close", {"version": version}, page=url)
    assert response.headers["Location"].endswith("/staff/enquiries/")
    with app.app_context():
        assert db.session.scalar(select(Enquiry.status).where(Enquiry.public_id == public_id)) == EnquiryStatus.CLOSED
    # A closed enquiry takes no more responses or closing.
    again = staff_client.submit(f"{url}/close", {"version": version + 1}, page=url)
    assert again.status_code == 302
    late = staff_client.submit(f"{url}/responses", {"kinds": ["pack_sent"], "version": version + 1}, page=url)
    assert late.status_code in {400, 409}


def test_step_parent_places_are_counted_against_the_partnership_cap(app, staff_client):
    public_id, _, version = first(app, adoption_type=AdoptionType.STEP_PARENT)
    url = f"/staff/enquiries/{public_id}"
    assert "Step-parent assessment place given" in staff_client.get(url).get_data(as_text=True)
    response = staff_client.submit(f"{url}/responses", {"kinds": ["step_parent_place"], "version": version}, page=url)
    assert response.status_code == 302
    queue = staff_client.get("/staff/enquiries/").get_data(as_text=True)
    assert re.search(r"All areas</th>\s*<td[^>]*>33</td>\s*<td[^>]*>1</td>", queue)


def test_a_place_cannot_be_given_to_other_kinds_of_enquiry(app, staff_client):
    public_id, _, version = first(app, adoption_type=AdoptionType.AGENCY)
    url = f"/staff/enquiries/{public_id}"
    assert "Step-parent assessment place given" not in staff_client.get(url).get_data(as_text=True)
    response = staff_client.submit(f"{url}/responses", {"kinds": ["step_parent_place"], "version": version}, page=url)
    assert response.status_code == 400


def test_no_places_left_is_explained(app, staff_client, manager_client):
    for slug in ("coventry", "solihull", "warwickshire", "worcestershire"):
        manager_client.submit(f"/staff/authorities/{slug}/step-parent-places", {"places": "0"})
    public_id, _, version = first(app, adoption_type=AdoptionType.STEP_PARENT)
    url = f"/staff/enquiries/{public_id}"
    response = staff_client.submit(f"{url}/responses", {"kinds": ["step_parent_place"], "version": version}, page=url)
    assert response.status_code == 409
    assert "Every step-parent assessment place for this year has been given." in response.get_data(as_text=True)


def test_changing_an_authoritys_places(app, manager_client):
    staff_client = manager_client
    url = "/staff/authorities/solihull/step-parent-places"
    assert 'value="3"' in staff_client.get(url).get_data(as_text=True)
    bad = staff_client.submit(url, {"places": "lots"})
    assert "Enter a whole number from 0 to 999" in bad.get_data(as_text=True)
    assert 'value="lots"' in bad.get_data(as_text=True)
    assert "Enter a whole number from 0 to 999" in staff_client.submit(url, {"places": "100000"}).get_data(as_text=True)
    assert staff_client.submit(url, {"places": "5"}).status_code == 302
    assert 'value="5"' in staff_client.get(url).get_data(as_text=True)


def test_a_new_partner_appears_everywhere_at_once(app, client, staff_client):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["agency", "add-authority", "Herefordshire"])
    assert result.exit_code == 0, result.output
    assert "Herefordshire" in client.get("/contact").get_data(as_text=True)
    client.submit("/adopt/enquiry/about-you", {"full_name": "A", "email": "a@example.com"})
    assert "Herefordshire" in client.get("/adopt/enquiry/where-you-live").get_data(as_text=True)
    assert "Herefordshire" in staff_client.get("/staff/enquiries/").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(PartnerAuthority).where(PartnerAuthority.slug == "herefordshire"))
    again = runner.invoke(args=["agency", "add-authority", "Herefordshire"])
    assert again.exit_code != 0


def test_outbox_shows_emails_to_staff(app, staff_client):
    text = staff_client.get("/staff/outbox").get_data(as_text=True)
    match = re.search(r'href="(/staff/outbox/[^"]+)"', text)
    assert match
    message = staff_client.get(match.group(1)).get_data(as_text=True)
    assert "ENQ-" in message
