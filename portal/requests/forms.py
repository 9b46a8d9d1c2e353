"""The public request forms: about you, the request itself, how to contact you safely; then
sending, replying to a message and claiming a request made without an account."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovDateInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import DateField, Field, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from portal.core.communication import CommunicationNeedsFields
from portal.core.db import utcnow
from portal.core.forms import (
    STRIP,
    ChoiceField,
    ChoicesField,
    PlainText,
    authority_choices,
    choices_from,
    email_field,
    long_text_field,
    phone_field,
)
from portal.core.timescales import london_date
from portal.requests.models import RequestKind, SafeContact
from portal.requests.presenters import (
    CHANGE_LABELS,
    CONTACT_LABELS,
    RELATION_LABELS,
    SAFE_CONTACT_LABELS,
    SEEKING_LABELS,
    STAGE_LABELS,
)
from portal.requests.rules import ADULT_AGE, RELATIONS, age_on

TEXT_LIMIT = 3000



def _long_text(label: Any, required: Any = None, hint: Any = None) -> TextAreaField:
    return long_text_field(label, TEXT_LIMIT, required, hint)


class DayMonthYearInput(GovDateInput):
    """GOV.UK date input whose part labels are translated (the library's are English only)."""

    def map_gov_params(self, field: Field, **kwargs: Any) -> dict[str, Any]:
        params = super().map_gov_params(field, **kwargs)
        parts = ((gettext("Day"), "bday-day"), (gettext("Month"), "bday-month"), (gettext("Year"), "bday-year"))
        for item, (label, autocomplete) in zip(params["items"], parts, strict=True):
            item["label"] = label
            item["autocomplete"] = autocomplete
        # The "required" flag belongs on no element here: a <div required> is not valid HTML.
        params["attributes"].pop("required", None)
        return params


class DateOfBirthField(DateField):
    """Day, month and year boxes. A date that does not exist gets our own translated message
    (WTForms' "Not a valid date value" is not translated into every language we offer)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        # Exactly three boxes, whatever was posted: the widget shows back day, month and year.
        valuelist = (list(valuelist) + ["", "", ""])[:3]
        self.raw_data = valuelist
        if not any((v or "").strip() for v in valuelist):
            self.data = None
            return
        try:
            parts = [int((v or "").strip()) for v in valuelist]
            self.data = datetime.strptime(" ".join(str(p) for p in parts), "%d %m %Y").date()
        except ValueError:
            self.data = None
            raise ValueError(str(_l("Date of birth must be a real date"))) from None
        if parts[2] < 1900:
            self.data = None
            raise ValueError(str(_l("Date of birth must be a real date")))


class AboutYouForm(FlaskForm):
    full_name = StringField(
        _l("Full name"),
        widget=GovTextInput(),
        filters=STRIP,
        validators=[
            InputRequired(message=_l("Enter your full name")),
            Length(max=200, message=_l("Full name must be 200 characters or fewer")),
            PlainText(),
        ],
    )
    relation = ChoiceField(
        _l("Who are you?"),
        widget=GovRadioInput(),
        description=_l("Choose the one that fits you best."),
        validators=[InputRequired(message=_l("Select who you are"))],
    )
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())

    def set_kind(self, kind: RequestKind) -> None:
        allowed = RELATIONS[kind]
        self.relation.choices = [SelectChoice(r.value, RELATION_LABELS[r]) for r in allowed]
        if len(allowed) == 1 and not self.relation.data:
            # Only one answer is possible (birth records are for adopted adults): it is the answer.
            self.relation.data = allowed[0].value


class AboutYouWithBirthDateForm(AboutYouForm):
    """Birth records are for adults who were adopted: the date of birth shows they are 18 or over."""

    date_of_birth = DateOfBirthField(
        _l("What is your date of birth?"),
        widget=DayMonthYearInput(),
        format="%d %m %Y",
        description=_l("For example, 27 3 1990"),
        validators=[InputRequired(message=_l("Enter your date of birth"))],
    )

    def validate_date_of_birth(self, field: DateField) -> None:
        if field.data is None:
            return
        today = london_date(utcnow())
        if field.data > today:
            raise ValidationError(str(_l("Date of birth must be in the past")))
        if age_on(field.data, today) < ADULT_AGE:
            raise ValidationError(
                str(_l("You must be 18 or over to ask for your birth records. Ask us for general advice instead."))
            )


class DetailsForm(FlaskForm):
    authority = ChoiceField(
        _l("Which council area is this about?"),
        widget=GovRadioInput(),
        description=_l("The council that looked after the child, or where you live now."),
        validators=[InputRequired(message=_l("Select a council area, or select not known"))],
    )
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())

    def set_authorities(self, authorities: list[tuple[str, str]]) -> None:
        self.authority.choices = authority_choices(authorities, _l("Not known or somewhere else"))


class SupportDetailsForm(DetailsForm):
    stage = ChoiceField(
        _l("Where are things now?"),
        widget=GovRadioInput(),
        choices=choices_from(STAGE_LABELS),
        validators=[InputRequired(message=_l("Select where things are now"))],
    )
    needs = _long_text(
        _l("What help would you like?"),
        _l("Tell us what help you would like"),
        _l("For example, someone to talk to, help to understand what is happening, or help with letters."),
    )


class LetterboxDetailsForm(DetailsForm):
    change = ChoiceField(
        _l("What would you like to do?"),
        widget=GovRadioInput(),
        choices=choices_from(CHANGE_LABELS),
        validators=[InputRequired(message=_l("Select what you would like to do"))],
    )
    details = _long_text(
        _l("Tell us more"),
        _l("Tell us more about what you would like"),
        _l("Do not include the child's new surname or address if you know them."),
    )


class IntermediaryDetailsForm(DetailsForm):
    seeking = ChoiceField(
        _l("Who are you looking for?"),
        widget=GovRadioInput(),
        choices=choices_from(SEEKING_LABELS),
        validators=[InputRequired(message=_l("Select who you are looking for"))],
    )
    known = _long_text(
        _l("What do you know?"),
        _l("Tell us what you know"),
        _l("For example, names at birth, dates of birth, where and when the adoption happened."),
    )


class RecordsDetailsForm(DetailsForm):
    known = _long_text(
        _l("What do you know about your adoption? (optional)"),
        None,
        _l("For example, your name at birth, where you were born, and when you were adopted."),
    )


class AdviceDetailsForm(DetailsForm):
    question = _long_text(_l("What would you like advice about?"), _l("Tell us what you would like advice about"))


DETAILS_FORMS: dict[RequestKind, type[DetailsForm]] = {
    RequestKind.BIRTH_RELATIVE_SUPPORT: SupportDetailsForm,
    RequestKind.LETTERBOX_CHANGE: LetterboxDetailsForm,
    RequestKind.INTERMEDIARY: IntermediaryDetailsForm,
    RequestKind.BIRTH_RECORDS: RecordsDetailsForm,
    RequestKind.GENERAL_ADVICE: AdviceDetailsForm,
}


class ContactForm(CommunicationNeedsFields):
    """How and when it is safe to reach the person, their language and communication needs."""

    email = email_field(_l("Email address"))
    phone = phone_field(_l("Phone number"), description=_l("For international numbers include the country code."))
    contact_methods = ChoicesField(
        _l("How can we contact you?"),
        widget=GovCheckboxesInput(),
        description=_l("Select all that are safe for you."),
        choices=choices_from(CONTACT_LABELS),
        validators=[InputRequired(message=_l("Select at least one way we can contact you"))],
    )
    safe_contact = ChoicesField(
        _l("Is there anything we must not do?"),
        widget=GovCheckboxesInput(),
        description=_l("Select all that apply, or leave blank."),
        choices=choices_from(SAFE_CONTACT_LABELS),
        validators=[Optional()],
    )
    safe_times = TextAreaField(
        _l("When is it safe to contact you? (optional)"),
        widget=GovTextArea(),
        description=_l("For example, weekdays between 10am and 2pm."),
        filters=STRIP,
        validators=[Length(max=500, message=_l("Answer must be 500 characters or fewer")), PlainText(multiline=True)],
    )
    preferred_language = ChoiceField(
        _l("Which language would you like us to use?"),
        widget=GovRadioInput(),
        description=_l("If you need another language, choose an interpreter below."),
        validators=[InputRequired(message=_l("Select the language you would like us to use"))],
    )
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())

    def set_languages(self, locales: dict[str, dict[str, str]]) -> None:
        self.preferred_language.choices = [SelectChoice(code, meta["name"]) for code, meta in locales.items()]

    def validate_email(self, field: StringField) -> None:
        if not field.data and not self.phone.data:
            raise ValidationError(str(_l("Enter an email address or a phone number")))
        if not field.data and "email" in (self.contact_methods.data or []):
            raise ValidationError(str(_l("Enter your email address, or do not choose email as a way to contact you")))

    def validate_phone(self, field: StringField) -> None:
        if not field.data and {"phone", "text"} & set(self.contact_methods.data or []):
            raise ValidationError(
                str(_l("Enter your phone number, or do not choose phone calls or text messages"))
            )

    def validate_safe_contact(self, field: ChoicesField) -> None:
        chosen = set(field.data or [])
        methods = set(self.contact_methods.data or [])
        if SafeContact.EMAIL_ONLY in chosen and methods - {"email"}:
            raise ValidationError(str(_l("You asked for email only, so choose only email as a way to contact you")))
        if SafeContact.DO_NOT_PHONE in chosen and "phone" in methods:
            raise ValidationError(str(_l("You asked us not to phone, so do not choose phone calls as a way to contact you")))
        if SafeContact.NO_LETTERS in chosen and "letter" in methods:
            raise ValidationError(str(_l("You asked for no letters, so do not choose letters as a way to contact you")))


class SendRequestForm(FlaskForm):
    submit = SubmitField(_l("Send request"), widget=GovSubmitInput())


class MessageForm(FlaskForm):
    body = TextAreaField(
        _l("Your message"),
        widget=GovTextArea(),
        filters=STRIP,
        validators=[
            InputRequired(message=_l("Enter your message")),
            DataRequired(message=_l("Enter your message")),
            Length(max=5000, message=_l("Message must be 5000 characters or fewer")),
            PlainText(multiline=True),
        ],
    )
    submit = SubmitField(_l("Send message"), widget=GovSubmitInput())


class ClaimForm(FlaskForm):
    reference = StringField(
        _l("Reference number"),
        widget=GovTextInput(),
        description=_l("For example, REQ-AB12-CD34"),
        filters=STRIP,
        validators=[
            InputRequired(message=_l("Enter the reference number")),
            Length(max=40, message=_l("Reference number must be 40 characters or fewer")),
            PlainText(),
        ],
    )
    code = StringField(
        _l("Claim code"),
        widget=GovTextInput(),
        description=_l("The code we showed you when you sent the request, for example, AB3D-7KMP"),
        filters=STRIP,
        validators=[
            InputRequired(message=_l("Enter the claim code")),
            Length(max=40, message=_l("Claim code must be 40 characters or fewer")),
            PlainText(),
        ],
    )
    submit = SubmitField(_l("Add request"), widget=GovSubmitInput())


def date_to_draft(value: date | None) -> str:
    return value.isoformat() if value else ""
