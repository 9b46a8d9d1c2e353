"""The enquiry form, one page at a time, and the staff forms for answering an enquiry."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal.adopting.models import (
    AdoptionType,
    EnquirySource,
    EnquiryWant,
    ResponseKind,
)
from portal.core.communication import CommunicationNeedsFields
from portal.core.forms import (
    STRIP,
    ChoiceField,
    ChoicesField,
    GovCheckboxesInput,
    GovRadioInput,
    PlainText,
    authority_choices,
    choices_from,
    email_field,
    phone_field,
)

ADOPTION_TYPE_LABELS = {
    AdoptionType.AGENCY: _l("Adopting a child through the agency"),
    AdoptionType.FOSTER_CHILD: _l("Adopting a child I already foster"),
    AdoptionType.STEP_PARENT: _l("Adopting my stepchild or my partner's child"),
    AdoptionType.INTERCOUNTRY: _l("Adopting a child from abroad"),
}

WANT_LABELS = {
    EnquiryWant.INFORMATION_PACK: _l("An information pack"),
    EnquiryWant.INFORMATION_EVENT: _l("A place at an information event"),
    EnquiryWant.CALL: _l("A phone call from our team"),
}

SOURCE_LABELS = {
    EnquirySource.SEARCH_ENGINE: _l("An internet search"),
    EnquirySource.SOCIAL_MEDIA: _l("Social media"),
    EnquirySource.FRIEND_OR_FAMILY: _l("A friend or family member"),
    EnquirySource.COUNCIL_WEBSITE: _l("A council website"),
    EnquirySource.EVENT: _l("An event or community group"),
    EnquirySource.PRESS: _l("Television, radio or a newspaper"),
    EnquirySource.ADVERT: _l("An advert or poster"),
    EnquirySource.ADOPTED_BEFORE: _l("I have adopted with you before"),
    EnquirySource.OTHER: _l("Somewhere else"),
}

RESPONSE_LABELS = {
    ResponseKind.PACK_SENT: _l("Information pack sent"),
    ResponseKind.EVENT_BOOKED: _l("Information event booked"),
    ResponseKind.CALL_MADE: _l("Phone call made"),
    ResponseKind.STEP_PARENT_PLACE: _l("Step-parent assessment place given"),
}



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
    email = email_field(
        _l("Email address"),
        required=_l("Enter your email address"),
        description=_l("We will only use this to reply to your enquiry."),
    )
    phone = phone_field(
        _l("Phone number (optional)"), description=_l("For international numbers include the country code.")
    )
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class WhereYouLiveForm(FlaskForm):
    authority = ChoiceField(
        _l("Which council area do you live in?"),
        widget=GovRadioInput(),
        validators=[InputRequired(message=_l("Select the council area you live in"))],
    )
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())

    def set_authorities(self, authorities: list[tuple[str, str]]) -> None:
        self.authority.choices = authority_choices(authorities, _l("Somewhere else"))


class YourEnquiryForm(FlaskForm):
    adoption_type = ChoiceField(
        _l("What would you like to know about?"),
        widget=GovRadioInput(),
        choices=choices_from(ADOPTION_TYPE_LABELS),
        validators=[InputRequired(message=_l("Select what you would like to know about"))],
    )
    wants = ChoicesField(
        _l("What would you like from us?"),
        widget=GovCheckboxesInput(),
        description=_l("Select all that apply."),
        choices=choices_from(WANT_LABELS),
        validators=[InputRequired(message=_l("Select at least one thing you would like from us"))],
    )
    source = ChoiceField(
        _l("How did you hear about us?"),
        widget=GovRadioInput(),
        choices=choices_from(SOURCE_LABELS),
        validators=[InputRequired(message=_l("Select how you heard about us"))],
    )
    source_other = StringField(
        _l("Where did you hear about us?"),
        widget=GovTextInput(),
        filters=STRIP,
        validators=[Length(max=200, message=_l("Answer must be 200 characters or fewer")), PlainText()],
    )
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())

    def validate_source_other(self, field: StringField) -> None:
        if self.source.data == EnquirySource.OTHER and not field.data:
            raise_required(_l("Tell us where you heard about us"))


class CommunicationForm(CommunicationNeedsFields):
    """Language first, then the communication needs every form asks the same way."""


    preferred_language = ChoiceField(
        _l("Which language would you like us to use?"),
        widget=GovRadioInput(),
        validators=[InputRequired(message=_l("Select the language you would like us to use"))],
    )
    preferred_language_other = StringField(
        _l("Which language?"),
        widget=GovTextInput(),
        filters=STRIP,
        validators=[Length(max=100, message=_l("Language must be 100 characters or fewer")), PlainText()],
    )
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())

    def validate_preferred_language_other(self, field: StringField) -> None:
        if self.preferred_language.data == "other" and not field.data:
            raise_required(_l("Enter the language you would like us to use"))


class SendEnquiryForm(FlaskForm):
    submit = SubmitField(_l("Send enquiry"), widget=GovSubmitInput())


class RecordResponseForm(FlaskForm):
    version = HiddenField()
    kinds = ChoicesField(
        _l("What have you done?"),
        widget=GovCheckboxesInput(),
        validators=[InputRequired(message=_l("Select what you have done"))],
    )
    note = TextAreaField(
        _l("Note (optional)"),
        widget=GovTextArea(),
        filters=STRIP,
        validators=[Length(max=2000, message=_l("Note must be 2000 characters or fewer")), PlainText(multiline=True)],
    )
    submit = SubmitField(_l("Record response"), widget=GovSubmitInput())

    def set_kinds(self, step_parent: bool) -> None:
        labels = dict(RESPONSE_LABELS)
        if not step_parent:
            labels.pop(ResponseKind.STEP_PARENT_PLACE)
        self.kinds.choices = choices_from(labels)


class CloseEnquiryForm(FlaskForm):
    version = HiddenField()
    submit = SubmitField(_l("Close enquiry"), widget=GovSubmitInput())


def raise_required(message: object) -> None:
    from wtforms.validators import ValidationError

    raise ValidationError(str(message))

