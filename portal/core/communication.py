"""Communication needs (NHS Accessible Information Standard) and preferred languages.

The same list is asked of enquirers here and of account holders in their profile, and staff see it
flagged at the top of every case.
"""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice


class CommunicationNeed(StrEnum):
    LARGE_PRINT = "large_print"
    EASY_READ = "easy_read"
    AUDIO = "audio"
    BRAILLE = "braille"
    BSL = "bsl"
    INTERPRETER = "interpreter"
    OTHER = "other"


NEED_LABELS = {
    CommunicationNeed.LARGE_PRINT: _l("Large print"),
    CommunicationNeed.EASY_READ: _l("Easy read"),
    CommunicationNeed.AUDIO: _l("Audio"),
    CommunicationNeed.BRAILLE: _l("Braille"),
    CommunicationNeed.BSL: _l("British Sign Language"),
    CommunicationNeed.INTERPRETER: _l("An interpreter"),
    CommunicationNeed.OTHER: _l("Something else"),
}


def need_choices() -> list[SelectChoice]:
    return [SelectChoice(need.value, label) for need, label in NEED_LABELS.items()]


def language_choices(locales: dict[str, dict[str, str]]) -> list[SelectChoice]:
    """Languages we write in, each in its own name, then 'another language'."""
    choices = [SelectChoice(code, meta["name"]) for code, meta in locales.items()]
    choices.append(SelectChoice("other", _l("Another language")))
    return choices
