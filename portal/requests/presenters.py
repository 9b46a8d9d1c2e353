"""The words people read for the values stored on a request: one place for the public
check-answers page, the person's tracking page and the staff case page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from portal.agency.models import PartnerAuthority
from portal.core.communication import NEED_LABELS
from portal.requests.models import RequestKind, RequestStatus, SafeContact
from portal.requests.rules import LetterboxChange, Relation, Seeking, Stage

KIND_LABELS = {
    RequestKind.BIRTH_RELATIVE_SUPPORT: _l("Support for a birth parent or relative"),
    RequestKind.LETTERBOX_CHANGE: _l("Start, change or pause a letterbox arrangement"),
    RequestKind.INTERMEDIARY: _l("Help to make contact (intermediary service)"),
    RequestKind.BIRTH_RECORDS: _l("Birth records counselling and access to records"),
    RequestKind.GENERAL_ADVICE: _l("General advice"),
}

STATUS_LABELS = {
    RequestStatus.NEW: _l("Received"),
    RequestStatus.ALLOCATED: _l("Worker allocated"),
    RequestStatus.IN_CONTACT: _l("In contact"),
    RequestStatus.SIGNPOSTED: _l("Closed: we have suggested where to get help"),
    RequestStatus.DECLINED: _l("Closed: we cannot help with this"),
    RequestStatus.CLOSED: _l("Closed"),
}

RELATION_LABELS = {
    Relation.BIRTH_MOTHER: _l("Birth mother"),
    Relation.BIRTH_FATHER: _l("Birth father"),
    Relation.GRANDPARENT: _l("Grandparent"),
    Relation.SIBLING: _l("Brother or sister"),
    Relation.OTHER_BIRTH_RELATIVE: _l("Another birth relative"),
    Relation.ADOPTED_ADULT: _l("An adult who was adopted"),
    Relation.ADOPTIVE_PARENT: _l("Adoptive parent"),
    Relation.OTHER: _l("Someone else"),
}

STAGE_LABELS = {
    Stage.CARE_PROCEEDINGS: _l("The court is deciding what happens (care proceedings)"),
    Stage.PLACEMENT_ORDER: _l("The court has said the child can be placed for adoption"),
    Stage.AFTER_ADOPTION: _l("The child has been adopted"),
}

CHANGE_LABELS = {
    LetterboxChange.START: _l("Start writing to each other"),
    LetterboxChange.CHANGE: _l("Change an arrangement"),
    LetterboxChange.PAUSE: _l("Pause an arrangement"),
}

SEEKING_LABELS = {
    Seeking.ADOPTED_ADULT: _l("I am a birth relative looking for an adult who was adopted"),
    Seeking.BIRTH_RELATIVES: _l("I was adopted and I am looking for my birth relatives"),
}

SAFE_CONTACT_LABELS = {
    SafeContact.DO_NOT_PHONE: _l("Do not phone me"),
    SafeContact.NO_VOICEMAIL: _l("Do not leave voicemail messages"),
    SafeContact.EMAIL_ONLY: _l("Contact me by email only"),
    SafeContact.NO_LETTERS: _l("Do not send letters to my home"),
}

CONTACT_LABELS = {
    "email": _l("Email"),
    "phone": _l("Phone call"),
    "text": _l("Text message"),
    "letter": _l("Letter"),
}

ANSWER_LABELS = {
    "stage": _l("Where things are now"),
    "needs": _l("What help you would like"),
    "change": _l("What you would like to do"),
    "details": _l("Tell us more"),
    "seeking": _l("Who you are looking for"),
    "known": _l("What you know"),
    "question": _l("Your question"),
}

CHOICE_LABELS: dict[str, dict[Any, Any]] = {"stage": STAGE_LABELS, "change": CHANGE_LABELS, "seeking": SEEKING_LABELS}


def label(labels: dict[Any, Any], value: str) -> str:
    for key, text in labels.items():
        if str(key) == value:
            return str(text)
    return value


def _lines(values: list[Any]) -> Markup:
    return Markup("<br>").join(escape(str(v)) for v in values if v)


@dataclass(frozen=True)
class Row:
    """One row of answers: which question page it came from (for "Change" links) and its words."""

    page: str
    label: Any
    value_html: Markup


def rows(data: dict[str, Any], kind: RequestKind, authority: PartnerAuthority | None) -> list[Row]:
    """Answers as rows. ``data`` uses the draft's keys; request_data() turns a request into them."""
    from portal.requests.rules import ANSWER_KEYS

    out = [
        Row("about-you", _l("Full name"), _lines([data.get("full_name", "")])),
        Row("about-you", _l("Who you are"), _lines([label(RELATION_LABELS, data.get("relation", ""))])),
    ]
    if data.get("date_of_birth"):
        born = format_date(date.fromisoformat(data["date_of_birth"]), "d MMMM yyyy")
        out.append(Row("about-you", _l("Date of birth"), _lines([born])))
    out.append(Row("details", _l("Council area"), _lines([authority.name if authority else _l("Not known or somewhere else")])))
    for key in ANSWER_KEYS[kind]:
        value = data.get(key, "")
        if key in CHOICE_LABELS:
            value = label(CHOICE_LABELS[key], value)
        out.append(Row("details", ANSWER_LABELS[key], _lines([value or _l("Not given")])))
    contact = [label(CONTACT_LABELS, m) for m in data.get("contact_methods") or []]
    contact.extend(label(SAFE_CONTACT_LABELS, s) for s in data.get("safe_contact") or [])
    if data.get("email"):
        contact.append(data["email"])
    if data.get("phone"):
        contact.append(data["phone"])
    if data.get("safe_times"):
        contact.append(data["safe_times"])
    out.append(Row("contact", _l("How and when to contact you"), _lines(contact or [_l("Not given")])))
    language = data.get("preferred_language")
    if language:
        out.append(Row("contact", _l("Language"), _language_html(language)))
    needs = [label(NEED_LABELS, n) for n in data.get("communication_needs") or []]
    out.append(Row("contact", _l("Communication needs"), _lines(needs or [_l("None")])))
    return out


def _language_html(code: str) -> Markup:
    # The language's own name, marked with its lang and dir so it is read aloud right.
    meta = current_app.config["LOCALES"].get(code)
    if meta is None:
        return escape(code)
    return Markup('<span lang="{}" dir="{}">{}</span>').format(code, meta["dir"], meta["name"])


def request_data(request: Any) -> dict[str, Any]:
    """A stored request in the draft's keys, so rows() serves the staff and tracking pages too."""
    return {
        "full_name": request.full_name,
        "relation": request.relation_to_child,
        "date_of_birth": request.date_of_birth.isoformat() if request.date_of_birth else "",
        "email": request.email,
        "phone": request.phone,
        "contact_methods": request.contact_methods,
        "safe_contact": request.safe_contact,
        "safe_times": request.safe_times,
        "communication_needs": request.communication_needs,
        "preferred_language": request.preferred_language,
        **(request.answers or {}),
    }
