"""Access decisions. Every route carries exactly one, and a test checks that against the URL map.

Categories:
- ``public``: anyone, signed in or not;
- ``staff_signing_in``: someone part-way through staff sign-in (password given, second factor not yet);
- ``staff``: a staff member signed in with both factors.
Later categories (public account holder, party to an object, staff role in an authority) are added
here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, redirect, request, session, url_for
from flask_login import current_user

F = TypeVar("F", bound=Callable[..., Any])

CATEGORIES = ("public", "staff_signing_in", "staff")


def _mark(view: Callable[..., Any], category: str) -> None:
    if getattr(view, "access", None) is not None:
        raise RuntimeError(f"{view.__name__} already has an access decision")
    view.access = category  # type: ignore[attr-defined]


def public(view: F) -> F:
    """Anyone may use this route."""
    _mark(view, "public")
    return view


def staff_signing_in(view: F) -> F:
    """Only someone who has given a staff password in this session and has not finished signing in."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not session.get("pending_staff"):
            return redirect(url_for("accounts.staff_sign_in"))
        return view(*args, **kwargs)

    _mark(wrapped, "staff_signing_in")
    return wrapped  # type: ignore[return-value]


def is_staff() -> bool:
    return bool(current_user.is_authenticated and getattr(current_user, "is_staff", False))


def staff(view: F) -> F:
    """Only staff signed in with both factors. Anyone else is sent to staff sign-in."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            target = request.full_path if request.method == "GET" else None
            return redirect(url_for("accounts.staff_sign_in", next=target))
        if not is_staff():
            abort(404)
        return view(*args, **kwargs)

    _mark(wrapped, "staff")
    return wrapped  # type: ignore[return-value]


def access_of(view: Callable[..., Any]) -> str | None:
    return getattr(view, "access", None)
