"""The families' "Ask for support" pages: one form per question page, and the send button."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import Field, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from portal.core.forms import (
    ELSEWHERE,
    ChoiceField,
    GovRadioInput,
    authority_choices,
    choices_from,
    long_text_field,
    text_field,
)
from portal.core.timescales import today_london
from portal.requests.forms import DateOfBirthField, DayMonthYearInput
from portal.support.presenters import ROLE_LABELS

TEXT_LIMIT = 3000
NAME_LIMIT = 100
COUNCIL_LIMIT = 120
MAX_CHILDREN = 4
YES_NO = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]


def _submit() -> SubmitField:
    return SubmitField(_l("Continue"), widget=GovSubmitInput())


# ChoiceField's "not one of the choices" message is its InputRequired one: every radio gets one.
def _radios(label: Any, required: Any, hint: Any = None, choices: list[SelectChoice] | None = None) -> ChoiceField:
    return ChoiceField(
        label, widget=GovRadioInput(), description=hint, choices=choices or [], validators=[InputRequired(message=required)]
    )


class RoleForm(FlaskForm):
    role = _radios(
        _l("Are you an adoptive parent or a special guardian?"),
        _l("Select whether you are an adoptive parent or a special guardian"),
        choices=choices_from(ROLE_LABELS),
    )
    submit = _submit()


class FamilyForm(FlaskForm):
    household = long_text_field(
        _l("Who else lives in your household?"),
        TEXT_LIMIT,
        _l("Tell us who else lives in your household"),
        _l("For example, a partner, other children, or grandparents. Give their first names and ages."),
    )
    submit = _submit()


class RealDateField(DateOfBirthField):
    """Day, month and year boxes whose "not a real date" message names this date."""

    def __init__(self, *args: Any, invalid: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invalid = invalid

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(self.invalid)) from None


def _date(label: Any, invalid: Any, hint: Any = None) -> RealDateField:
    return RealDateField(label, widget=DayMonthYearInput(), description=hint, validators=[], invalid=invalid)


class ChildrenForm(FlaskForm):
    """Up to four children, each in its own fieldset. Only the first ``count`` are shown and
    checked, so "Add another child" works as a plain button, without JavaScript."""

    add_child = SubmitField(_l("Add another child"), widget=GovSubmitInput())
    submit = _submit()

    def set_up(self, count: int, authorities: list[tuple[str, str]]) -> None:
        self.count = max(1, min(count, MAX_CHILDREN))
        for number in range(1, MAX_CHILDREN + 1):
            self[f"child{number}_placing_authority"].choices = authority_choices(authorities, _l("Another council"))

    def shown(self) -> list[int]:
        return list(range(1, self.count + 1))

    def child_fields(self, number: int) -> list[Field]:
        return [self[f"child{number}_{name}"] for name in CHILD_FIELDS]

    def filled(self) -> list[int]:
        """The children to keep: those shown, less any extra one left empty."""
        return [number for number in self.shown() if number not in self.empty]

    def validate(self, extra_validators: Any = None) -> bool:
        super().validate(extra_validators)
        self.empty: set[int] = set()
        today = today_london()
        for number in range(1, MAX_CHILDREN + 1):
            fields = {name: self[f"child{number}_{name}"] for name in CHILD_FIELDS}
            if number > self.count or (number > 1 and _blank(fields.values())):
                # Not shown, or an extra child added and then left empty: left out, not checked.
                self.empty.add(number)
                for field in fields.values():
                    field.errors = []
                continue
            self._check_child(fields, today)
        return not any(field.errors for field in self)

    @staticmethod
    def _check_child(f: dict[str, Field], today: date) -> None:
        def fail(name: str, message: Any) -> None:
            if not f[name].errors:
                f[name].errors = [str(message)]

        if not f["first_name"].data:
            fail("first_name", _l("Enter the child's first name"))
        for name, missing, future in (
            ("date_of_birth", _l("Enter the child's date of birth"), _l("Date of birth must be today or in the past")),
            ("placed_on", _l("Enter the date the child was placed with you"), _l("Date placed must be today or in the past")),
            ("order_made_on", None, _l("Date of the order must be today or in the past")),
        ):
            value = f[name].data
            if value is None and missing is not None and not f[name].errors:
                fail(name, missing)
            elif value is not None and value > today:
                fail(name, future)
        born, placed, order = (f[n].data for n in ("date_of_birth", "placed_on", "order_made_on"))
        if born and placed and placed < born:
            fail("placed_on", _l("Date placed must be the same as or after the date of birth"))
        if placed and order and order < placed:
            fail("order_made_on", _l("Date of the order must be the same as or after the date placed"))
        if f["placing_authority"].data not in {c.value for c in f["placing_authority"].choices}:
            # Replaces the radios' general "not one of the choices" message with this question's.
            f["placing_authority"].errors = [str(_l("Select the council that placed the child"))]
        elif f["placing_authority"].data == ELSEWHERE and not f["placing_authority_other"].data:
            fail("placing_authority_other", _l("Enter the name of the council that placed the child"))


def _blank(fields: Any) -> bool:
    return not any(any((v or "").strip() for v in (field.raw_data or [])) for field in fields)


CHILD_FIELDS = ("first_name", "date_of_birth", "placed_on", "order_made_on", "placing_authority", "placing_authority_other")
CHILD_DATES = ("date_of_birth", "placed_on", "order_made_on")

for _number in range(1, MAX_CHILDREN + 1):
    # Required-ness is checked in validate() so that children not shown are never checked.
    setattr(ChildrenForm, f"child{_number}_first_name", text_field(_l("First name"), NAME_LIMIT))
    setattr(ChildrenForm, f"child{_number}_date_of_birth", _date(_l("Date of birth"), _l("Date of birth must be a real date"), _l("For example, 27 3 2019")))
    setattr(ChildrenForm, f"child{_number}_placed_on", _date(_l("Date the child was placed with you"), _l("Date placed must be a real date")))
    setattr(
        ChildrenForm,
        f"child{_number}_order_made_on",
        _date(
            _l("Date of the adoption order or special guardianship order"),
            _l("Date of the order must be a real date"),
            _l("Leave this empty if the order has not been made yet."),
        ),
    )
    setattr(
        ChildrenForm,
        f"child{_number}_placing_authority",
        ChoiceField(_l("Which council placed the child with you?"), widget=GovRadioInput(), choices=[], validators=[]),
    )
    setattr(
        ChildrenForm,
        f"child{_number}_placing_authority_other",
        text_field(_l("If it was another council, which one?"), COUNCIL_LIMIT),
    )


class WhereForm(FlaskForm):
    home = ChoiceField(_l("Where do you live now?"), widget=GovRadioInput(), choices=[], validators=[])
    home_elsewhere = text_field(_l("If you live somewhere else, which council area?"), COUNCIL_LIMIT)
    submit = _submit()

    def set_up(self, authorities: list[tuple[str, str]]) -> None:
        self.home.choices = authority_choices(authorities, _l("Somewhere else"))

    def validate(self, extra_validators: Any = None) -> bool:
        super().validate(extra_validators)
        if not self.home.data or self.home.data not in {c.value for c in self.home.choices}:
            self.home.errors = [str(_l("Select where you live now"))]
        elif self.home.data == ELSEWHERE and not self.home_elsewhere.data and not self.home_elsewhere.errors:
            self.home_elsewhere.errors = [str(_l("Enter the name of the council where you live"))]
        return not any(field.errors for field in self)


class HappeningForm(FlaskForm):
    happening = long_text_field(
        _l("What is happening?"), TEXT_LIMIT, _l("Tell us what is happening"),
        _l("Tell us about any worries at home, at school or with your child's health or behaviour."),
    )
    help = long_text_field(
        _l("What help would you like?"), TEXT_LIMIT, _l("Tell us what help you would like"),
        _l("If you are not sure, say so. We can talk about what might help."),
    )
    submit = _submit()


class RiskForm(FlaskForm):
    at_risk = _radios(
        _l("Is anyone at risk of harm right now?"),
        _l("Select yes if anyone is at risk of harm right now"),
        _l("This includes you, your child or anyone else in your household."),
        YES_NO,
    )
    submit = _submit()


class ConsentForm(FlaskForm):
    consent = _radios(
        _l("Can we share your request with the local council?"),
        _l("Select yes if we can share your request with the local council"),
        _l("The council responsible for your child's support may need to see what you have told us so that it can help."),
        YES_NO,
    )
    submit = _submit()


class SendReferralForm(FlaskForm):
    submit = SubmitField(_l("Send"), widget=GovSubmitInput())


PAGE_FORMS: dict[str, type[FlaskForm]] = {
    "who-you-are": RoleForm,
    "your-family": FamilyForm,
    "your-children": ChildrenForm,
    "where-you-live": WhereForm,
    "what-is-happening": HappeningForm,
    "risk": RiskForm,
    "consent": ConsentForm,
}
