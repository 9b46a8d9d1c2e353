"""Administrators write the agency's own content, in every language.

Each piece of content has a key (for example what adoption support the agency offers). A language
without its own text shows the agency's English, and without that the built-in English text (see
portal.support.content_defaults). Text is sanitised when it is saved and again when it is shown.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from portal.accounts.models import StaffRole
from portal.agency.content_forms import CONTENT_LIMIT, ContentForm
from portal.agency.rules import content_keys, content_state, get_content, set_content
from portal.core.access import staff_with
from portal.core.sanitise import govuk_html

bp = Blueprint("agency_content", __name__, url_prefix="/staff/content")

KEY_LABELS = {"support_offer": _l("What support you can get (adoption support)")}
STATE_LABELS = {"set": _l("Set"), "english": _l("Using English"), "default": _l("Default")}


def _slug(key: str) -> str:
    return key.replace("_", "-")


def _key(slug: str) -> str:
    key = slug.replace("-", "_")
    if "_" in slug or key not in content_keys():
        abort(404)
    return key


def _locales() -> dict[str, dict[str, str]]:
    return dict(current_app.config["LOCALES"])


@bp.get("/")
@staff_with([StaffRole.ADMINISTRATOR])
def list_content() -> str:
    locales = _locales()
    rows = [
        {
            "key": key,
            "label": KEY_LABELS.get(key, key),
            "cells": [(code, info, content_state(key, code)) for code, info in locales.items()],
            "slug": _slug(key),
        }
        for key in content_keys()
    ]
    return render_template("agency/staff-content.html", rows=rows, states=STATE_LABELS)


@bp.route("/<key_slug>/<locale>", methods=["GET", "POST"])
@staff_with([StaffRole.ADMINISTRATOR])
def edit_content(key_slug: str, locale: str) -> str | Response:
    key = _key(key_slug)
    locales = _locales()
    if locale not in locales:
        abort(404)
    form = ContentForm()
    if form.validate_on_submit():
        set_content(key, locale, form.body.data or "", current_user)
        flash(str(_l("Content saved. Check the preview below.")), "success")
        return redirect(url_for(".edit_content", key_slug=key_slug, locale=locale))
    state = content_state(key, locale)
    if not form.is_submitted() and state == "set":
        # Only this language's own text: saving the box unchanged must not copy the English into it.
        form.body.data = get_content(key, locale)
    preview = Markup(govuk_html(get_content(key, locale)))  # noqa: S704  (sanitised just now)
    return render_template(
        "agency/staff-content-edit.html",
        form=form,
        key_label=KEY_LABELS.get(key, key),
        locale=locale,
        language=locales[locale],
        state=state,
        states=STATE_LABELS,
        preview=preview,
        limit=CONTENT_LIMIT,
    )
