"""Access decisions. Every route carries exactly one, and a test checks that against the URL map.

Categories:
- ``public``: anyone, signed in or not;
- ``account_signing_in``: someone part-way through signing in to a public account (password given,
  code not yet);
- ``account``: a person signed in to their public account with both factors;
- ``staff_signing_in``: someone part-way through staff sign-in;
- ``staff``: any member of staff signed in with both factors;
- ``staff:<role>,<role>``: staff holding at least one of those roles.

Which objects a signed-in person may see (their own application, their authority's cases) is decided
in the queries, by relationship, never by knowing an id: asking for someone else's gets a 404.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, redirect, request, session, url_for
from flask_login import current_user

F = TypeVar("F", bound=Callable[..., Any])

BASE_CATEGORIES = ("public", "account_signing_in", "account", "staff_signing_in", "staff")


def _mark(view: Callable[..., Any], category: str) -> None:
    if getattr(view, "access", None) is not None:
        raise RuntimeError(f"{view.__name__} already has an access decision")
    view.access = category  # type: ignore[attr-defined]


def _next() -> str | None:
    return request.full_path.rstrip("?") if request.method == "GET" else None


def public(view: F) -> F:
    """Anyone may use this route."""
    _mark(view, "public")
    return view


def is_staff() -> bool:
    return bool(current_user.is_authenticated and getattr(current_user, "is_staff", False))


def is_account_holder() -> bool:
    return bool(current_user.is_authenticated and not getattr(current_user, "is_staff", True))


def _signing_in(key: str, sign_in_endpoint: str, category: str) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not session.get(key):
                return redirect(url_for(sign_in_endpoint))
            return view(*args, **kwargs)

        _mark(wrapped, category)
        return wrapped  # type: ignore[return-value]

    return decorator


staff_signing_in = _signing_in("pending_staff", "accounts.staff_sign_in", "staff_signing_in")
staff_signing_in.__doc__ = "Only someone who has given a staff password in this session."
account_signing_in = _signing_in("pending_account", "accounts_public.sign_in", "account_signing_in")
account_signing_in.__doc__ = "Only someone who has given their account password in this session."


def account(view: F) -> F:
    """Only a person signed in to a public account. Staff are not account holders: 404."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return redirect(url_for("accounts_public.sign_in", next=_next()))
        if not is_account_holder():
            abort(404)
        return view(*args, **kwargs)

    _mark(wrapped, "account")
    return wrapped  # type: ignore[return-value]


def _staff_guard(view: F, roles: frozenset[str], category: str) -> F:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return redirect(url_for("accounts.staff_sign_in", next=_next()))
        if not is_staff():
            abort(404)
        if roles and not current_user.has_role(*roles):
            abort(403)
        return view(*args, **kwargs)

    _mark(wrapped, category)
    return wrapped  # type: ignore[return-value]


def staff(view: F) -> F:
    """Any member of staff signed in with both factors. Anyone else is sent to staff sign-in."""
    return _staff_guard(view, frozenset(), "staff")


def staff_with(roles: Iterable[str]) -> Callable[[F], F]:
    """Staff holding at least one of these roles; other staff get 403."""
    wanted = frozenset(str(r) for r in roles)

    def decorator(view: F) -> F:
        return _staff_guard(view, wanted, "staff:" + ",".join(sorted(wanted)))

    return decorator


def access_of(view: Callable[..., Any]) -> str | None:
    return getattr(view, "access", None)


def is_known_category(category: str) -> bool:
    if category in BASE_CATEGORIES:
        return True
    if category.startswith("staff:"):
        from portal.accounts.models import StaffRole

        return all(role in {r.value for r in StaffRole} for role in category[6:].split(","))
    return False
