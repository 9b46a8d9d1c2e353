"""The registration of interest forms: one per section of the task list, then inviting the second
applicant, joining, and signing. Each section's answers are stored as the form's data (dates as ISO
text), so the same form can check whether stored answers are complete."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSubmitInput
from wtforms import BooleanField, Field, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Optional, ValidationError

from portal.adopting.registration_presenters import (
    DURATION_LABELS,
    NEED_LABELS,
    RELATIONSHIP_LABELS,
    SIBLING_LABELS,
    YES_NO,
)
from portal.core.db import utcnow
from portal.core.forms import (
    ChoiceField,
    ChoicesField,
    GovCheckboxesInput,
    GovRadioInput,
    WholeNumber,
    authority_choices,
    choices_from,
    email_field,
    long_text_field,
    phone_field,
    text_field,
)
from portal.core.timescales import london_date
from portal.requests.forms import DateOfBirthField, DayMonthYearInput

TEXT_LIMIT = 3000
MIN_APPLICANT_AGE = 21
ADULT_AGE = 16
MAX_OTHERS = 6
# A loose check, as GOV.UK advises: letters and digits in the shape of a UK postcode, any spacing.
POSTCODE_SHAPE = re.compile(r"^[A-Za-z]{1,2}[0-9][A-Za-z0-9]?\s*[0-9][A-Za-z]{2}$")

# The declaration each applicant signs, by version (see registration_rules.DECLARATION_VERSION). The
# text signed is kept in the applicant's language with the signature.
DECLARATIONS: dict[str, Any] = {
    "roi-2026-1": _l(
        "I confirm that the information I have given in this registration of interest is true and "
        "complete to the best of my knowledge. I understand that the agency will use it to decide "
        "whether to accept my registration, and that giving false information, or leaving out "
        "something important, may mean my application cannot go on."
    ),
}


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _text(label: Any, required: Any = None, limit: int = 200, hint: Any = None) -> StringField:
    return text_field(label, limit, required, hint)


def _long(label: Any, required: Any = None, hint: Any = None) -> TextAreaField:
    return long_text_field(label, TEXT_LIMIT, required, hint)


def _radios(label: Any, labels: dict[str, Any], required: Any, hint: Any = None) -> ChoiceField:
    return ChoiceField(
        label,
        widget=GovRadioInput(),
        description=hint,
        choices=choices_from(labels),
        validators=[InputRequired(message=required)],
    )


def _yes_no(label: Any, required: Any, hint: Any = None) -> ChoiceField:
    return _radios(label, YES_NO, required, hint)


def _details_if_yes(form: FlaskForm, question: str, details: str, message: Any) -> None:
    """A "yes" needs its details; a "no" keeps none (so nothing stale is stored)."""
    if form[question].data == "yes" and not form[details].data:
        form[details].errors = [*form[details].errors, str(message)]
    if form[question].data == "no":
        form[details].data = ""


class SectionForm(FlaskForm):
    submit = SubmitField(_l("Save and continue"), widget=GovSubmitInput())

    def check(self) -> bool:
        """Cross-field checks; they add their own errors and give back whether all is well."""
        return True

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        return self.check() and valid and not any(f.errors for f in self)

    def answers(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, field in self._fields.items():
            if name in {"csrf_token", "submit", "rows"}:
                continue
            out[name] = field.data.isoformat() if isinstance(field.data, date) else field.data
        return out


class StartForm(FlaskForm):
    joint = _radios(
        _l("Are you applying on your own or with a partner?"),
        {
            "single": _l("On my own"),
            "joint": _l("With my partner (a joint application)"),
        },
        _l("Select whether you are applying on your own or with a partner"),
        _l("If you apply with a partner, we will send them an email so they can complete their own part."),
    )
    submit = SubmitField(_l("Start registration"), widget=GovSubmitInput())


class HomeForm(SectionForm):
    address_line_1 = _text(_l("Address line 1"), _l("Enter the first line of your address"))
    address_line_2 = _text(_l("Address line 2 (optional)"))
    town = _text(_l("Town or city"), _l("Enter your town or city"), 100)
    postcode = _text(_l("Postcode"), _l("Enter your postcode"), 10)
    authority = ChoiceField(
        _l("Which council area do you live in?"),
        widget=GovRadioInput(),
        description=_l("This is the council you pay council tax to."),
        validators=[InputRequired(message=_l("Select the council area you live in"))],
    )
    years_at_address = _radios(
        _l("How long have you lived at this address?"),
        DURATION_LABELS,
        _l("Select how long you have lived at this address"),
    )

    def set_authorities(self, authorities: list[tuple[str, str]]) -> None:
        self.authority.choices = authority_choices(authorities, _l("Somewhere else"))

    def validate_postcode(self, field: StringField) -> None:
        if field.data and not POSTCODE_SHAPE.match(field.data):
            raise ValidationError(str(_l("Enter a real postcode, like AA1 1AA")))
        # Kept the way it is printed, whatever the spacing and case typed.
        compact = "".join(field.data.split()).upper()
        field.data = f"{compact[:-3]} {compact[-3:]}"


# Made before the repeated groups, so that their errors are listed in the order of the page.
_RELATIONSHIP = _radios(
    _l("What is your relationship to each other?"),
    RELATIONSHIP_LABELS,
    _l("Select your relationship to each other"),
)
_SINCE = _text(
    _l("Since which year?"),
    _l("Enter the year your relationship began"),
    10,
    _l("The year you married, formed a civil partnership or began living together. For example, 2015"),
)


class OtherPersonDateInput(DayMonthYearInput):
    """Someone else's date of birth: the browser must not offer to fill in the applicant's own."""

    def map_gov_params(self, field: Field, **kwargs: Any) -> dict[str, Any]:
        params = super().map_gov_params(field, **kwargs)
        for item in params["items"]:
            item.pop("autocomplete", None)
        return params


def _other_person_fields() -> dict[str, Field]:
    fields: dict[str, Field] = {}
    for number in range(1, MAX_OTHERS + 1):
        fields[f"other_{number}_name"] = _text(_l("Full name"))
        fields[f"other_{number}_relationship"] = _text(
            _l("Relationship to you"), None, 100, _l("For example, my mother, my lodger, my son.")
        )
        fields[f"other_{number}_born"] = DateOfBirthField(
            _l("Date of birth"),
            widget=OtherPersonDateInput(),
            format="%d %m %Y",
            description=_l("For example, 27 3 1960"),
            validators=[Optional()],
        )
    return fields


class HouseholdForm(SectionForm):
    """Other adults in the home, in up to six repeated groups of questions (no JavaScript needed:
    "Add another person" shows one more group)."""

    rows = HiddenField()

    def row_filled(self, number: int) -> bool:
        return any(
            self[f"other_{number}_{part}"].data or any((self[f"other_{number}_{part}"].raw_data or []))
            for part in ("name", "relationship", "born")
        )

    def check(self) -> bool:
        today = london_date(utcnow())
        for number in range(1, MAX_OTHERS + 1):
            if not self.row_filled(number):
                continue
            name, relation, born = (self[f"other_{number}_{p}"] for p in ("name", "relationship", "born"))
            if not name.data and not name.errors:
                name.errors = [str(_l("Enter the full name of person %(number)d", number=number))]
            if not relation.data and not relation.errors:
                relation.errors = [str(_l("Enter how person %(number)d is related to you", number=number))]
            if born.data is None and not born.errors:
                born.errors = [str(_l("Enter the date of birth of person %(number)d", number=number))]
            elif born.data is not None and (born.data > today or age_on(born.data, today) < ADULT_AGE):
                born.errors = [
                    str(_l("Person %(number)d must be 16 or over. Tell us about children in the next section", number=number))
                ]
        return True

    def answers(self) -> dict[str, Any]:
        answers = {k: v for k, v in super().answers().items() if not k.startswith("other_")}
        answers["others"] = [
            {
                "name": self[f"other_{n}_name"].data,
                "relationship": self[f"other_{n}_relationship"].data,
                "born": self[f"other_{n}_born"].data.isoformat(),
            }
            for n in range(1, MAX_OTHERS + 1)
            if self.row_filled(n) and self[f"other_{n}_born"].data is not None
        ]
        return answers


for _name, _field in _other_person_fields().items():
    setattr(HouseholdForm, _name, _field)


class JointHouseholdForm(HouseholdForm):
    relationship = _RELATIONSHIP
    together_since = _SINCE

    def validate_together_since(self, field: StringField) -> None:
        WholeNumber(1900, london_date(utcnow()).year, _l("Enter a year between 1900 and this year, like 2015"))(self, field)


class ChildrenForm(SectionForm):
    children_at_home = _text(
        _l("How many children under 16 live in your home?"),
        _l("Enter how many children live in your home, or 0"),
        10,
        _l("Enter 0 if there are none."),
    )
    children_at_home_details = _long(
        _l("Tell us about the children who live in your home"),
        None,
        _l("Their first names, ages and how they are related to you."),
    )
    children_elsewhere = _long(
        _l("Do you have any children who live somewhere else? (optional)"),
        None,
        _l("Their first names, ages and where they live. Leave blank if none."),
    )

    def validate_children_at_home(self, field: StringField) -> None:
        WholeNumber(0, 20, _l("Enter a whole number from 0 to 20"))(self, field)

    def check(self) -> bool:
        count = self.children_at_home.data or ""
        if count.isascii() and count.isdigit() and int(count) > 0 and not self.children_at_home_details.data:
            self.children_at_home_details.errors = [str(_l("Tell us about the children who live in your home"))]
        return True


class ExperienceForm(SectionForm):
    experience = _long(
        _l("What experience do you have of caring for children?"),
        _l("Tell us about your experience of caring for children"),
        _l("For example, as a parent, relative, childminder, teacher, volunteer or friend."),
    )


class MotivationForm(SectionForm):
    motivation = _long(
        _l("Why do you want to adopt?"),
        _l("Tell us why you want to adopt"),
        _l("There is no right or wrong answer. Tell us in your own words."),
    )


class ChildrenHopedForForm(SectionForm):
    age_from = _text(_l("From age"), _l("Enter the youngest age"), 10)
    age_to = _text(_l("To age"), _l("Enter the oldest age"), 10)
    siblings = _radios(
        _l("Would you consider adopting brothers or sisters together?"),
        SIBLING_LABELS,
        _l("Select whether you would consider brothers or sisters"),
    )
    needs = ChoicesField(
        _l("Which additional needs do you feel able to meet?"),
        widget=GovCheckboxesInput(),
        description=_l("Select all that apply. You can talk about this with your social worker later."),
        choices=choices_from(NEED_LABELS),
        validators=[InputRequired(message=_l("Select the needs you feel able to meet, or select none of these"))],
    )

    def check(self) -> bool:
        ages = []
        for field in (self.age_from, self.age_to):
            value = field.data or ""
            if value and not (value.isascii() and value.isdigit() and int(value) <= 17):
                field.errors = [*field.errors, str(_l("Enter an age from 0 to 17, in whole years"))]
            elif value:
                ages.append(int(value))
        if len(ages) == 2 and ages[0] > ages[1]:
            self.age_to.errors = [str(_l("The oldest age must be the same as or more than the youngest age"))]
        if "none" in (self.needs.data or []) and len(self.needs.data) > 1:
            self.needs.errors = [str(_l("Select none of these on its own, or select the needs you feel able to meet"))]
        return True


class PreviousForm(SectionForm):
    adopted_before = _yes_no(_l("Have you adopted a child before?"), _l("Select yes if you have adopted before"))
    fostering_child = _yes_no(
        _l("Are you an approved foster carer hoping to adopt a child in your care?"),
        _l("Select yes if you hope to adopt a child you foster"),
    )
    applied_before = _yes_no(
        _l("Have you fostered, or applied to adopt or foster, before?"),
        _l("Select yes if you have fostered or applied before"),
    )
    applied_before_details = _long(
        _l("If yes, tell us when and with which agency or council"),
    )

    def check(self) -> bool:
        _details_if_yes(self, "applied_before", "applied_before_details", _l("Tell us when and with which agency or council"))
        return True


class AboutYouForm(SectionForm):
    full_name = _text(_l("Full name"), _l("Enter your full name"))
    other_names = _text(
        _l("Other names you have used (optional)"), None, 300, _l("For example, a name before marriage.")
    )
    date_of_birth = DateOfBirthField(
        _l("What is your date of birth?"),
        widget=DayMonthYearInput(),
        format="%d %m %Y",
        description=_l("For example, 27 3 1985"),
        validators=[InputRequired(message=_l("Enter your date of birth"))],
    )
    phone = phone_field(_l("Phone number"), description=_l("For international numbers include the country code."))
    occupation = _text(_l("What is your job?"), _l("Enter your job, or say if you are not working"), 200)
    works_with_children = _yes_no(
        _l("Does your work or volunteering involve children?"),
        _l("Select yes if your work or volunteering involves children"),
    )

    def validate_date_of_birth(self, field: DateOfBirthField) -> None:
        if field.data is None:
            return
        today = london_date(utcnow())
        if field.data > today:
            raise ValidationError(str(_l("Date of birth must be in the past")))
        if age_on(field.data, today) < MIN_APPLICANT_AGE:
            raise ValidationError(str(_l("You must be 21 or over to adopt")))

    def check(self) -> bool:
        if not self.phone.data and not self.phone.errors:
            self.phone.errors = [str(_l("Enter your phone number"))]
        return True


class HealthForm(SectionForm):
    health_conditions = _yes_no(
        _l("Do you have any health conditions or disabilities that could affect caring for a child?"),
        _l("Select yes if you have a health condition or disability that could affect caring for a child"),
        _l("Many people with health conditions or disabilities adopt. We ask so we can support you."),
    )
    health_details = _long(_l("If yes, tell us about them"))
    gp_practice = _text(_l("Name of your GP practice"), _l("Enter the name of your GP practice"))

    def check(self) -> bool:
        _details_if_yes(self, "health_conditions", "health_details", _l("Tell us about your health conditions or disabilities"))
        return True


class SuitabilityForm(SectionForm):
    convicted = _yes_no(
        _l("Have you ever been convicted of an offence or received a caution?"),
        _l("Select yes if you have ever been convicted or cautioned"),
        _l("Include spent convictions and cautions."),
    )
    convicted_details = _long(_l("If yes, give details of the convictions or cautions"))
    investigated = _yes_no(
        _l("Have you ever been investigated by the police or a council about harm to a child?"),
        _l("Select yes if you have ever been investigated about harm to a child"),
    )
    investigated_details = _long(_l("If yes, give details of the investigation"))
    child_in_care = _yes_no(
        _l("Has any child of yours ever been in care or subject to a child protection plan?"),
        _l("Select yes if a child of yours has been in care or subject to a child protection plan"),
    )
    child_in_care_details = _long(_l("If yes, give details"))

    def check(self) -> bool:
        _details_if_yes(self, "convicted", "convicted_details", _l("Give details of the convictions or cautions"))
        _details_if_yes(self, "investigated", "investigated_details", _l("Give details of the investigation"))
        _details_if_yes(self, "child_in_care", "child_in_care_details", _l("Give details of when a child of yours was in care"))
        return True


SECTION_FORMS: dict[str, type[SectionForm]] = {
    "home": HomeForm,
    "household": HouseholdForm,
    "children": ChildrenForm,
    "experience": ExperienceForm,
    "motivation": MotivationForm,
    "children_hoped_for": ChildrenHopedForForm,
    "previous": PreviousForm,
    "about_you": AboutYouForm,
    "health": HealthForm,
    "suitability": SuitabilityForm,
}


class InviteForm(FlaskForm):
    email = email_field(
        _l("Your partner's email address"),
        required=_l("Enter your partner's email address"),
        description=_l("We will send them a link to join this application with their own account."),
    )
    submit = SubmitField(_l("Send invitation"), widget=GovSubmitInput())


class JoinForm(FlaskForm):
    submit = SubmitField(_l("Join this application"), widget=GovSubmitInput())


class ConfirmCheckbox(GovCheckboxInput):
    """One checkbox without the empty hint the library adds (an empty hint is still announced)."""

    def map_gov_params(self, field: Field, **kwargs: Any) -> dict[str, Any]:
        params: dict[str, Any] = super().map_gov_params(field, **kwargs)
        if not (params.get("hint") or {}).get("text"):
            params.pop("hint", None)
        return params


class SignForm(FlaskForm):
    full_name = _text(_l("Type your full name"), _l("Type your full name to sign"))
    confirm = BooleanField(
        _l("I confirm the declaration"),
        widget=ConfirmCheckbox(),
        validators=[InputRequired(message=_l("Select the box to confirm the declaration"))],
    )
    submit = SubmitField(_l("Sign and send"), widget=GovSubmitInput())
