"""Every locale is complete, current and safe to format: the catalogues are the product too."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
LOCALES = ["cy", "pl", "ur", "pa"]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")


def catalogue(locale: str):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=locale)


def _ids(cat) -> set[tuple[str, ...]]:
    return {m.id if isinstance(m.id, tuple) else (m.id,) for m in cat if m.id}


def test_messages_pot_is_current(tmp_path):
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable, "-m", "babel.messages.frontend", "extract", "--no-location", "--sort-output",
            "-F", str(ROOT / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext", "-o", str(fresh), str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    with open(fresh, "rb") as new, open(TRANSLATIONS / "messages.pot", "rb") as committed:
        assert _ids(read_po(new)) == _ids(read_po(committed)), "run `flask translate update`"


@pytest.mark.parametrize("locale", LOCALES)
def test_catalogue_is_complete_and_current(locale):
    cat = catalogue(locale)
    with open(TRANSLATIONS / "messages.pot", "rb") as handle:
        template = read_po(handle)
    assert _ids(cat) == _ids(template), f"{locale}: run `flask translate update`"
    untranslated = [m.id for m in cat if m.id and not all(m.string if isinstance(m.string, tuple) else [m.string])]
    fuzzy = [m.id for m in cat if m.id and m.fuzzy]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_match_the_source(locale):
    for message in catalogue(locale):
        if not message.id:
            continue
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = sorted(set(PLACEHOLDER.findall(sources[-1])) | set(PLACEHOLDER.findall(sources[0])))
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            if not text:
                continue  # reported by the completeness test
            got = sorted(set(PLACEHOLDER.findall(text)))
            # A singular form may leave the number out ("un ymholiad"), but never invent a placeholder.
            assert set(got) <= set(wanted), f"{locale}: {message.id!r} has {got}, source has {wanted}"
            if len(strings) == 1:
                assert got == wanted, f"{locale}: {message.id!r} has {got}, source has {wanted}"


@pytest.mark.parametrize("locale", LOCALES)
def test_catalogue_compiles(locale, tmp_path):
    result = subprocess.run(
        [
            sys.executable, "-m", "babel.messages.frontend", "compile", "--statistics",
            "-i", str(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"),
            "-o", str(tmp_path / "messages.mo"), "-l", locale,
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "messages.mo").stat().st_size > 0


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_carry_no_markup_characters(locale):
    """Jinja marks a translation as safe HTML, and some GOV.UK macros put translations into
    attributes: a straight double quote, < or & in a translation would break the page. Typographic
    quotes (“ ” « ») are the right ones for text anyway."""
    for message in catalogue(locale):
        if not message.id:
            continue  # the catalogue's header
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            assert not set(text) & {'"', "<", ">", "&"}, f"{locale}: {message.id!r}"
