"""Staff forms for requests: triage, contact, the next step, closing and messages.

Several of these share one case page, so every field has its own name (and so its own id), and the
hidden version is written by the template rather than a field, to keep ids unique on the page.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea
from wtforms import HiddenField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from portal.accounts.models import StaffUser
from portal.core.forms import STRIP, ChoiceField, GovRadioInput, PlainText

REASON_MAX = 2000
MESSAGE_MAX = 5000


def _reason(label: object, hint: object, required: object) -> TextAreaField:
    return TextAreaField(
        label,
        widget=GovTextArea(),
        description=hint,
        filters=STRIP,
        validators=[
            DataRequired(message=required),
            Length(max=REASON_MAX, message=_l("Reason must be 2000 characters or fewer")),
            PlainText(multiline=True),
        ],
    )


class AllocateForm(FlaskForm):
    version = HiddenField()
    worker = ChoiceField(
        _l("Who will work with this person?"),
        widget=GovRadioInput(),
        description=_l("Birth relative support workers, letterbox coordinators and team managers in this area or the hub."),
        validators=[InputRequired(message=_l("Select a worker"))],
    )
    submit = SubmitField(_l("Accept and allocate"), widget=GovSubmitInput())

    def set_workers(self, people: list[StaffUser]) -> None:
        self.worker.choices = [(p.public_id, p.name) for p in people]


class SignpostForm(FlaskForm):
    version = HiddenField()
    signpost_reason = _reason(
        _l("Where have you suggested they go, and why?"),
        _l("The person sees this on their tracking page."),
        _l("Enter where you have suggested they go and why"),
    )
    submit = SubmitField(_l("Signpost elsewhere"), widget=GovSubmitInput())


class DeclineForm(FlaskForm):
    version = HiddenField()
    decline_reason = _reason(
        _l("Why can we not help?"),
        _l("The person sees this on their tracking page."),
        _l("Enter the reason for declining"),
    )
    submit = SubmitField(_l("Decline"), widget=GovSubmitInput())


class FirstContactForm(FlaskForm):
    version = HiddenField()
    submit = SubmitField(_l("Record first contact"), widget=GovSubmitInput())


class NextStepForm(FlaskForm):
    version = HiddenField()
    next_step = TextAreaField(
        _l("Next step for the person"),
        widget=GovTextArea(),
        description=_l("The person sees this on their tracking page. Write it in plain words."),
        filters=STRIP,
        validators=[
            DataRequired(message=_l("Enter the next step")),
            Length(max=REASON_MAX, message=_l("Next step must be 2000 characters or fewer")),
            PlainText(multiline=True),
        ],
    )
    submit = SubmitField(_l("Save next step"), widget=GovSubmitInput())


class CloseRequestForm(FlaskForm):
    version = HiddenField()
    close_reason = _reason(
        _l("Why are you closing this request?"),
        _l("The person sees this on their tracking page."),
        _l("Enter the reason for closing"),
    )
    submit = SubmitField(_l("Close request"), widget=GovSubmitInput())


class StaffMessageForm(FlaskForm):
    message = TextAreaField(
        _l("Message"),
        widget=GovTextArea(),
        description=_l("The person reads this when they sign in. Any email only says that a message is waiting."),
        filters=STRIP,
        validators=[
            DataRequired(message=_l("Enter a message")),
            Length(max=MESSAGE_MAX, message=_l("Message must be 5000 characters or fewer")),
            PlainText(multiline=True),
        ],
    )
    submit = SubmitField(_l("Send message"), widget=GovSubmitInput())
