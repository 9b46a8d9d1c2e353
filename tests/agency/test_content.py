"""The agency's own content: sanitising, which language is shown, and the administrators' pages."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.agency.models import AgencyContent
from portal.agency.rules import content_state, get_content, set_content
from portal.core.audit import AuditEvent
from portal.core.db import db
from portal.core.sanitise import clean_html, govuk_html

EDIT = "/staff/content/support-offer/cy"


# ---------------------------------------------------------------------------------------------------
# Sanitising


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<p>Hi <strong>there</strong></p><script>alert(1)</script>", "<p>Hi <strong>there</strong></p>"),
        ("<style>p { color: red }</style><h2>Title</h2>", "<h2>Title</h2>"),
        ("<svg onload=alert(1)><script>x</script><text>inside</text></svg>after", "after"),
        ("<math><mi>m</mi></math><iframe src=x>inner</iframe>z", "z"),
        ('<img src="x" onerror="alert(1)">text', "text"),
        ('<a href="javascript:alert(1)">a link</a>', "a link"),
        ('<a href="https://example.org">a link</a>', "a link"),
        ('<p class="x" style="color:red" onclick="y">p</p>', "<p>p</p>"),
        ("<h1>Big</h1><b>bold</b><div>div</div>", "Bigbold\ndiv"),
        ("<ul><li>one<li>two</ul><ol><li>three</li></ol>", "<ul><li>one</li><li>two</li></ul><ol><li>three</li></ol>"),
        ("<h3>Small</h3><p>a<br>b <em>c</em></p><!-- note -->", "<h3>Small</h3><p>a<br>b <em>c</em></p>"),
        ("1 < 2 & 3", "1 &lt; 2 &amp; 3"),
        ("", ""),
    ],
)
def test_only_simple_formatting_survives(dirty, clean):
    assert clean_html(dirty) == clean


def test_govuk_classes_are_added_after_cleaning():
    assert govuk_html('<p onclick="x">a</p><ul><li>b</li></ul>') == (
        '<p class="govuk-body">a</p><ul class="govuk-list govuk-list--bullet"><li>b</li></ul>'
    )


# ---------------------------------------------------------------------------------------------------
# Fallback: the language's own text, then the agency's English, then the built-in English


def test_fallback_order(app, demo):
    with app.test_request_context():
        built_in = get_content("support_offer", "cy")
        assert "Local Government and Social Care Ombudsman" in built_in and "01632 960 000" in built_in
        assert content_state("support_offer", "cy") == "default"
        set_content("support_offer", "en", "<p>Our English offer</p>", None)
        assert get_content("support_offer", "cy") == "<p>Our English offer</p>"
        assert content_state("support_offer", "cy") == "english"
        set_content("support_offer", "cy", "<p>Ein cynnig</p><script>x</script>", None)
        assert get_content("support_offer", "cy") == "<p>Ein cynnig</p>"
        assert content_state("support_offer", "cy") == "set"
        assert get_content("support_offer", "pl") == "<p>Our English offer</p>"
        set_content("support_offer", "cy", "  ", None)  # empty: back to the English
        assert get_content("support_offer", "cy") == "<p>Our English offer</p>"
        assert get_content("no_such_key", "en") == ""
        with pytest.raises(ValueError):
            set_content("no_such_key", "en", "<p>x</p>", None)


def test_the_built_in_offer_has_every_statutory_item(app, demo):
    with app.test_request_context():
        text = get_content("support_offer", "en")
    for item in [
        "universal offer", "specialist offer", "at any time", "adoption support adviser",
        "Adoption and Special Guardianship Support Fund", "Priority school admissions", "housing",
        "early education place from the age of 2", "complaints procedure", "Ombudsman", "enquiries@ace.example",
    ]:
        assert item in text, item
    assert clean_html(text) == text


# ---------------------------------------------------------------------------------------------------
# Administrators' pages


def test_list_shows_the_state_of_each_language(admin_client, app):
    with app.test_request_context():
        set_content("support_offer", "en", "<p>English</p>", None)
        db.session.commit()
    response = admin_client.get("/staff/content/")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert text.count("Using English") == 4 and "Set" in text and EDIT in text


def test_an_administrator_writes_welsh_content(admin_client, app):
    response = admin_client.get(EDIT)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "families see the built-in English text" in text and "Local Government and Social Care Ombudsman" in text
    response = admin_client.submit(
        EDIT,
        {"body": '<h2>Cymorth</h2><p onclick="x">Gallwch <a href="javascript:alert(1)">ofyn</a></p><script>bad()</script>'},
        follow=True,
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "Content saved" in text
    assert '<h2 class="govuk-heading-m">Cymorth</h2><p class="govuk-body">Gallwch ofyn</p>' in text
    assert "bad()" not in text.replace("&lt;", "<").split("</textarea>")[1]
    with app.app_context():
        row = db.session.scalar(select(AgencyContent).where(AgencyContent.locale == "cy"))
        assert row.body == "<h2>Cymorth</h2><p>Gallwch ofyn</p>" and row.updated_by_id is not None
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "agency_content_changed")).all()
        assert len(events) == 1 and events[0].staff_id == row.updated_by_id and events[0].detail["locale"] == "cy"


def test_too_long_or_unusual_text_is_refused_and_shown_back(admin_client):
    response = admin_client.submit(EDIT, {"body": "<p>" + "a" * 20000 + "</p>"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "Answer must be 20000 characters or fewer" in text
    assert "a" * 20000 in text and "<title>Error:" in text
    response = admin_client.submit(EDIT, {"body": "bad \u202e text"})
    assert "Remove any unusual or invisible characters" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "url", ["/staff/content/no-such-content/cy", "/staff/content/support-offer/de", "/staff/content/support_offer/cy"]
)
def test_unknown_content_or_language_is_404(admin_client, url):
    assert admin_client.get(url).status_code == 404


def test_only_administrators(staff_client, client, demo):
    assert staff_client.get("/staff/content/").status_code == 403
    assert staff_client.get(EDIT).status_code == 403
    assert client.get(EDIT).status_code == 302
