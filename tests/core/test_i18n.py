from __future__ import annotations

from datetime import UTC, datetime

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale, format_date, gettext, ngettext

from tests.test_translations import TRANSLATIONS


def test_welsh_has_all_its_plural_forms_and_uses_them(app):
    with open(TRANSLATIONS / "cy" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalogue = read_po(handle, locale="cy")
    assert catalogue.num_plurals == 5
    message = catalogue.get(("%(num)d enquiry", "%(num)d enquiries"))
    assert len(message.string) == 5 and all(message.string)
    with app.test_request_context(), force_locale("cy"):
        for n in (0, 1, 2, 3, 6, 11, 100):
            text = ngettext("%(num)d enquiry", "%(num)d enquiries", n)
            assert str(n) in text
            assert "enquir" not in text


@pytest.mark.parametrize(
    ("locale", "month"),
    [("en", "November"), ("cy", "Tachwedd"), ("pl", "listopada"), ("ur", "نومبر"), ("pa", "ਨਵੰਬਰ")],
)
def test_dates_are_written_in_each_language(app, locale, month):
    with app.test_request_context(), force_locale(locale):
        assert month in format_date(datetime(2026, 11, 25, 12, tzinfo=UTC), "d MMMM yyyy")


@pytest.mark.parametrize("locale", ["cy", "pl", "ur", "pa"])
def test_every_locale_translates_the_govuk_defaults(app, locale):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalogue = read_po(handle, locale=locale)
    with app.test_request_context(), force_locale(locale):
        for text in ("Skip to main content", "There is a problem", "Menu", "Back", "Error", "Error:", "Success"):
            translated = catalogue.get(text).string
            assert translated
            assert gettext(text) == translated


def test_the_error_prefix_beside_fields_is_translated(client, demo):
    client.get("/?lang=pl")
    response = client.submit("/adopt/enquiry/about-you", {"full_name": "", "email": ""})
    html = response.get_data(as_text=True)
    assert '<span class="govuk-visually-hidden">Error:</span>' not in html
    with client.application.test_request_context(), force_locale("pl"):
        assert f'<span class="govuk-visually-hidden">{gettext("Error")}:</span>' in html
