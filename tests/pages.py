"""Checks every rendered page must pass, run on each HTML response the test client receives."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from xml.etree.ElementTree import Element

import html5lib

NONCE = re.compile(r"'nonce-([^']+)'")


class PageCheckError(AssertionError):
    pass


@dataclass
class Page:
    tree: Element
    html: str

    def text(self, element: Element) -> str:
        return " ".join("".join(element.itertext()).split())

    def find_all(self, tag: str) -> list[Element]:
        return list(self.tree.iter(tag))

    def by_class(self, name: str) -> list[Element]:
        return [e for e in self.tree.iter() if name in (e.get("class") or "").split()]

    @property
    def h1(self) -> str:
        return self.text(self.find_all("h1")[0])

    @property
    def title(self) -> str:
        return self.text(self.find_all("title")[0])


def parse(html: str) -> Page:
    parser = html5lib.HTMLParser(tree=html5lib.treebuilders.getTreeBuilder("etree"), namespaceHTMLElements=False)
    tree = parser.parse(html)
    if parser.errors:
        # Position and error name only: enough to find the fault in the template.
        raise PageCheckError(f"HTML parse errors: {parser.errors[:5]}")
    return Page(tree=tree, html=html)


def check_page(html: str, csp: str | None, error_prefix: str) -> Page:
    page = parse(html)
    root = page.tree
    lang = root.get("lang")
    direction = root.get("dir")
    if not lang or direction not in {"ltr", "rtl"}:
        raise PageCheckError(f"<html> needs lang and dir, got lang={lang!r} dir={direction!r}")
    if (direction == "rtl") != (lang == "ur"):
        raise PageCheckError(f"dir={direction} does not suit lang={lang}")
    headings = page.find_all("h1")
    if len(headings) != 1:
        raise PageCheckError(f"expected one h1, found {len(headings)}")
    h1 = page.h1
    title = page.title
    prefix = error_prefix
    has_errors = bool(page.by_class("govuk-error-summary"))
    if has_errors:
        if not title.startswith(f"{prefix} {h1}"):
            raise PageCheckError(f"title {title!r} should start with {prefix!r} and the h1 {h1!r}")
    elif not title.startswith(h1):
        raise PageCheckError(f"title {title!r} should start with the h1 {h1!r}")
    ids = Counter(e.get("id") for e in root.iter() if e.get("id"))
    repeated = [i for i, n in ids.items() if n > 1]
    if repeated:
        raise PageCheckError(f"ids used more than once: {repeated}")
    nonce_match = NONCE.search(csp or "")
    for script in page.find_all("script"):
        if script.get("src"):
            continue
        if not nonce_match or script.get("nonce") != nonce_match.group(1):
            raise PageCheckError("an inline script lacks this response's CSP nonce")
    return page
