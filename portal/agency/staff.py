"""Staff screens for the agency's own data. (Full administration comes with the back office.)"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.accounts.models import StaffRole
from portal.accounts.rules import scope_of
from portal.agency.forms import CapForm
from portal.agency.rules import caps_for_year, financial_year, find_authority, set_cap
from portal.core.access import staff_with
from portal.core.timescales import today_london

bp = Blueprint("agency_staff", __name__, url_prefix="/staff/authorities")


@bp.route("/<slug>/step-parent-places", methods=["GET", "POST"])
@staff_with([StaffRole.TEAM_MANAGER, StaffRole.ADMINISTRATOR])
def edit_cap(slug: str) -> str | Response:
    authority = find_authority(slug)
    scope = scope_of(current_user)
    if authority is None or (scope is not None and authority.id != scope):
        abort(404)
    year = financial_year(today_london())
    form = CapForm()
    if form.validate_on_submit():
        set_cap(authority, year, int(form.places.data))
        flash(_("Step-parent assessment places saved."), "success")
        return redirect(url_for("adopting_staff.list_enquiries"))
    if not form.is_submitted():
        form.places.data = str(caps_for_year(year).get(authority.id, 0))
    return render_template("agency/edit-cap.html", form=form, authority=authority, year=year)
