"""Languages: choosing one, remembering it, and giving templates the page's lang and dir.

The choice comes from ``?lang=xx`` (remembered in the session, then the address is cleaned so the
parameter does not follow people around), then the remembered choice, then a signed-in person's
profile, then the browser's Accept-Language, then English.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Flask, current_app, redirect, request, session
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from werkzeug.wrappers import Response

from portal.extensions import babel


def supported() -> list[str]:
    return list(current_app.config["LOCALES"])


def select_locale() -> str:
    codes = supported()
    chosen = session.get("lang")
    if chosen in codes:
        return str(chosen)
    return request.accept_languages.best_match(codes) or codes[0]


def current_locale() -> str:
    return str(get_locale() or "en")


def text_direction(code: str | None = None) -> str:
    code = code or current_locale()
    return str(current_app.config["LOCALES"].get(code, {}).get("dir", "ltr"))


def switch_url(code: str) -> str:
    """The current page's address asking for another language."""
    args = request.args.to_dict(flat=True)
    args["lang"] = code
    return f"{request.path}?{urlencode(args)}"


def remember_choice() -> Response | None:
    code = request.args.get("lang")
    if code is None:
        return None
    if code in supported():
        session["lang"] = code
    if request.method in {"GET", "HEAD"}:
        args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
        target = request.path + (f"?{urlencode(args)}" if args else "")
        return redirect(target, code=303)
    return None


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.before_request(remember_choice)

    @app.context_processor
    def language_context() -> dict[str, Any]:
        code = current_locale()
        return {
            "page_lang": code,
            "page_dir": text_direction(code),
            "languages": [
                {"code": c, "name": meta["name"], "dir": meta["dir"]}
                for c, meta in app.config["LOCALES"].items()
            ],
            "language_switch_url": switch_url,
        }

    app.jinja_env.filters["date"] = lambda value, fmt="d MMMM yyyy": format_date(value, fmt)
    app.jinja_env.filters["datetime"] = lambda value, fmt="d MMMM yyyy, HH:mm": format_datetime(value, fmt)
    app.jinja_env.filters["number"] = format_decimal
