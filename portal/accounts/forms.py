from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import PasswordField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from portal.accounts.models import StaffRole
from portal.core.forms import (
    STRIP,
    ChoiceField,
    ChoicesField,
    GovCheckboxesInput,
    GovRadioInput,
    PlainText,
    email_field,
    phone_field,
)


class StaffSignInForm(FlaskForm):
    email = StringField(
        _l("Email address"),
        widget=GovTextInput(),
        filters=STRIP,
        validators=[
            InputRequired(message=_l("Enter your email address")),
            Length(max=320, message=_l("Email address must be 320 characters or fewer")),
        ],
    )
    password = PasswordField(
        _l("Password"),
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message=_l("Enter your password")),
            Length(max=128, message=_l("Password must be 128 characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code from your authenticator app"),
        widget=GovTextInput(),
        description=_l("The 6-digit code changes every 30 seconds."),
        filters=STRIP,
        validators=[
            InputRequired(message=_l("Enter the 6-digit code")),
            Length(max=20, message=_l("Enter the 6-digit code")),
        ],
    )
    submit = SubmitField(_l("Sign in"), widget=GovSubmitInput())


ROLE_LABELS = {
    StaffRole.DUTY_WORKER: _l("Duty worker"),
    StaffRole.ASSESSMENT_WORKER: _l("Recruitment and assessment social worker"),
    StaffRole.SUPPORT_WORKER: _l("Adoption support social worker"),
    StaffRole.FAMILY_FINDER: _l("Family finder"),
    StaffRole.LETTERBOX_COORDINATOR: _l("Letterbox coordinator"),
    StaffRole.BIRTH_RELATIVE_WORKER: _l("Birth relative support worker"),
    StaffRole.TEAM_MANAGER: _l("Team manager"),
    StaffRole.PERFORMANCE_OFFICER: _l("Performance officer"),
    StaffRole.ADMINISTRATOR: _l("Administrator"),
}

HUB = "hub"


class StaffDetailsForm(FlaskForm):
    roles = ChoicesField(
        _l("Roles"),
        widget=GovCheckboxesInput(),
        description=_l("Select every role this person holds."),
        choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()],
        validators=[InputRequired(message=_l("Select at least one role"))],
    )
    team = ChoiceField(
        _l("Team"),
        widget=GovRadioInput(),
        description=_l("Hub staff see the whole region. Staff in a council's team see that council's cases only."),
        validators=[InputRequired(message=_l("Select a team"))],
    )
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())

    def set_teams(self, authorities: list[tuple[str, str]]) -> None:
        self.team.choices = [SelectChoice(HUB, _l("The hub (whole region)"))] + [
            SelectChoice(slug, name) for slug, name in authorities
        ]


class InviteStaffForm(StaffDetailsForm):
    name = StringField(
        _l("Full name"),
        widget=GovTextInput(),
        filters=STRIP,
        validators=[
            InputRequired(message=_l("Enter their full name")),
            Length(max=120, message=_l("Full name must be 120 characters or fewer")),
            PlainText(),
        ],
    )
    email = email_field(_l("Work email address"), required=_l("Enter their work email address"))
    submit = SubmitField(_l("Send invitation"), widget=GovSubmitInput())


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("Create a password"),
        widget=GovPasswordInput(),
        description=_l("Use at least 8 characters. A long phrase is easier to remember and harder to guess."),
        validators=[
            InputRequired(message=_l("Enter a password")),
            Length(min=8, message=_l("Password must be 8 characters or more")),
            Length(max=128, message=_l("Password must be 128 characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Save password"), widget=GovSubmitInput())


class InvitePersonForm(FlaskForm):
    """Staff make an account for someone who cannot or would rather not register themselves."""

    name = StringField(
        _l("Full name"),
        widget=GovTextInput(),
        filters=STRIP,
        validators=[
            InputRequired(message=_l("Enter their full name")),
            Length(max=200, message=_l("Full name must be 200 characters or fewer")),
            PlainText(),
        ],
    )
    email = email_field(_l("Email address (optional)"))
    phone = phone_field(
        _l("Mobile phone number (optional)"),
        description=_l("We send the invitation by text message when there is no email address."),
    )
    language = ChoiceField(
        _l("Which language should the invitation be in?"),
        widget=GovRadioInput(),
        validators=[InputRequired(message=_l("Select the language for the invitation"))],
    )
    submit = SubmitField(_l("Send invitation"), widget=GovSubmitInput())

    def validate_phone(self, field: StringField) -> None:
        if not field.data and not self.email.data:
            raise ValidationError(str(_l("Enter an email address or a mobile phone number")))
