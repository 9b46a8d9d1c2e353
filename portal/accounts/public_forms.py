"""Forms for public accounts: register, sign in, codes, passwords, email address and profile."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import Field, PasswordField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from portal.accounts.public_rules import (
    ContactMethod,
    PasswordProblem,
    password_problem,
)
from portal.core.communication import CommunicationNeedsFields
from portal.core.forms import (
    STRIP,
    ChoiceField,
    ChoicesField,
    GovCheckboxesInput,
    GovRadioInput,
    PlainText,
    email_field,
)

PASSWORD_MESSAGES = {
    PasswordProblem.TOO_SHORT: _l("Password must be 8 characters or more"),
    PasswordProblem.TOO_LONG: _l("Password must be 128 characters or fewer"),
    PasswordProblem.TOO_COMMON: _l(
        "This password is too easy to guess. Choose a different one, such as 3 random words"
    ),
}

CONTACT_LABELS = {
    ContactMethod.EMAIL: _l("Email"),
    ContactMethod.PHONE: _l("Phone call"),
    ContactMethod.TEXT_MESSAGE: _l("Text message"),
    ContactMethod.LETTER: _l("Letter"),
}



class NewPassword:
    """At least 8 characters, at most 128, and not one of the common passwords attackers try first.
    No rules about mixing letters and symbols: they make passwords harder to remember, not to guess."""

    def __call__(self, form: FlaskForm, field: Field) -> None:
        email = getattr(form, "account_email", None) or (form.email.data if hasattr(form, "email") else None)
        problem = password_problem(field.data or "", email)
        if problem is not None:
            raise ValidationError(str(PASSWORD_MESSAGES[problem]))


def _new_password_field(label: Any = None) -> PasswordField:
    return PasswordField(
        label or _l("Create a password"),
        widget=GovPasswordInput(),
        description=_l(
            "Use at least 8 characters. A few random words together are easy to remember and hard to guess."
        ),
        validators=[InputRequired(message=_l("Enter a password")), NewPassword()],
    )


def _current_password_field(label: Any = None) -> PasswordField:
    return PasswordField(
        label or _l("Password"),
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message=_l("Enter your password")),
            Length(max=128, message=_l("Password must be 128 characters or fewer")),
        ],
    )


class RegisterForm(FlaskForm):
    email = email_field(
        _l("Email address"),
        _l("Enter your email address"),
        _l("We will send you a link to confirm it."),
    )
    password = _new_password_field()
    submit = SubmitField(_l("Create account"), widget=GovSubmitInput())


class SignInForm(FlaskForm):
    email = StringField(
        _l("Email address"),
        widget=GovTextInput(),
        filters=STRIP,
        validators=[
            InputRequired(message=_l("Enter your email address")),
            Length(max=320, message=_l("Email address must be 320 characters or fewer")),
        ],
    )
    password = _current_password_field()
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class EmailCodeForm(FlaskForm):
    code = StringField(
        _l("Code"),
        widget=GovTextInput(),
        description=_l("We have sent a 6-digit code to your email address. It works for 10 minutes."),
        filters=STRIP,
        validators=[
            InputRequired(message=_l("Enter the 6-digit code")),
            Length(max=20, message=_l("Enter the 6-digit code")),
        ],
    )
    submit = SubmitField(_l("Sign in"), widget=GovSubmitInput())


class ForgottenPasswordForm(FlaskForm):
    email = email_field(
        _l("Email address"),
        _l("Enter your email address"),
        _l("We will send a link to reset your password to this address, if it has an account."),
    )
    submit = SubmitField(_l("Send link"), widget=GovSubmitInput())


class ResetPasswordForm(FlaskForm):
    password = _new_password_field(_l("New password"))
    submit = SubmitField(_l("Save password"), widget=GovSubmitInput())


class AcceptInvitationForm(FlaskForm):
    password = _new_password_field()
    submit = SubmitField(_l("Save password"), widget=GovSubmitInput())


class AcceptInvitationWithEmailForm(FlaskForm):
    email = email_field(
        _l("Email address"),
        _l("Enter your email address"),
        _l("You will use this to sign in. We will send you a link to confirm it."),
    )
    password = _new_password_field()
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())


class ChangeEmailForm(FlaskForm):
    email = email_field(
        _l("New email address"),
        _l("Enter your new email address"),
        _l("We will send a link to this address. Your address changes when you follow the link."),
    )
    password = _current_password_field(_l("Your password"))
    submit = SubmitField(_l("Send link"), widget=GovSubmitInput())


def language_choices() -> list[SelectChoice]:
    """Only the languages the portal is written in: this choice sets the language of every page."""
    return [SelectChoice(code, meta["name"]) for code, meta in current_app.config["LOCALES"].items()]


class ProfileForm(CommunicationNeedsFields):
    name = StringField(
        _l("Your name"),
        widget=GovTextInput(),
        filters=STRIP,
        validators=[
            InputRequired(message=_l("Enter your name")),
            Length(max=200, message=_l("Name must be 200 characters or fewer")),
            PlainText(),
        ],
    )
    preferred_language = ChoiceField(
        _l("Which language would you like us to use?"),
        widget=GovRadioInput(),
        description=_l("We will use it for these pages and for every email we send you."),
        validators=[InputRequired(message=_l("Select the language you would like us to use"))],
    )
    contact_methods = ChoicesField(
        _l("How can we contact you?"),
        widget=GovCheckboxesInput(),
        description=_l("Select all that apply."),
        choices=[SelectChoice(method.value, label) for method, label in CONTACT_LABELS.items()],
        validators=[InputRequired(message=_l("Select at least one way we can contact you"))],
    )
    contact_note = TextAreaField(
        _l("Safe times or ways to contact you (optional)"),
        widget=GovTextArea(),
        description=_l("For example, times when it is not safe to call, or whether we can leave a message."),
        filters=STRIP,
        validators=[Length(max=1000, message=_l("Answer must be 1000 characters or fewer")), PlainText(multiline=True)],
    )
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.preferred_language.choices = language_choices()


