"""The public "What support you can get" page."""

from __future__ import annotations

from portal.agency.rules import set_content
from portal.core.db import db


def _put(app, locale, body):
    with app.test_request_context():
        set_content("support_offer", locale, body, None)
        db.session.commit()


def test_the_built_in_offer_in_english(client, demo):
    response = client.get("/support/")
    assert response.status_code == 200
    page = client.last_page
    text = response.get_data(as_text=True)
    assert page.tree.get("lang") == "en"
    assert "Adoption support" in text and "Adoption and Special Guardianship Support Fund" in text
    assert 'href="/support/ask"' in text and "01632 960 000" in text and "Monday to Friday, 9am to 5pm" in text
    assert "govuk-exit-this-page" in text
    assert '<h2 class="govuk-heading-m">Support for every adoptive family</h2>' in text


def test_welsh_chrome_with_the_english_content_until_welsh_is_written(app, client, demo):
    _put(app, "en", "<p>Our English offer</p>")
    client.get("/?lang=cy")
    text = client.get("/support/").get_data(as_text=True)
    assert client.last_page.tree.get("lang") == "cy"
    assert 'lang="en" dir="ltr">' in text and "Our English offer" in text
    _put(app, "cy", "<p>Ein cynnig</p>")
    text = client.get("/support/").get_data(as_text=True)
    assert 'lang="cy" dir="ltr">' in text and "Ein cynnig" in text and "Our English offer" not in text


def test_stored_content_is_cleaned_again_when_shown(app, client, demo):
    from portal.agency.models import AgencyContent

    with app.app_context():
        # Text that reached the table some other way than set_content.
        body = '<p>Hi</p><script>alert(1)</script><img src=x onerror=alert(2)>'
        db.session.add(AgencyContent(key="support_offer", locale="en", body=body))
        db.session.commit()
    text = client.get("/support/").get_data(as_text=True)
    assert '<p class="govuk-body">Hi</p>' in text and "alert(1)" not in text and "onerror" not in text


def test_every_language_passes_the_page_checks(client, demo):
    for locale in ("en", "cy", "pl", "ur", "pa"):
        client.get(f"/?lang={locale}")
        assert client.get("/support/").status_code == 200
        assert client.last_page.tree.get("lang") == locale
