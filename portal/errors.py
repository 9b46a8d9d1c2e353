"""Error pages, in the public layout or, for staff addresses, the staff layout.

An expired or missing form token is not the person's fault: when the form came from our own pages
(the browser says so in the Origin header) we show their answers back in a fresh form they can send
again, so nothing they typed is lost. A post from anywhere else gets a plain error.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger("portal.errors")

HANDLED = (400, 403, 404, 405, 409, 413, 429, 500)


def _layout() -> str:
    return "layouts/staff.html" if request.path.startswith("/staff") else "layouts/public.html"


def _same_origin() -> bool:
    origin = request.headers.get("Origin")
    if not origin:
        return False
    ours = urlsplit(request.host_url)
    theirs = urlsplit(origin)
    return (theirs.scheme, theirs.netloc) == (ours.scheme, ours.netloc)


def render_error(status: int, **context: Any) -> tuple[str, int]:
    return render_template(f"errors/{status}.html", layout=_layout(), **context), status


def conflict_response(original: Response) -> Response:
    """The page for a change that lost a race with someone else's (found only at the commit), with
    the headers the original response was given (security headers, session cookie)."""
    body, status = render_error(409)
    response = make_response(body, status)
    for name, value in original.headers.items():
        if name.lower() not in {"content-type", "content-length", "location"}:
            response.headers[name] = value
    log.warning("conflicting change endpoint=%s", request.endpoint)
    return response


def _log_exception(exc_info: Any) -> None:
    # Flask's own logging prints the exception text, which for a database error includes the values
    # someone typed. Log the endpoint and the exception's type only.
    exc_type = exc_info[0] if exc_info else None
    log.error(
        "unhandled exception endpoint=%s type=%s",
        request.endpoint,
        exc_type.__name__ if exc_type else "none",
    )


def init_app(app: Flask) -> None:
    app.log_exception = _log_exception  # type: ignore[method-assign]

    @app.errorhandler(CSRFError)
    def expired_form(error: CSRFError) -> tuple[str, int]:
        fields: list[tuple[str, str]] = []
        if _same_origin() and request.method == "POST":
            fields = [
                (name, value)
                for name, values in request.form.lists()
                if name != "csrf_token"
                for value in values
            ]
        return render_template(
            "errors/expired-form.html", layout=_layout(), fields=fields, action=request.path
        ), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        status = error.code or 500
        if status not in HANDLED:
            return error
        return render_error(status)

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError) -> tuple[str, int]:
        original = getattr(error, "original_exception", None)
        # Ids and names only: the exception's text may hold what someone typed.
        log.error(
            "server error on endpoint=%s exception=%s",
            request.endpoint,
            type(original).__name__ if original else "none",
        )
        return render_error(500)
