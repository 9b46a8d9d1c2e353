"""The applicants' forms after the registration: consent, referees, previous partners, employer,
documents, the choice between the stages, comments on the report, messages and withdrawing."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovFileInput, GovSubmitInput, GovTextInput
from wtforms import DateField, Field, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional, ValidationError

from portal.adopting.application_presenters import DOCUMENT_KIND_LABELS
from portal.core.forms import (
    STRIP,
    ChoiceField,
    ChoicesField,
    GovCheckboxesInput,
    GovRadioInput,
    WholeNumber,
    choices_from,
    email_field,
    long_text_field,
    phone_field,
    text_field,
)

YES_NO = {"yes": _l("Yes"), "no": _l("No")}
MAX_PARTNERS = 3
REFEREES = 3


def _text(label: Any, limit: int, required: Any = None, hint: Any = None) -> StringField:
    return text_field(label, limit, required, hint)


def _long_text(label: Any, limit: int, required: Any = None, hint: Any = None) -> TextAreaField:
    return long_text_field(label, limit, required, hint)


# ---------------------------------------------------------------------------------------------------
# Consent to the checks


class ConsentForm(FlaskForm):
    agree = ChoicesField(
        _l("Your consent"),
        widget=GovCheckboxesInput(),
        choices=[SelectChoice("agree", _l("I agree to these checks being made about me"))],
        validators=[InputRequired(message=_l("Select that you agree to the checks, if you do"))],
    )
    submit = SubmitField(_l("Give consent"), widget=GovSubmitInput())


# ---------------------------------------------------------------------------------------------------
# Referees: three sets of the same questions, named referee_1_name and so on


REFEREE_KEYS = ("name", "relationship", "years_known", "relative", "email", "phone", "address")


def _referee_fields(number: int) -> dict[str, Any]:
    return {
        f"referee_{number}_name": _text(_l("Full name"), 200, _l("Enter the referee's full name")),
        f"referee_{number}_relationship": _text(
            _l("How do they know you?"), 100, _l("Enter how the referee knows you"), _l("For example, friend, sister, colleague.")
        ),
        f"referee_{number}_years_known": StringField(
            _l("How many years have they known you?"),
            widget=GovTextInput(),
            filters=STRIP,
            validators=[
                InputRequired(message=_l("Enter how many years the referee has known you")),
                WholeNumber(0, 100, _l("Years must be a whole number from 0 to 100")),
            ],
        ),
        f"referee_{number}_relative": ChoiceField(
            _l("Are they a relative of yours?"),
            widget=GovRadioInput(),
            choices=choices_from(YES_NO),
            validators=[InputRequired(message=_l("Select yes if the referee is a relative"))],
        ),
        f"referee_{number}_email": email_field(_l("Email address")),
        f"referee_{number}_phone": phone_field(_l("Phone number")),
        f"referee_{number}_address": _long_text(_l("Address"), 500, _l("Enter the referee's address")),
    }


class _RefereesBase(FlaskForm):
    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for number in range(1, REFEREES + 1):
            email, phone = self[f"referee_{number}_email"], self[f"referee_{number}_phone"]
            if not email.data and not phone.data and not email.errors:
                email.errors = [str(_l("Enter the referee's email address or phone number"))]
                valid = False
        answers = [self[f"referee_{n}_relative"].data for n in range(1, REFEREES + 1)]
        if all(answers) and "yes" not in answers:
            self["referee_1_relative"].errors = [str(_l("At least one of your referees must be a relative"))]
            valid = False
        return valid

    def referees(self) -> list[dict[str, Any]]:
        """The answers in the shape the rules keep: one dict per referee."""
        out = []
        for number in range(1, REFEREES + 1):
            person = {key: self[f"referee_{number}_{key}"].data or "" for key in REFEREE_KEYS}
            person["years_known"] = int(person["years_known"])
            out.append(person)
        return out

    @staticmethod
    def data_from(referees: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            f"referee_{number}_{key}": str(person.get(key, "") if person.get(key) is not None else "")
            for number, person in enumerate(referees[:REFEREES], start=1)
            for key in REFEREE_KEYS
        }


_referee_attributes: dict[str, Any] = {}
for _number in range(1, REFEREES + 1):
    _referee_attributes.update(_referee_fields(_number))
_referee_attributes["submit"] = SubmitField(_l("Save referees"), widget=GovSubmitInput())
RefereesForm = type("RefereesForm", (_RefereesBase,), _referee_attributes)


# ---------------------------------------------------------------------------------------------------
# Previous partners and employer


class _PartnersBase(FlaskForm):
    had_partner = ChoiceField(
        _l("Have you had a previous partner you lived with or had children with?"),
        widget=GovRadioInput(),
        choices=choices_from(YES_NO),
        validators=[InputRequired(message=_l("Select yes if you have had a previous partner you lived with or had children with"))],
    )

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.had_partner.data != "yes":
            return valid
        for number in range(1, MAX_PARTNERS + 1):
            name, contact = self[f"partner_{number}_name"], self[f"partner_{number}_contact"]
            if contact.data and not name.data and not name.errors:
                name.errors = [str(_l("Enter the previous partner's name"))]
                valid = False
            if name.data and not contact.data and not contact.errors:
                contact.errors = [str(_l("Enter how we can contact the previous partner"))]
                valid = False
        if not self.partners() and not self["partner_1_name"].errors:
            self["partner_1_name"].errors = [str(_l("Enter the previous partner's name"))]
            valid = False
        return valid

    def partners(self) -> list[dict[str, str]]:
        if self.had_partner.data != "yes":
            return []
        return [
            {"name": self[f"partner_{n}_name"].data, "contact": self[f"partner_{n}_contact"].data}
            for n in range(1, MAX_PARTNERS + 1)
            if self[f"partner_{n}_name"].data and self[f"partner_{n}_contact"].data
        ]


_partner_attributes: dict[str, Any] = {}
for _number in range(1, MAX_PARTNERS + 1):
    _partner_attributes[f"partner_{_number}_name"] = _text(_l("Full name"), 200)
    _partner_attributes[f"partner_{_number}_contact"] = _long_text(
        _l("How can we contact them?"), 500, hint=_l("An address, phone number or email address.")
    )
_partner_attributes["submit"] = SubmitField(_l("Save and continue"), widget=GovSubmitInput())
PartnersForm = type("PartnersForm", (_PartnersBase,), _partner_attributes)


class EmployerForm(FlaskForm):
    employer_name = _text(_l("Employer's name"), 200, _l("Enter your employer's name"))
    employer_contact = _long_text(
        _l("Who can we contact there, and how?"),
        500,
        _l("Enter who we can contact at your employer, and how"),
        _l("For example, the name of your manager or the human resources team, with an address, phone number or email address."),
    )
    submit = SubmitField(_l("Save and continue"), widget=GovSubmitInput())


# ---------------------------------------------------------------------------------------------------
# Documents


class DocumentForm(FlaskForm):
    document = FileField(
        _l("Upload a file"),
        widget=GovFileInput(),
        description=_l("A JPEG, PNG or PDF file, smaller than 5 MB."),
    )
    kind = ChoiceField(
        _l("What is this document?"),
        widget=GovRadioInput(),
        choices=choices_from(DOCUMENT_KIND_LABELS),
        validators=[InputRequired(message=_l("Select what the document is"))],
    )
    submit = SubmitField(_l("Upload document"), widget=GovSubmitInput())

    def validate_document(self, field: FileField) -> None:
        if not getattr(field.data, "filename", None):
            raise ValidationError(str(_l("Select a file")))


UPLOAD_MESSAGES = {
    "empty": _l("The selected file is empty"),
    "too_large": _l("The selected file must be smaller than 5 MB"),
    "wrong_type": _l("The selected file must be a JPEG, PNG or PDF"),
    "damaged": _l("The selected file could not be read. Try saving it again, or choose another file"),
    "too_many_pixels": _l("The selected image is too large. Make it smaller, or choose another file"),
    "active_content": _l("The selected PDF contains scripts or attached files. Save it as a plain PDF and try again"),
}


# ---------------------------------------------------------------------------------------------------
# Between the stages


class DateInput(GovDateInput):
    """GOV.UK date input whose part labels are translated (the library's are English only)."""

    def map_gov_params(self, field: Field, **kwargs: Any) -> dict[str, Any]:
        params = super().map_gov_params(field, **kwargs)
        for item, label in zip(params["items"], (gettext("Day"), gettext("Month"), gettext("Year")), strict=True):
            item["label"] = label
        # The "required" flag belongs on no element here: a <div required> is not valid HTML.
        params["attributes"].pop("required", None)
        return params


class DayMonthYearField(DateField):
    """Day, month and year boxes, with our own translated message for a date that does not exist."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        valuelist = (list(valuelist) + ["", "", ""])[:3]
        self.raw_data = valuelist
        if not any((v or "").strip() for v in valuelist):
            self.data = None
            return
        try:
            parts = [int((v or "").strip()) for v in valuelist]
            if parts[2] < 1900:
                raise ValueError
            self.data = datetime.strptime(" ".join(str(p) for p in parts), "%d %m %Y").date()
        except (ValueError, OverflowError):
            self.data = None
            raise ValueError(str(_l("The date must be a real date"))) from None


NEXT_STAGE_LABELS = {
    "continue": _l("Go on to Stage Two now"),
    "break": _l("Take a break first"),
}


class NextStageForm(FlaskForm):
    choice = ChoiceField(
        _l("What would you like to do?"),
        widget=GovRadioInput(),
        choices=choices_from(NEXT_STAGE_LABELS),
        validators=[InputRequired(message=_l("Select whether you want to go on to Stage Two now or take a break"))],
    )
    until = DayMonthYearField(
        _l("If you take a break, until when?"),
        widget=DateInput(),
        format="%d %m %Y",
        validators=[Optional()],
    )
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.choice.data != "break" and not self.choice.errors:
            # The date only matters for a break: whatever is in its boxes does not stop going on.
            self.until.errors = []
            return not any(field.errors for field in self)
        return valid

    def check_until(self, today: date, latest: date) -> bool:
        """After validate(): a break needs an end date in the future, no later than the rules allow."""
        if self.choice.data != "break":
            return True
        if self.until.data is None:
            self.until.errors = [str(_l("Enter the date your break ends"))]
        elif self.until.data <= today:
            self.until.errors = [str(_l("The date your break ends must be in the future"))]
        elif self.until.data > latest:
            self.until.errors = [str(_l("A break can last up to 6 months. Enter a date no later than the one shown"))]
        return not self.until.errors


class ContinueForm(FlaskForm):
    submit = SubmitField(_l("Go on to Stage Two now"), widget=GovSubmitInput())


# ---------------------------------------------------------------------------------------------------
# Stage Two, messages and withdrawing


class CommentsForm(FlaskForm):
    comments = _long_text(_l("Your comments"), 10000, _l("Enter your comments on the report"))
    submit = SubmitField(_l("Send comments"), widget=GovSubmitInput())


class ApplicationMessageForm(FlaskForm):
    body = _long_text(_l("Your message"), 5000, _l("Enter your message"))
    submit = SubmitField(_l("Send message"), widget=GovSubmitInput())


class WithdrawForm(FlaskForm):
    reason = _long_text(
        _l("Why are you withdrawing? (optional)"),
        2000,
        hint=_l("You do not have to tell us, but it helps us improve how we work with people."),
    )
    submit = SubmitField(_l("Withdraw"), widget=GovSubmitInput())


# The words each applicant agrees to, by version: a changed text gets a new version in the rules, and
# the text as the person read it (in their language) is kept with their consent.
CONSENT_TEXTS: dict[str, tuple[Any, ...]] = {
    "checks-2026-1": (
        _l("To assess whether you can adopt, the law requires us to make checks about you. With your consent, we will:"),
        _l("ask the Disclosure and Barring Service for an enhanced DBS check, which shows any convictions, cautions and information the police hold about you;"),
        _l("ask the local authorities where you live, and have lived, whether they hold information about you or your household;"),
        _l("ask your GP for a medical report about your health."),
        _l("We keep what comes back securely, use it only for your assessment, and may discuss it with you."),
    ),
}
