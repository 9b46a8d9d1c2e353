"""The one form on a family's "My support" pages: a secure message to their worker."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.core.forms import STRIP, PlainText

MESSAGE_MAX = 5000


class FamilyMessageForm(FlaskForm):
    body = TextAreaField(
        _l("Your message"),
        widget=GovTextArea(),
        filters=STRIP,
        validators=[
            DataRequired(message=_l("Enter your message")),
            Length(max=MESSAGE_MAX, message=_l("Message must be 5000 characters or fewer")),
            PlainText(multiline=True),
        ],
    )
    submit = SubmitField(_l("Send message"), widget=GovSubmitInput())
