"""The public pages every agency has: start, contact, accessibility, privacy, cookies."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from portal.agency.rules import get_agency, list_authorities
from portal.core.access import public

bp = Blueprint("agency", __name__)


@bp.get("/")
@public
def start() -> str:
    return render_template("agency/start.html")


@bp.get("/contact")
@public
def contact() -> str:
    return render_template("agency/contact.html", authorities=list_authorities())


@bp.get("/accessibility")
@public
def accessibility() -> str:
    return render_template("agency/accessibility.html")


@bp.get("/privacy")
@public
def privacy() -> str:
    return render_template("agency/privacy.html")


@bp.get("/cookies")
@public
def cookies() -> str:
    return render_template("agency/cookies.html")


@bp.app_context_processor
def agency_context() -> dict[str, object]:
    # One small query per page: the agency's name and contact details appear in every layout. The
    # safe site "Exit this page" leaves for is set once for the deployment (EXIT_PAGE_URL).
    return {"agency": get_agency(), "exit_page_url": current_app.config["EXIT_PAGE_URL"]}
