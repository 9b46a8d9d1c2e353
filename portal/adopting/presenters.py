"""Turn stored enquiry answers into the words people read, for check-answers and the staff view."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from portal.adopting.forms import ADOPTION_TYPE_LABELS, SOURCE_LABELS, WANT_LABELS
from portal.agency.models import PartnerAuthority
from portal.core.communication import NEED_LABELS, CommunicationNeed


@dataclass(frozen=True)
class AnswerRow:
    slug: str
    label: Any
    value_html: Markup


def _lines(values: Iterable[Any]) -> Markup:
    return Markup("<br>").join(escape(str(v)) for v in values if v)


def _label(labels: dict[Any, Any], value: str) -> str:
    for key, label in labels.items():
        if key.value == value:
            return str(label)
    return value


def language_name(code: str, other: str) -> Markup:
    """The language's name in that language, marked with its lang and dir so it is read aloud right."""
    if code == "other":
        return escape(other)
    meta = current_app.config["LOCALES"].get(code)
    if meta is None:
        return escape(code)
    return Markup('<span lang="{}" dir="{}">{}</span>').format(code, meta["dir"], meta["name"])


def needs_lines(needs: list[str], interpreter: str, other: str) -> list[str]:
    lines = []
    for need in needs:
        text = _label(NEED_LABELS, need)
        if need == CommunicationNeed.INTERPRETER and interpreter:
            text = f"{text}: {interpreter}"
        if need == CommunicationNeed.OTHER and other:
            text = f"{text}: {other}"
        lines.append(text)
    return lines


def answer_rows(data: dict[str, Any], authority: PartnerAuthority | None) -> list[AnswerRow]:
    source = _label(SOURCE_LABELS, data["source"])
    if data["source"] == "other" and data.get("source_other"):
        source = f"{source}: {data['source_other']}"
    needs = needs_lines(
        data.get("communication_needs") or [], data.get("interpreter_language", ""), data.get("communication_other", "")
    )
    return [
        AnswerRow("about-you", _l("Full name"), _lines([data["full_name"]])),
        AnswerRow("about-you", _l("Email address"), _lines([data["email"]])),
        AnswerRow("about-you", _l("Phone number"), _lines([data.get("phone") or _l("Not given")])),
        AnswerRow("where-you-live", _l("Council area"), _lines([authority.name if authority else _l("Somewhere else")])),
        AnswerRow("your-enquiry", _l("Asking about"), _lines([_label(ADOPTION_TYPE_LABELS, data["adoption_type"])])),
        AnswerRow("your-enquiry", _l("Would like"), _lines(_label(WANT_LABELS, w) for w in data.get("wants") or [])),
        AnswerRow("your-enquiry", _l("Heard about us from"), _lines([source])),
        AnswerRow(
            "communication",
            _l("Language"),
            language_name(data["preferred_language"], data.get("preferred_language_other", "")),
        ),
        AnswerRow("communication", _l("Communication needs"), _lines(needs or [_l("None")])),
    ]


def enquiry_data(enquiry: Any) -> dict[str, Any]:
    return {
        "full_name": enquiry.full_name,
        "email": enquiry.email,
        "phone": enquiry.phone,
        "adoption_type": enquiry.adoption_type,
        "wants": enquiry.wants,
        "source": enquiry.source,
        "source_other": enquiry.source_other,
        "preferred_language": enquiry.preferred_language,
        "preferred_language_other": enquiry.preferred_language_other,
        "communication_needs": enquiry.communication_needs,
        "interpreter_language": enquiry.interpreter_language,
        "communication_other": enquiry.communication_other,
    }


def enquiry_needs(enquiry: Any) -> list[str]:
    return needs_lines(enquiry.communication_needs or [], enquiry.interpreter_language, enquiry.communication_other)
