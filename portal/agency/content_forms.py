"""The form administrators write the agency's content with."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField

from portal.core.forms import long_text_field

CONTENT_LIMIT = 20000

FORMATTING_HINT = _l(
    "You can use these HTML tags: p for paragraphs, br for a line break, strong, em, ul and ol for "
    "lists with li for each item, and h2 and h3 for headings. Everything else is removed when you "
    "save, including links, images and any attributes. Leave the box empty to show the English text."
)


class ContentForm(FlaskForm):
    body = long_text_field(_l("Text"), CONTENT_LIMIT, hint=FORMATTING_HINT)
    submit = SubmitField(_l("Save and preview"), widget=GovSubmitInput())
