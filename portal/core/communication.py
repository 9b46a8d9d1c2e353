"""Communication needs (NHS Accessible Information Standard) and preferred languages.

The same list is asked of enquirers here and of account holders in their profile, and staff see it
flagged at the top of every case.
"""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextArea, GovTextInput
from wtforms import StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from portal.core.forms import STRIP, ChoicesField, GovCheckboxesInput, PlainText


class CommunicationNeed(StrEnum):
    LARGE_PRINT = "large_print"
    EASY_READ = "easy_read"
    AUDIO = "audio"
    BRAILLE = "braille"
    BSL = "bsl"
    INTERPRETER = "interpreter"
    OTHER = "other"


NEED_LABELS = {
    CommunicationNeed.LARGE_PRINT: _l("Large print"),
    CommunicationNeed.EASY_READ: _l("Easy read"),
    CommunicationNeed.AUDIO: _l("Audio"),
    CommunicationNeed.BRAILLE: _l("Braille"),
    CommunicationNeed.BSL: _l("British Sign Language"),
    CommunicationNeed.INTERPRETER: _l("An interpreter"),
    CommunicationNeed.OTHER: _l("Something else"),
}


def need_choices() -> list[SelectChoice]:
    return [SelectChoice(need.value, label) for need, label in NEED_LABELS.items()]


def language_choices(locales: dict[str, dict[str, str]]) -> list[SelectChoice]:
    """Languages we write in, each in its own name, then 'another language'."""
    choices = [SelectChoice(code, meta["name"]) for code, meta in locales.items()]
    choices.append(SelectChoice("other", _l("Another language")))
    return choices


class CommunicationNeedsFields(FlaskForm):
    """The communication-needs questions, asked the same way wherever they are asked (the enquiry
    form, the account profile), so staff always see the same answers."""

    communication_needs = ChoicesField(
        _l("Do you need us to communicate with you in a particular way?"),
        widget=GovCheckboxesInput(),
        description=_l("Select all that apply, or leave blank if you do not need anything."),
        choices=need_choices(),
        validators=[Optional()],
    )
    interpreter_language = StringField(
        _l("Which language should the interpreter speak?"),
        widget=GovTextInput(),
        filters=STRIP,
        validators=[Length(max=100, message=_l("Language must be 100 characters or fewer")), PlainText()],
    )
    communication_other = TextAreaField(
        _l("Tell us what you need"),
        widget=GovTextArea(),
        filters=STRIP,
        validators=[Length(max=1000, message=_l("Answer must be 1000 characters or fewer")), PlainText(multiline=True)],
    )

    def validate_interpreter_language(self, field: StringField) -> None:
        if CommunicationNeed.INTERPRETER in (self.communication_needs.data or []) and not field.data:
            raise ValidationError(str(_l("Enter the language the interpreter should speak")))

    def validate_communication_other(self, field: TextAreaField) -> None:
        if CommunicationNeed.OTHER in (self.communication_needs.data or []) and not field.data:
            raise ValidationError(str(_l("Tell us what you need")))
