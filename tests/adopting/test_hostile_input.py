"""What people type is shown back as text, never run: an XSS corpus through the enquiry journey to
the check-answers page, the staff view and the outbox."""

from __future__ import annotations

import pytest
from markupsafe import escape
from sqlalchemy import select

from portal.adopting.models import Enquiry
from portal.core.db import db
from tests.adopting.test_enquiry_journey import ABOUT, COMMUNICATION, ENQUIRY, WHERE

CORPUS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "{{ 7*7 }}",
]


@pytest.mark.parametrize("payload", CORPUS)
def test_payloads_render_inert_everywhere_they_are_shown(app, client, staff_client, payload):
    client.submit("/adopt/enquiry/about-you", {**ABOUT, "full_name": f"Name {payload}"[:200]})
    client.submit("/adopt/enquiry/where-you-live", WHERE)
    client.submit("/adopt/enquiry/your-enquiry", {**ENQUIRY, "source_other": payload[:200]})
    client.submit(
        "/adopt/enquiry/communication",
        {**COMMUNICATION, "communication_needs": ["interpreter", "other"], "communication_other": payload},
    )
    pages = [client.get("/adopt/enquiry/check-answers").get_data(as_text=True)]
    client.submit("/adopt/enquiry/check-answers", {})
    with app.app_context():
        public_id = db.session.scalar(select(Enquiry.public_id).where(Enquiry.email == ABOUT["email"]))
    pages.append(staff_client.get(f"/staff/enquiries/{public_id}").get_data(as_text=True))
    for html in pages:
        # Shown as the text that was typed: escaped, never as markup, never evaluated.
        assert str(escape(payload)) in html
        if "<" in payload:
            assert payload not in html
        assert 'href="javascript:' not in html
        assert "<script>alert" not in html


@pytest.mark.parametrize("field", ["full_name", "email"])
def test_control_characters_are_refused_with_a_message(client, demo, field):
    response = client.submit("/adopt/enquiry/about-you", {**ABOUT, field: "nul\x00byte@example.com"})
    assert response.status_code == 200  # the page checks prove the answer is redisplayed as valid HTML
    text = response.get_data(as_text=True)
    assert "Remove any unusual or invisible characters" in text or "Enter an email address in the correct format" in text


def test_very_long_answers_are_refused_and_kept(client, demo):
    long_text = "ś" * 1500
    client.submit("/adopt/enquiry/about-you", ABOUT)
    client.submit("/adopt/enquiry/where-you-live", WHERE)
    client.submit("/adopt/enquiry/your-enquiry", ENQUIRY)
    response = client.submit(
        "/adopt/enquiry/communication", {**COMMUNICATION, "communication_needs": ["other"], "communication_other": long_text}
    )
    text = response.get_data(as_text=True)
    assert "Answer must be 1000 characters or fewer" in text
    assert long_text in text
