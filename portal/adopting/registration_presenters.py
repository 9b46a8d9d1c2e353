"""The words people read for the registration of interest: section titles, the labels of stored
choices, and each section's answers as check-answers rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

YES_NO = {"yes": _l("Yes"), "no": _l("No")}

DURATION_LABELS = {
    "under_1": _l("Less than 1 year"),
    "1_to_5": _l("1 to 5 years"),
    "over_5": _l("More than 5 years"),
}

RELATIONSHIP_LABELS = {
    "married": _l("We are married"),
    "civil_partners": _l("We are civil partners"),
    "living_together": _l("We live together"),
}

SIBLING_LABELS = {"yes": _l("Yes"), "no": _l("No"), "maybe": _l("Maybe")}

NEED_LABELS = {
    "learning_disability": _l("Learning disability"),
    "physical_disability": _l("Physical disability"),
    "emotional_behavioural": _l("Emotional and behavioural needs"),
    "health_conditions": _l("Health conditions"),
    "uncertain_development": _l("Uncertain future development"),
    "none": _l("None of these"),
}

SECTION_TITLES = {
    "home": _l("Your home"),
    "household": _l("Who lives with you"),
    "children": _l("Your children"),
    "experience": _l("Your experience of caring for children"),
    "motivation": _l("Why you want to adopt"),
    "children_hoped_for": _l("The children you hope to adopt"),
    "previous": _l("Adopting or fostering before"),
    "about_you": _l("About you"),
    "health": _l("Your health"),
    "suitability": _l("Checks about your background"),
}

# The other applicant's sections, as the first applicant sees them listed (never their answers).
PARTNER_SECTION_TITLES = {
    "about_you": _l("About them"),
    "health": _l("Their health"),
    "suitability": _l("Checks about their background"),
}

# Each section's stored answers in page order: (key, label, labels of its choices if it has any).
_QUESTIONS: dict[str, list[tuple[str, Any, dict[str, Any] | None]]] = {
    "children": [
        ("children_at_home", _l("Children under 16 living in your home"), None),
        ("children_at_home_details", _l("About the children in your home"), None),
        ("children_elsewhere", _l("Children who live somewhere else"), None),
    ],
    "experience": [("experience", _l("Experience of caring for children"), None)],
    "motivation": [("motivation", _l("Why you want to adopt"), None)],
    "children_hoped_for": [
        ("siblings", _l("Would consider brothers or sisters"), SIBLING_LABELS),
    ],
    "previous": [
        ("adopted_before", _l("Adopted before"), YES_NO),
        ("fostering_child", _l("Hoping to adopt a child you foster"), YES_NO),
        ("applied_before", _l("Fostered or applied before"), YES_NO),
        ("applied_before_details", _l("Details"), None),
    ],
    "about_you": [
        ("full_name", _l("Full name"), None),
        ("other_names", _l("Other names"), None),
        ("date_of_birth", _l("Date of birth"), None),
        ("phone", _l("Phone number"), None),
        ("occupation", _l("Job"), None),
        ("works_with_children", _l("Work or volunteering involves children"), YES_NO),
    ],
    "health": [
        ("health_conditions", _l("Health conditions or disabilities"), YES_NO),
        ("health_details", _l("Details"), None),
        ("gp_practice", _l("GP practice"), None),
    ],
    "suitability": [
        ("convicted", _l("Convictions or cautions"), YES_NO),
        ("convicted_details", _l("Details of convictions or cautions"), None),
        ("investigated", _l("Investigated about harm to a child"), YES_NO),
        ("investigated_details", _l("Details of the investigation"), None),
        ("child_in_care", _l("A child of yours in care or on a plan"), YES_NO),
        ("child_in_care_details", _l("Details"), None),
    ],
}


@dataclass(frozen=True)
class Row:
    """One answer: the section it belongs to (for its "Change" link) and its words."""

    section: str
    label: Any
    value_html: Markup


def label(labels: dict[str, Any], value: Any) -> str:
    return str(labels.get(str(value), value or ""))


def _lines(values: list[Any]) -> Markup:
    shown = [escape(str(v)) for v in values if v]
    return Markup("<br>").join(shown) if shown else escape(str(_l("Not given")))


def _date(value: str) -> str:
    try:
        return format_date(date.fromisoformat(value), "d MMMM yyyy")
    except (TypeError, ValueError):
        return ""


def section_rows(section: str, answers: dict[str, Any], authorities: dict[str, str]) -> list[Row]:
    """A section's answers as rows; ``authorities`` names the partner authorities by slug."""
    if section == "home":
        address = [answers.get(k) for k in ("address_line_1", "address_line_2", "town", "postcode")]
        area = authorities.get(str(answers.get("authority")), str(_l("Somewhere else")))
        return [
            Row(section, _l("Address"), _lines(address)),
            Row(section, _l("Council area"), _lines([area])),
            Row(section, _l("Time at this address"), _lines([label(DURATION_LABELS, answers.get("years_at_address"))])),
        ]
    if section == "household":
        rows = []
        if answers.get("relationship"):
            together = _l(
                "%(relationship)s, since %(year)s",
                relationship=label(RELATIONSHIP_LABELS, answers["relationship"]),
                year=answers.get("together_since", ""),
            )
            rows.append(Row(section, _l("Your relationship"), _lines([together])))
        others = [
            _l("%(name)s (%(relationship)s), born %(born)s", name=o["name"], relationship=o["relationship"], born=_date(o["born"]))
            for o in answers.get("others") or []
        ]
        rows.append(Row(section, _l("Other people aged 16 or over"), _lines(others or [_l("None")])))
        return rows
    if section == "children_hoped_for":
        ages = _l("%(youngest)s to %(oldest)s years", youngest=answers.get("age_from", ""), oldest=answers.get("age_to", ""))
        needs = [label(NEED_LABELS, n) for n in answers.get("needs") or []]
        return [
            Row(section, _l("Ages"), _lines([ages])),
            *_rows_of(section, answers),
            Row(section, _l("Needs you feel able to meet"), _lines(needs)),
        ]
    return _rows_of(section, answers)


def _rows_of(section: str, answers: dict[str, Any]) -> list[Row]:
    rows = []
    for key, text, labels in _QUESTIONS[section]:
        value = answers.get(key)
        if key.endswith("_details") and not value:
            continue
        if key == "date_of_birth":
            value = _date(str(value or ""))
        elif labels is not None:
            value = label(labels, value)
        rows.append(Row(section, text, _lines([value])))
    return rows
