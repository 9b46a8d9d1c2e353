from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.accounts.models import StaffRole
from portal.accounts.rules import scope_of
from portal.adopting import rules as enquiry_rules
from portal.core import audit, outbox
from portal.core.access import staff, staff_with

bp = Blueprint("backoffice", __name__, url_prefix="/staff")

OUTBOX_ROLES = [StaffRole.ADMINISTRATOR, StaffRole.DUTY_WORKER]


@bp.get("/")
@staff
def home() -> str:
    return render_template("backoffice/home.html", open_enquiries=enquiry_rules.count_open(scope_of(current_user)))


@bp.get("/outbox")
@staff_with(OUTBOX_ROLES)
def list_outbox() -> str:
    audit.record("outbox_viewed", "outbox", "all")
    return render_template("backoffice/outbox.html", messages=outbox.recent())


@bp.get("/outbox/<public_id>")
@staff_with(OUTBOX_ROLES)
def view_outbox_message(public_id: str) -> str:
    message = outbox.find(public_id)
    if message is None:
        abort(404)
    audit.record("outbox_message_viewed", "outbox_message", message.public_id)
    return render_template("backoffice/outbox-message.html", message=message, body=outbox.body_for_staff(message))


@bp.app_context_processor
def staff_navigation() -> dict[str, object]:
    """The staff menu: each person sees the sections their roles open."""
    if not (current_user and current_user.is_authenticated and getattr(current_user, "is_staff", False)):
        return {"staff_navigation": []}
    from portal.adopting.staff import ENQUIRY_ROLES

    endpoint = request.endpoint or ""
    items = [("backoffice.home", _l("Home"), endpoint == "backoffice.home")]
    if current_user.has_role(*ENQUIRY_ROLES):
        items.append(("adopting_staff.list_enquiries", _l("Enquiries"), endpoint.startswith("adopting_staff.")))
    from portal.adopting.roles import APPLICATION_ROLES, REPORT_ROLES, TRAINING_ROLES

    if current_user.has_role(*APPLICATION_ROLES):
        items.append(("application_staff.list_applications", _l("Applications"), endpoint.startswith("application_staff.")))
    if current_user.has_role(*TRAINING_ROLES):
        items.append(("training_staff.list_courses", _l("Training"), endpoint.startswith("training_staff.")))
    from portal.support.roles import SUPPORT_ROLES

    if current_user.has_role(*SUPPORT_ROLES):
        items.append(("support_staff.list_referrals", _l("Adoption support"), endpoint.startswith("support_staff.")))
    from portal.requests.staff import REQUEST_ROLES

    if current_user.has_role(*REQUEST_ROLES):
        items.append(("requests_staff.list_requests", _l("Requests"), endpoint.startswith("requests_staff.")))
    if current_user.has_role(*OUTBOX_ROLES):
        items.append(("backoffice.list_outbox", _l("Outbox"), "outbox" in endpoint))
    from portal.accounts.staff_invites import INVITING_ROLES

    if current_user.has_role(*INVITING_ROLES):
        items.append(("public_invites.invite_person", _l("Make an account"), endpoint.startswith("public_invites.")))
    if current_user.has_role(*REPORT_ROLES):
        items.append(("adopter_reports.adopter_report", _l("Recruitment report"), endpoint.startswith("adopter_reports.")))
    if current_user.has_role(StaffRole.ADMINISTRATOR):
        items.append(("staff_admin.list_staff", _l("Staff accounts"), endpoint.startswith("staff_admin.")))
        items.append(("agency_content.list_content", _l("Agency content"), endpoint.startswith("agency_content.")))
    return {
        "staff_navigation": [
            {"href": url_for(target), "text": str(text), "active": active} for target, text, active in items
        ]
    }
