"""Form glue: GOV.UK widgets, translated messages, and the small checks every form shares."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput as _GovCheckboxesInput
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput as _GovRadioInput
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import Field, RadioField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

# Letters, marks, digits and ordinary punctuation are fine in any script; control characters,
# unassigned code points and the invisible direction overrides used to disguise text are not.
_FORBIDDEN_CATEGORIES = {"Cc", "Cs", "Co", "Cn"}
_BIDI_OVERRIDES = {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"}
_REPLACEMENT = "\ufffd"
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def clean_text(value: Any) -> Any:
    """Normalise typed text: NFC form, trimmed, CRLF turned into LF, and control characters (which
    cannot be shown back in a page) turned into U+FFFD so the checks below can name the problem."""
    if not isinstance(value, str):
        return value
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").strip()
    return "".join(
        "\ufffd" if unicodedata.category(c) == "Cc" and c not in "\n\t" else c for c in value
    )


class PlainText:
    """Refuses characters nobody types on purpose (control characters, direction overrides)."""

    def __init__(self, multiline: bool = False) -> None:
        self.multiline = multiline

    def __call__(self, form: FlaskForm, field: Field) -> None:
        for char in field.data or "":
            if self.multiline and char in "\n\t":
                continue
            if char in _BIDI_OVERRIDES or char == _REPLACEMENT or unicodedata.category(char) in _FORBIDDEN_CATEGORIES:
                raise ValidationError(str(_l("Remove any unusual or invisible characters")))


EMAIL_FORMAT = _l("Enter an email address in the correct format, like name@example.com")
PHONE_FORMAT = _l("Enter a phone number, like 01632 960 001 or +44 7700 900 982")


class EmailAddress:
    def __init__(self, message: Any = EMAIL_FORMAT) -> None:
        self.message = message

    def __call__(self, form: FlaskForm, field: Field) -> None:
        value = field.data or ""
        if value and (not EMAIL_PATTERN.match(value) or _REPLACEMENT in value):
            raise ValidationError(str(self.message))


class PhoneNumber:
    _allowed = re.compile(r"^\+?[0-9 ()\-]{7,25}$")

    def __init__(self, message: Any = PHONE_FORMAT) -> None:
        self.message = message

    def __call__(self, form: FlaskForm, field: Field) -> None:
        value = field.data or ""
        if value and (not self._allowed.match(value) or sum(c.isdigit() for c in value) < 7):
            raise ValidationError(str(self.message))


class ButtonForm(FlaskForm):
    """A form that is only a button: CSRF protection and nothing else."""

    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


STRIP = [clean_text]


class WholeNumber:
    """A whole number in a range, typed as text so what was typed is shown back if it is wrong."""

    def __init__(self, minimum: int, maximum: int, message: Any) -> None:
        self.minimum = minimum
        self.maximum = maximum
        self.message = message

    def __call__(self, form: FlaskForm, field: Field) -> None:
        value = (field.data or "").strip()
        if not (value.isascii() and value.isdigit() and self.minimum <= int(value) <= self.maximum):
            raise ValidationError(str(self.message))


def _required_message(field: Field) -> str:
    for validator in field.validators:
        if isinstance(validator, InputRequired) and validator.message:
            return str(validator.message)
    return str(_l("Select an option from the list"))


class ChoiceField(RadioField):
    """Radios whose 'not one of the choices' message is the field's own translated one."""

    def pre_validate(self, form: FlaskForm) -> None:
        if self.data not in {choice.value if hasattr(choice, "value") else choice[0] for choice in self.choices or []}:
            raise ValidationError(_required_message(self))


class ChoicesField(SelectMultipleField):
    """Checkboxes whose 'not one of the choices' message is the field's own translated one."""

    def pre_validate(self, form: FlaskForm) -> None:
        allowed = {choice.value if hasattr(choice, "value") else choice[0] for choice in self.choices or []}
        if any(value not in allowed for value in self.data or []):
            raise ValidationError(_required_message(self))


class _LegendFromLabel:
    """govuk-frontend-wtf builds the fieldset legend from the field's label only when the template
    passes no fieldset at all; a template that only styles the legend would lose the question. Fill
    the legend text in from the label whenever it is missing, and leave out an empty hint (an empty
    hint still gets an aria-describedby)."""

    def map_gov_params(self, field: Field, **kwargs: Any) -> dict[str, Any]:
        params: dict[str, Any] = super().map_gov_params(field, **kwargs)  # type: ignore[misc]
        fieldset = params.get("fieldset")
        if fieldset is not None:
            legend = fieldset.setdefault("legend", {})
            if not legend.get("text") and not legend.get("html"):
                legend["text"] = field.label.text
        hint = params.get("hint")
        if isinstance(hint, dict) and not hint.get("text") and not hint.get("html"):
            params.pop("hint")
        return params


class GovRadioInput(_LegendFromLabel, _GovRadioInput):
    pass


class GovCheckboxesInput(_LegendFromLabel, _GovCheckboxesInput):
    pass


def choices_from(labels: dict[Any, Any]) -> list[SelectChoice]:
    """Radio or checkbox choices from a {stored value: words people read} table."""
    return [SelectChoice(str(key), label) for key, label in labels.items()]


def error_summary_items(form: FlaskForm) -> list[dict[str, str]]:
    """The error summary's links, one per field in error, each to the control that takes focus:
    for a date, its day box (the date's own id is a wrapper that cannot take focus)."""
    from govuk_frontend_wtf.wtforms_widgets import GovDateInput

    items = []
    for field in form:
        if not field.errors:
            continue
        target = f"{field.id}-day" if isinstance(field.widget, GovDateInput) else field.id
        items.append({"text": str(field.errors[0]), "href": f"#{target}"})
    return items


ELSEWHERE = "elsewhere"


def authority_choices(authorities: list[tuple[str, str]], elsewhere_label: Any) -> list[SelectChoice]:
    """The partner authorities (from the database, so a new partner appears at once) and a last
    choice for anywhere else."""
    return [SelectChoice(slug, name) for slug, name in authorities] + [SelectChoice(ELSEWHERE, elsewhere_label)]


def email_field(label: Any, required: Any = None, description: Any = None) -> StringField:
    """An email address question, asked the same way on every form; ``required`` is the message
    for an empty answer, or None when the address is optional."""
    # No Optional() for an optional address: it would stop the form's own cross-field checks too.
    validators: list[Any] = [InputRequired(message=required)] if required else []
    validators += [
        Length(max=320, message=_l("Email address must be 320 characters or fewer")),
        EmailAddress(),
    ]
    return StringField(label, widget=GovTextInput(), description=description, filters=STRIP, validators=validators)


def phone_field(label: Any, description: Any = None) -> StringField:
    """An optional phone number question, asked the same way on every form."""
    return StringField(
        label,
        widget=GovTextInput(),
        description=description,
        filters=STRIP,
        validators=[Length(max=40, message=_l("Phone number must be 40 characters or fewer")), PhoneNumber()],
    )


def page_number() -> int:
    """The ``page`` of a paged list from the query string: a whole number from 1, or 1 for anything
    else (a person editing the address gets the first page, never an error)."""
    from flask import request

    try:
        return max(1, min(int(request.args.get("page", 1)), 100000))
    except ValueError:
        return 1


def _answer_validators(limit: int, required: Any, multiline: bool) -> list[Any]:
    # InputRequired: the field was sent at all; DataRequired: after trimming there is something left,
    # so an answer of only spaces counts as empty instead of being kept as an empty string.
    validators: list[Any] = [InputRequired(message=required), DataRequired(message=required)] if required else [Optional()]
    return validators + [
        Length(max=limit, message=_l("Answer must be %(max)d characters or fewer", max=limit)),
        PlainText(multiline=multiline),
    ]


def text_field(label: Any, limit: int, required: Any = None, hint: Any = None) -> StringField:
    """A one-line answer: trimmed, plain text, at most ``limit`` characters; ``required`` is the
    message for leaving it empty (an optional answer when None)."""
    return StringField(
        label, widget=GovTextInput(), description=hint, filters=STRIP, validators=_answer_validators(limit, required, False)
    )


def long_text_field(label: Any, limit: int, required: Any = None, hint: Any = None) -> TextAreaField:
    """A longer answer in a text area, with the same checks as ``text_field`` (line breaks allowed)."""
    return TextAreaField(
        label, widget=GovTextArea(), description=hint, filters=STRIP, validators=_answer_validators(limit, required, True)
    )
