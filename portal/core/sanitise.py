"""Making HTML written by administrators safe to show on public pages.

Only simple formatting survives: paragraphs, line breaks, bold, emphasis, lists and two levels of
heading, with no attributes at all (so no links, styles or event handlers). Everything else is
stripped; for elements whose content is code or a hidden document (scripts, styles, SVG, MathML,
frames and the like) the content goes too, instead of ending up as stray text on the page.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import bleach
from bleach.html5lib_shim import Filter

ALLOWED_TAGS = frozenset({"p", "br", "strong", "em", "ul", "ol", "li", "h2", "h3"})

# Elements removed together with everything inside them.
DROPPED_WITH_CONTENT = frozenset(
    {
        "script", "style", "svg", "math", "iframe", "frame", "frameset", "object", "embed", "applet",
        "noscript", "noembed", "noframes", "template", "textarea", "select", "title", "xmp", "head",
        "canvas", "audio", "video", "plaintext",
    }
)


class _DropContent(Filter):  # type: ignore[misc]
    """Leaves out every token from the start of a dropped element to its matching end."""

    def __iter__(self) -> Iterator[dict[str, Any]]:
        depth = 0
        for token in super().__iter__():
            kind = token["type"]
            name = str(token.get("name", "")).lower()
            if name in DROPPED_WITH_CONTENT:
                if kind == "StartTag":
                    depth += 1
                    continue
                if kind == "EndTag":
                    depth = max(0, depth - 1)
                    continue
                if kind == "EmptyTag":
                    continue
            if depth == 0:
                yield token


# The first pass lets the dropped elements through the sanitiser only so the filter can see where
# they start and end; it takes them out with their content. The second pass is the allow-list alone.
_FIRST = bleach.Cleaner(
    tags=ALLOWED_TAGS | DROPPED_WITH_CONTENT,
    attributes={},
    protocols=[],
    strip=True,
    strip_comments=True,
    filters=[_DropContent],
)
_SECOND = bleach.Cleaner(tags=ALLOWED_TAGS, attributes={}, protocols=[], strip=True, strip_comments=True)


def clean_html(text: str | None) -> str:
    """The text with only the allowed formatting left, safe to put on a page as HTML."""
    if not text:
        return ""
    return _SECOND.clean(_FIRST.clean(str(text))).strip()


# GOV.UK Frontend styles classes, not bare elements: after cleaning no tag has attributes, so each
# allowed opening tag is exactly "<name>" and can be given its class by plain replacement.
_GOVUK_CLASSES = {
    "p": "govuk-body",
    "h2": "govuk-heading-m",
    "h3": "govuk-heading-s",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
}


def govuk_html(text: str | None) -> str:
    """``clean_html``, with the GOV.UK Frontend classes on paragraphs, headings and lists."""
    cleaned = clean_html(text)
    for tag, classes in _GOVUK_CLASSES.items():
        cleaned = cleaned.replace(f"<{tag}>", f'<{tag} class="{classes}">')
    return cleaned
