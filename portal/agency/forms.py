from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import InputRequired

from portal.core.forms import STRIP, WholeNumber


class CapForm(FlaskForm):
    places = StringField(
        _l("Places this year"),
        widget=GovTextInput(),
        filters=STRIP,
        validators=[
            InputRequired(message=_l("Enter the number of places")),
            WholeNumber(0, 999, message=_l("Enter a whole number from 0 to 999")),
        ],
    )
    submit = SubmitField(_l("Save places"), widget=GovSubmitInput())
