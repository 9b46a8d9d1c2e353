"""Staff forms for preparation training dates: adding a course, and the period of the recruitment
report."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import Form, StringField, SubmitField
from wtforms.validators import InputRequired, Length, ValidationError

from portal.adopting.application_staff_forms import DayMonthYearField, TimeOfDayField
from portal.core.forms import STRIP, PlainText, WholeNumber
from portal.core.timescales import LONDON

TITLE_MAX = 200
VENUE_MAX = 200
PLACES_MIN = 1
PLACES_MAX = 200
# Report periods outside these years are typing mistakes, and far-off years would overflow the
# conversion to UTC.
EARLIEST_YEAR = 2000
LATEST_YEAR = 2100


class CourseForm(FlaskForm):
    title = StringField(
        _l("Title"),
        widget=GovTextInput(),
        description=_l("Applicants see this when they book, for example Preparation training (three days)."),
        filters=STRIP,
        validators=[
            InputRequired(message=_l("Enter a title")),
            Length(max=TITLE_MAX, message=_l("Title must be 200 characters or fewer")),
            PlainText(),
        ],
    )
    course_date = DayMonthYearField(
        _l("Date"),
        _l("Date must be a real date"),
        description=_l("For example, 27 3 2027"),
        validators=[InputRequired(message=_l("Enter the date"))],
    )
    start_time = TimeOfDayField(
        _l("Start time"),
        widget=GovTextInput(),
        description=_l("UK time, on the 24-hour clock, for example 09:30"),
        filters=STRIP,
        validators=[
            InputRequired(message=_l("Enter the start time")),
            Length(max=5, message=_l("Enter the start time like 09:30")),
        ],
    )
    venue = StringField(
        _l("Venue"),
        widget=GovTextInput(),
        description=_l("The address, or Online."),
        filters=STRIP,
        validators=[
            InputRequired(message=_l("Enter the venue")),
            Length(max=VENUE_MAX, message=_l("Venue must be 200 characters or fewer")),
            PlainText(),
        ],
    )
    places = StringField(
        _l("Places"),
        widget=GovTextInput(),
        description=_l("How many applicants can book, from 1 to 200."),
        filters=STRIP,
        validators=[
            InputRequired(message=_l("Enter the number of places")),
            WholeNumber(PLACES_MIN, PLACES_MAX, _l("Places must be a whole number from 1 to 200")),
        ],
    )
    submit = SubmitField(_l("Add training date"), widget=GovSubmitInput())

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def validate_course_date(self, field: DayMonthYearField) -> None:
        if field.data is not None and self.today is not None and field.data < self.today:
            raise ValidationError(str(_l("Date must be today or in the future")))

    def validate_start_time(self, field: TimeOfDayField) -> None:
        if field.parsed() is None:
            raise ValidationError(str(_l("Enter the start time like 09:30")))

    def starts_at(self) -> datetime:
        """The start as an aware UTC moment (the form is valid: date and time are set)."""
        start = self.start_time.parsed()
        assert self.course_date.data is not None and start is not None
        return datetime.combine(self.course_date.data, start, tzinfo=LONDON).astimezone(UTC)


class CancelCourseForm(FlaskForm):
    submit = SubmitField(_l("Cancel this training date"), widget=GovSubmitInput())


class PeriodDateField(StringField):
    """A date typed in a date input (YYYY-MM-DD). What was typed is shown back if it is wrong."""

    def parsed(self) -> date | None:
        try:
            day = date.fromisoformat((self.data or "").strip())
        except ValueError:
            return None
        return day if EARLIEST_YEAR <= day.year <= LATEST_YEAR else None

    def shown(self) -> str:
        """The value to show back: a date input holds only a real date written YYYY-MM-DD, so
        anything else is shown as empty, as a browser would."""
        try:
            return date.fromisoformat((self.data or "").strip()).isoformat()
        except ValueError:
            return ""


def _period_date(label: Any, name: str, required: Any) -> PeriodDateField:
    return PeriodDateField(
        label,
        name=name,
        widget=GovTextInput(),
        filters=STRIP,
        validators=[InputRequired(message=required)],
    )


class PeriodForm(Form):
    """The report's period, read from the query string (``from`` and ``to``): a GET changes nothing,
    so it needs no CSRF token."""

    start = _period_date(_l("Start of period"), "from", _l("Enter the first day of the period"))
    end = _period_date(_l("End of period"), "to", _l("Enter the last day of the period"))

    def validate_start(self, field: PeriodDateField) -> None:
        if field.parsed() is None:
            raise ValidationError(str(_l("Enter a real date between the years 2000 and 2100")))

    def validate_end(self, field: PeriodDateField) -> None:
        end = field.parsed()
        if end is None:
            raise ValidationError(str(_l("Enter a real date between the years 2000 and 2100")))
        start = self.start.parsed()
        if start is not None and end < start:
            raise ValidationError(str(_l("The last day must be the same as or after the first day")))
