"""Staff forms for applications to adopt: the registration decision, Stage One, Stage Two, panel,
decision and messages.

Many of these share one case page, so every field has its own name (and so its own id). The hidden
version is written by the template rather than rendered from a field, to keep ids unique on the page.
Forms repeated on the page (one per check) get their ids from ``use_ids``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import DateField, Field, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from portal.accounts.models import StaffUser
from portal.core.forms import STRIP, ChoiceField, GovRadioInput, PlainText, choices_from
from portal.core.timescales import today_london

REASON_MAX = 2000
PLAN_MAX = 5000
NOTE_MAX = 2000
PURPOSE_MAX = 200
PAR_MAX = 50000
MESSAGE_MAX = 5000
TIME_PATTERN = re.compile(r"^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$")


def _text(label: Any, hint: Any, required: Any, limit: int, too_long: Any) -> TextAreaField:
    validators: list[Any] = [DataRequired(message=required)] if required else []
    validators += [Length(max=limit, message=too_long), PlainText(multiline=True)]
    return TextAreaField(label, widget=GovTextArea(), description=hint, filters=STRIP, validators=validators)


def _reasons(label: Any, hint: Any, required: Any) -> TextAreaField:
    return _text(label, hint, required, REASON_MAX, _l("Reasons must be 2000 characters or fewer"))


def _radios(label: Any, labels: dict[str, Any], required: Any, hint: Any = None) -> ChoiceField:
    return ChoiceField(
        label,
        widget=GovRadioInput(),
        description=hint,
        choices=choices_from(labels),
        validators=[InputRequired(message=required)],
    )


class DayMonthYearInput(GovDateInput):
    """GOV.UK date input whose part labels are translated (the library's are English only)."""

    def map_gov_params(self, field: Field, **kwargs: Any) -> dict[str, Any]:
        params: dict[str, Any] = super().map_gov_params(field, **kwargs)
        for item, label in zip(params["items"], (gettext("Day"), gettext("Month"), gettext("Year")), strict=True):
            item["label"] = label
        # The "required" flag belongs on no element here: a <div required> is not valid HTML.
        params["attributes"].pop("required", None)
        return params


class DayMonthYearField(DateField):
    """Day, month and year boxes; a date that does not exist gets its own translated message."""

    def __init__(self, label: Any, invalid: Any, **kwargs: Any) -> None:
        super().__init__(label, widget=DayMonthYearInput(), **kwargs)
        self.invalid = invalid

    def process_formdata(self, valuelist: list[Any]) -> None:
        # Exactly three boxes, whatever was posted: the widget shows back day, month and year.
        valuelist = (list(valuelist) + ["", "", ""])[:3]
        self.raw_data = valuelist
        if not any((v or "").strip() for v in valuelist):
            self.data = None
            return
        try:
            parts = [int((v or "").strip()) for v in valuelist]
            if not 2000 <= parts[2] <= 2200:
                raise ValueError
            self.data = date(parts[2], parts[1], parts[0])
        except (ValueError, OverflowError):
            self.data = None
            raise ValueError(str(self.invalid)) from None


class TimeOfDayField(StringField):
    """A time typed as HH:MM on the 24-hour clock (14.30 is taken too, as people type it)."""

    def parsed(self) -> time | None:
        found = TIME_PATTERN.match(self.data or "")
        return time(int(found.group(1)), int(found.group(2))) if found else None


# ---------------------------------------------------------------------------------------------------
# The registration of interest


def set_workers(field: ChoiceField, people: list[StaffUser]) -> None:
    field.choices = [(p.public_id, p.name) for p in people]


class AcceptForm(FlaskForm):
    version = HiddenField()
    accept_worker = ChoiceField(
        _l("Who will be the assessing social worker?"),
        widget=GovRadioInput(),
        validators=[InputRequired(message=_l("Select the assessing social worker"))],
    )
    submit = SubmitField(_l("Accept the registration"), widget=GovSubmitInput())


class DeclineForm(FlaskForm):
    version = HiddenField()
    decline_reasons = _reasons(
        _l("Why are you not accepting the registration?"),
        _l("The applicants see these reasons, with how to complain if they disagree."),
        _l("Enter the reasons for not accepting the registration"),
    )
    submit = SubmitField(_l("Do not accept"), widget=GovSubmitInput())


class AllocateForm(FlaskForm):
    version = HiddenField()
    worker = ChoiceField(
        _l("Who is the assessing social worker?"),
        widget=GovRadioInput(),
        validators=[InputRequired(message=_l("Select the assessing social worker"))],
    )
    submit = SubmitField(_l("Change worker"), widget=GovSubmitInput())


# ---------------------------------------------------------------------------------------------------
# Stage One


class PlanForm(FlaskForm):
    version = HiddenField()
    stage_one_plan = _text(
        _l("Stage One plan"),
        _l("What will happen in Stage One, who does it and by when."),
        _l("Enter the Stage One plan"),
        PLAN_MAX,
        _l("Plan must be 5000 characters or fewer"),
    )
    submit = SubmitField(_l("Save plan"), widget=GovSubmitInput())


STAFF_CHECK_CHOICES = {
    "requested": _l("Requested"),
    "satisfactory": _l("Back and satisfactory"),
    "concern": _l("Back with a concern"),
}


class RecordCheckForm(FlaskForm):
    version = HiddenField()
    check_status = _radios(_l("Where is this check?"), STAFF_CHECK_CHOICES, _l("Select where this check is"))
    check_note = _text(
        _l("Note for staff (optional)"),
        _l("Applicants never see this note."),
        None,
        NOTE_MAX,
        _l("Note must be 2000 characters or fewer"),
    )
    submit = SubmitField(_l("Record check"), widget=GovSubmitInput())

    def use_ids(self, key: str) -> RecordCheckForm:
        """Give this copy of the form ids of its own (one copy per check on the page)."""
        self.check_status.id = f"check-status-{key}"
        self.check_note.id = f"check-note-{key}"
        return self


class AttendanceForm(FlaskForm):
    version = HiddenField()
    attended = ChoiceField(
        _l("Did they attend?"),
        choices=choices_from({"yes": _l("Attended"), "no": _l("Did not attend")}),
        validators=[InputRequired(message=_l("Select whether they attended"))],
    )


RECOMMENDATION_CHOICES = {"progress": _l("Go on to Stage Two"), "end": _l("Do not go on")}


class RecommendForm(FlaskForm):
    version = HiddenField()
    recommendation = _radios(
        _l("What do you recommend at the end of Stage One?"),
        RECOMMENDATION_CHOICES,
        _l("Select your recommendation"),
        _l("A team manager signs the decision off. The applicants see the reasons."),
    )
    recommendation_reasons = _reasons(
        _l("Reasons"), None, _l("Enter the reasons for your recommendation")
    )
    submit = SubmitField(_l("Send for sign-off"), widget=GovSubmitInput())


class SignOffForm(FlaskForm):
    version = HiddenField()
    sign_off = _radios(
        _l("Do you agree with the recommendation?"),
        {"agree": _l("Yes, sign the decision off"), "send_back": _l("No, send it back to the worker")},
        _l("Select whether you agree with the recommendation"),
    )
    submit = SubmitField(_l("Record sign-off"), widget=GovSubmitInput())


# ---------------------------------------------------------------------------------------------------
# Stage Two, panel and decision


class VisitForm(FlaskForm):
    version = HiddenField()
    visit_date = DayMonthYearField(
        _l("Date of the visit"),
        _l("Date of the visit must be a real date"),
        description=_l("For example, 27 3 2027"),
        validators=[InputRequired(message=_l("Enter the date of the visit"))],
    )
    visit_time = TimeOfDayField(
        _l("Time of the visit"),
        widget=GovTextInput(),
        description=_l("Use the 24-hour clock, for example 14:30"),
        filters=STRIP,
        validators=[
            InputRequired(message=_l("Enter the time of the visit")),
            Length(max=5, message=_l("Enter the time like 14:30")),
        ],
    )
    visit_purpose = StringField(
        _l("What is the visit for?"),
        widget=GovTextInput(),
        description=_l("The applicants see this."),
        filters=STRIP,
        validators=[
            InputRequired(message=_l("Enter what the visit is for")),
            Length(max=PURPOSE_MAX, message=_l("Purpose must be 200 characters or fewer")),
            PlainText(),
        ],
    )
    submit = SubmitField(_l("Book visit"), widget=GovSubmitInput())

    def validate_visit_time(self, field: TimeOfDayField) -> None:
        if field.parsed() is None:
            raise ValidationError(str(_l("Enter the time like 14:30")))

    def moment(self) -> datetime | None:
        """The visit's date and time as typed (London time, not yet converted)."""
        parsed = self.visit_time.parsed()
        if self.visit_date.data is None or parsed is None:
            return None
        return datetime.combine(self.visit_date.data, parsed)


class UpdateVisitForm(FlaskForm):
    version = HiddenField()
    visit_outcome = ChoiceField(
        _l("What happened?"),
        choices=choices_from({"done": _l("Done"), "cancelled": _l("Cancelled")}),
        validators=[InputRequired(message=_l("Select what happened"))],
    )


class ParForm(FlaskForm):
    version = HiddenField()
    par_text = _text(
        _l("Prospective Adopter's Report"),
        _l("The applicants can read the report and have 10 working days to comment."),
        _l("Enter the report"),
        PAR_MAX,
        _l("Report must be 50000 characters or fewer"),
    )
    submit = SubmitField(_l("Share the report"), widget=GovSubmitInput())


class PanelForm(FlaskForm):
    version = HiddenField()
    panel_date = DayMonthYearField(
        _l("Panel date"),
        _l("Panel date must be a real date"),
        description=_l("For example, 27 3 2027"),
        validators=[InputRequired(message=_l("Enter the panel date"))],
    )
    submit = SubmitField(_l("Book panel"), widget=GovSubmitInput())

    def validate_panel_date(self, field: DayMonthYearField) -> None:
        if field.data is not None and field.data < today_london():
            raise ValidationError(str(_l("Panel date must be today or in the future")))


APPROVAL_CHOICES = {"approve": _l("Approve"), "not_approve": _l("Do not approve")}


class PanelRecommendationForm(FlaskForm):
    version = HiddenField()
    panel_recommendation = _radios(
        _l("What did the panel recommend?"), APPROVAL_CHOICES, _l("Select the panel's recommendation")
    )
    submit = SubmitField(_l("Record recommendation"), widget=GovSubmitInput())


class DecisionForm(FlaskForm):
    version = HiddenField()
    decision = _radios(
        _l("What is the agency decision maker's decision?"), APPROVAL_CHOICES, _l("Select the decision")
    )
    decision_reasons = _reasons(
        _l("Reasons for the decision"),
        _l("The applicants see these reasons."),
        _l("Enter the reasons for the decision"),
    )
    submit = SubmitField(_l("Record decision"), widget=GovSubmitInput())


class MessageForm(FlaskForm):
    message = _text(
        _l("Message to the applicants"),
        _l("They read this when they sign in. The email they get only says that a message is waiting."),
        _l("Enter a message"),
        MESSAGE_MAX,
        _l("Message must be 5000 characters or fewer"),
    )
    submit = SubmitField(_l("Send message"), widget=GovSubmitInput())


# ---------------------------------------------------------------------------------------------------
# Words on the case page

# Every event the rules (and these pages) record against an application, as the timeline says it.
ACTION_LABELS: dict[str, Any] = {
    "registration_started": _l("Registration started"),
    "second_applicant_invited": _l("Second applicant invited"),
    "second_applicant_joined": _l("Second applicant joined"),
    "registration_signed": _l("Registration signed"),
    "registration_submitted": _l("Registration sent to the agency"),
    "registration_accepted": _l("Registration accepted"),
    "registration_declined": _l("Registration not accepted"),
    "worker_allocated": _l("Worker allocated"),
    "checks_consented": _l("Consent to the checks given"),
    "referees_given": _l("Referees named"),
    "previous_partners_given": _l("Previous partners given"),
    "employer_given": _l("Employer given"),
    "training_booked": _l("Training booked"),
    "training_cancelled": _l("Training booking cancelled"),
    "document_uploaded": _l("Document uploaded"),
    "document_downloaded": _l("Document downloaded"),
    "stage_one_plan_set": _l("Stage One plan saved"),
    "check_recorded": _l("Check recorded"),
    "training_attendance_recorded": _l("Training attendance recorded"),
    "stage_one_recommended": _l("Stage One recommendation made"),
    "stage_one_sent_back": _l("Stage One recommendation sent back"),
    "stage_one_decided": _l("Stage One decision signed off"),
    "break_started": _l("Break started"),
    "break_reminder_sent": _l("Reminder sent that the break is ending"),
    "stage_two_started": _l("Stage Two started"),
    "visit_booked": _l("Home visit booked"),
    "visit_updated": _l("Home visit updated"),
    "par_shared": _l("Report shared with the applicants"),
    "par_commented": _l("Comments on the report sent"),
    "panel_booked": _l("Panel booked"),
    "panel_recommendation_recorded": _l("Panel recommendation recorded"),
    "decision_recorded": _l("Decision recorded"),
    "application_withdrawn": _l("Application withdrawn"),
    "message_from_applicant": _l("Message from the applicants"),
    "message_from_staff": _l("Message sent to the applicants"),
    "application_viewed": _l("Case viewed"),
}

# Events nobody did by hand: the portal did them on its own.
SYSTEM_ACTIONS = {"break_reminder_sent"}

# The timescales as staff read them (application_clocks.Clock.name), each with its length.
CLOCK_LABELS: dict[str, Any] = {
    "registration_decision": _l("Decision on the registration (5 working days)"),
    "stage_one": _l("Stage One (2 months)"),
    "break": _l("Break between the stages (up to 6 months)"),
    "stage_two": _l("Stage Two (4 months)"),
    "par_comments": _l("Applicants' comments on the report (10 working days)"),
}

SECTION_LABELS: dict[str, Any] = {
    "home": _l("Your home"),
    "household": _l("Your household"),
    "children": _l("Children"),
    "experience": _l("Experience of children"),
    "motivation": _l("Why you want to adopt"),
    "children_hoped_for": _l("Children you hope to adopt"),
    "previous": _l("Adopting or fostering before"),
    "about_you": _l("About you"),
    "health": _l("Health"),
    "suitability": _l("Suitability"),
}

RECOMMENDATION_LABELS: dict[str, Any] = {
    **RECOMMENDATION_CHOICES,
    **APPROVAL_CHOICES,
    "approved": _l("Approved"),
    "not_approved": _l("Not approved"),
}


def label_of(labels: dict[str, Any], value: str) -> str:
    """The words for a stored value, or the value itself if it has none (never an error)."""
    return str(labels.get(value, value))
