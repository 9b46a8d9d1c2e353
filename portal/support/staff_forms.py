"""Staff forms for adoption support: screening, sign-off, the safeguarding referral, the assessment
and support plan, the Support Fund, reviews, closure, transfer and messages.

Every form shares one case page, so every field has its own name (and so its own id). The hidden
version is written by the template rather than rendered from a field, to keep ids unique. Forms
repeated on the page (one per Support Fund application) get their ids from ``use_ids``.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import BooleanField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from portal.accounts.models import StaffUser
from portal.adopting.application_staff_forms import DayMonthYearField, TimeOfDayField
from portal.adopting.registration_forms import ConfirmCheckbox
from portal.core.forms import STRIP, ChoiceField, GovRadioInput, PlainText, choices_from, text_field
from portal.support.presenters import FUND_STATUS_LABELS, OUTCOME_LABELS, PLAN_ITEM_LABELS

NOTES_MAX = 5000
REASON_MAX = 2000
ASSESSMENT_MAX = 50000
MESSAGE_MAX = 5000
# Pounds and pence as people type them: 250, 250.5, 250.50, 1,250.00 or £250.
MONEY = re.compile(r"^£?\s*(\d{1,3}(,\d{3})+|\d{1,7})(\.\d{1,2})?$")


def _text(label: Any, required: Any, limit: int, hint: Any = None) -> TextAreaField:
    # No Optional() for an optional text: it would stop the form's own checks (the late reasons).
    validators: list[Any] = [InputRequired(message=required)] if required else []
    validators += [
        Length(max=limit, message=_l("Answer must be %(max)d characters or fewer", max=limit)),
        PlainText(multiline=True),
    ]
    return TextAreaField(label, widget=GovTextArea(), description=hint, filters=STRIP, validators=validators)


def _radios(label: Any, labels: dict[str, Any], required: Any, hint: Any = None) -> ChoiceField:
    return ChoiceField(
        label, widget=GovRadioInput(), description=hint, choices=choices_from(labels),
        validators=[InputRequired(message=required)],
    )


def _date(label: Any, invalid: Any, required: Any = None) -> DayMonthYearField:
    validators: list[Any] = [InputRequired(message=required)] if required else [Optional()]
    return DayMonthYearField(label, invalid, description=_l("For example, 27 3 2027"), validators=validators)


class OptionalChoiceField(ChoiceField):
    """Radios that may be left unanswered (anything sent must still be one of the choices)."""

    def pre_validate(self, form: FlaskForm) -> None:
        if self.data:
            super().pre_validate(form)


def set_workers(field: ChoiceField, people: list[StaffUser]) -> None:
    field.choices = [(p.public_id, p.name) for p in people]


class ScreenForm(FlaskForm):
    version = HiddenField()
    screening_outcome = _radios(
        _l("What is the outcome of the screening?"),
        {str(k): v for k, v in OUTCOME_LABELS.items()},
        _l("Select the outcome of the screening"),
        _l("A team manager signs the screening off within 5 working days."),
    )
    screening_notes = _text(_l("Screening notes"), _l("Enter the screening notes"), NOTES_MAX)
    submit = SubmitField(_l("Record screening"), widget=GovSubmitInput())


class SignOffForm(FlaskForm):
    version = HiddenField()
    sign_off = _radios(
        _l("Do you agree with the screening?"),
        {"agree": _l("Yes, sign the screening off"), "send_back": _l("No, send it back to be screened again")},
        _l("Select whether you agree with the screening"),
    )
    sign_off_worker = OptionalChoiceField(_l("Who will assess the family's support needs?"), widget=GovRadioInput())
    submit = SubmitField(_l("Record sign-off"), widget=GovSubmitInput())
    # Set by the page: an assessment needs a worker when the screening is agreed.
    needs_worker = False

    def validate_sign_off_worker(self, field: ChoiceField) -> None:
        if self.needs_worker and self.sign_off.data == "agree" and not field.data:
            raise ValidationError(str(_l("Select who will assess the family's support needs")))


class MashForm(FlaskForm):
    version = HiddenField()
    mash_date = _date(
        _l("Date of the referral to the Multi-Agency Safeguarding Hub"),
        _l("Date of the referral must be a real date"),
        _l("Enter the date of the referral"),
    )
    mash_time = TimeOfDayField(
        _l("Time of the referral"),
        widget=GovTextInput(),
        description=_l("Use the 24-hour clock, for example 14:30"),
        filters=STRIP,
        validators=[
            InputRequired(message=_l("Enter the time of the referral")),
            Length(max=5, message=_l("Enter the time like 14:30")),
        ],
    )
    mash_contact = text_field(_l("Who took the referral?"), 200, _l("Enter who took the referral"))
    mash_reference = text_field(_l("Their reference"), 100, _l("Enter their reference"))
    submit = SubmitField(_l("Record the safeguarding referral"), widget=GovSubmitInput())

    def validate_mash_time(self, field: TimeOfDayField) -> None:
        if field.data and field.parsed() is None:
            raise ValidationError(str(_l("Enter the time like 14:30")))

    def moment(self) -> datetime | None:
        parsed = self.mash_time.parsed()
        if self.mash_date.data is None or parsed is None:
            return None
        return datetime.combine(self.mash_date.data, parsed)


class StartAssessmentForm(FlaskForm):
    version = HiddenField()
    assessment_worker = ChoiceField(
        _l("Who will assess the family's support needs?"),
        widget=GovRadioInput(),
        validators=[InputRequired(message=_l("Select who will assess the family's support needs"))],
    )
    submit = SubmitField(_l("Start the assessment"), widget=GovSubmitInput())


class FirstVisitForm(FlaskForm):
    version = HiddenField()
    visit_date = _date(
        _l("Date of the first visit"), _l("Date of the first visit must be a real date"),
        _l("Enter the date of the first visit"),
    )
    visit_consent = _radios(
        _l("Did the family give their consent to the assessment?"),
        {"yes": _l("Yes"), "no": _l("No")},
        _l("Select whether the family gave their consent"),
    )
    submit = SubmitField(_l("Record first visit"), widget=GovSubmitInput())


class PlanForm(FlaskForm):
    version = HiddenField()
    assessment_text = _text(
        _l("Assessment of need and support plan"), _l("Enter the assessment and support plan"), ASSESSMENT_MAX,
        _l("The family can read this once it is shared."),
    )
    wishes_and_feelings = _text(
        _l("The child's wishes and feelings"), _l("Enter the child's wishes and feelings"), NOTES_MAX
    )
    late_reason = _text(_l("Why is the plan late?"), None, REASON_MAX)
    submit = SubmitField(_l("Share the assessment and plan"), widget=GovSubmitInput())
    # Set by the page: past the 45 working days, the reasons are needed.
    late = False

    def validate_late_reason(self, field: TextAreaField) -> None:
        if self.late and not (field.data or "").strip():
            raise ValidationError(str(_l("Enter why the plan is shared after 45 working days")))


class PlanItemForm(FlaskForm):
    version = HiddenField()
    item_kind = _radios(
        _l("What kind of support?"), {str(k): v for k, v in PLAN_ITEM_LABELS.items()}, _l("Select the kind of support")
    )
    item_description = _text(_l("Describe the support"), _l("Describe the support"), REASON_MAX)
    item_child = OptionalChoiceField(_l("Which child is it for? (optional)"), widget=GovRadioInput())
    fund_amount = StringField(
        _l("Support Fund amount in pounds (optional)"),
        widget=GovTextInput(),
        description=_l(
            "Only for an application to the Adoption and Special Guardianship Support Fund, for example 1250.00"
        ),
        filters=STRIP,
        validators=[Optional(), Length(max=14, message=_l("Enter an amount like 1250.00"))],
    )
    submit = SubmitField(_l("Add to the plan"), widget=GovSubmitInput())

    def validate_fund_amount(self, field: StringField) -> None:
        if not field.data:
            return
        if not MONEY.match(field.data) or self.pence() == 0:
            raise ValidationError(str(_l("Enter an amount like 1250.00")))
        if not self.item_child.data:
            raise ValidationError(str(_l("Select which child a Support Fund application is for")))

    def pence(self) -> int | None:
        if not self.fund_amount.data:
            return None
        cleaned = self.fund_amount.data.replace("£", "").replace(",", "").strip()
        return int(Decimal(cleaned) * 100)


class FundStatusForm(FlaskForm):
    version = HiddenField()
    fund_status = _radios(
        _l("Where is this application?"), {str(k): v for k, v in FUND_STATUS_LABELS.items()},
        _l("Select where this application is"),
    )
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())

    def use_ids(self, key: str) -> FundStatusForm:
        """Ids of its own: one copy of this form per Support Fund application on the page."""
        self.fund_status.id = f"fund-status-{key}"
        return self


class NextStepForm(FlaskForm):
    version = HiddenField()
    next_step_text = _text(
        _l("What happens next?"), _l("Enter what happens next"), REASON_MAX, _l("The family sees this.")
    )
    next_step_date = _date(_l("When (optional)"), _l("The date must be a real date"))
    submit = SubmitField(_l("Save next step"), widget=GovSubmitInput())


class ReviewForm(FlaskForm):
    version = HiddenField()
    review_date = _date(
        _l("Date the review was held"), _l("Date of the review must be a real date"),
        _l("Enter the date of the review"),
    )
    review_summary = _text(_l("Summary of the review"), _l("Enter a summary of the review"), ASSESSMENT_MAX)
    submit = SubmitField(_l("Record review"), widget=GovSubmitInput())


class ShareReviewForm(FlaskForm):
    version = HiddenField()


class CloseForm(FlaskForm):
    version = HiddenField()
    closure_reason = _text(_l("Why is the referral closing?"), _l("Enter why the referral is closing"), REASON_MAX)
    submit = SubmitField(_l("Close the referral"), widget=GovSubmitInput())


class ClosureLetterForm(FlaskForm):
    version = HiddenField()
    letter_text = _text(
        _l("Closure letter"), _l("Enter the closure letter"), ASSESSMENT_MAX, _l("The family can read this letter.")
    )
    ask_feedback = BooleanField(_l("Ask the family for feedback"), widget=ConfirmCheckbox())
    submit = SubmitField(_l("Send closure letter"), widget=GovSubmitInput())


class TransferForm(FlaskForm):
    version = HiddenField()
    transfer_to = text_field(_l("Who is the referral passed to?"), 200, _l("Enter who the referral is passed to"))
    submit = SubmitField(_l("Transfer"), widget=GovSubmitInput())


class MessageForm(FlaskForm):
    version = HiddenField()
    message = _text(
        _l("Message to the family"), _l("Enter a message"), MESSAGE_MAX,
        _l("They read this when they sign in. The email they get only says that a message is waiting."),
    )
    submit = SubmitField(_l("Send message"), widget=GovSubmitInput())


# ---------------------------------------------------------------------------------------------------
# Words on the case page

# Every event the rules and these pages record against a referral, as the timeline says it.
ACTION_LABELS: dict[str, Any] = {
    "support_referral_received": _l("Referral received"),
    "support_screened": _l("Screened"),
    "support_screening_sent_back": _l("Screening sent back"),
    "support_screening_signed_off": _l("Screening signed off"),
    "support_mash_referral_recorded": _l("Safeguarding referral recorded"),
    "support_assessment_started": _l("Assessment started"),
    "support_first_visit_recorded": _l("First visit recorded"),
    "support_plan_shared": _l("Assessment and support plan shared"),
    "support_plan_item_added": _l("Added to the support plan"),
    "support_fund_status_set": _l("Support Fund application updated"),
    "support_review_recorded": _l("Review recorded"),
    "support_review_shared": _l("Review shared with the family"),
    "support_closed": _l("Referral closed"),
    "support_closure_letter_sent": _l("Closure letter sent"),
    "support_transferred": _l("Referral transferred"),
    "support_next_step_set": _l("Next step set"),
    "support_message_from_family": _l("Message from the family"),
    "support_message_from_staff": _l("Message sent to the family"),
    "support_referral_viewed": _l("Case viewed"),
}
