"""The public "What support you can get" page: the agency's own text about adoption support, in the
reader's language where the agency has written it (English otherwise), and how to ask for support."""

from __future__ import annotations

from flask import current_app, render_template
from markupsafe import Markup

from portal.agency.rules import content_state, get_content
from portal.core.access import public
from portal.core.i18n import current_locale
from portal.core.sanitise import govuk_html
from portal.support.content_defaults import SUPPORT_OFFER
from portal.support.public import bp



@bp.get("/")
@public
def support_offer() -> str:
    locale = current_locale()
    own = get_content(SUPPORT_OFFER, locale)
    # Which language the text is in, so screen readers pronounce it right: the reader's language
    # only when the agency wrote it in that language.
    content_locale = locale if content_state(SUPPORT_OFFER, locale) == "set" else "en"
    # Stored text was sanitised when it was saved; it is sanitised again here because this is the
    # only place it becomes markup, whatever route it took into the database.
    body = Markup(govuk_html(own))  # noqa: S704
    return render_template(
        "support/offer.html",
        body=body,
        content_locale=content_locale,
        content_dir=current_app.config["LOCALES"].get(content_locale, {}).get("dir", "ltr"),
    )
