from __future__ import annotations

from flask import Blueprint, abort, render_template

from portal.adopting import rules as enquiry_rules
from portal.core import audit, outbox
from portal.core.access import staff

bp = Blueprint("backoffice", __name__, url_prefix="/staff")


@bp.get("/")
@staff
def home() -> str:
    return render_template("backoffice/home.html", open_enquiries=enquiry_rules.count_open())


@bp.get("/outbox")
@staff
def list_outbox() -> str:
    audit.record("outbox_viewed", "outbox", "all")
    return render_template("backoffice/outbox.html", messages=outbox.recent())


@bp.get("/outbox/<public_id>")
@staff
def view_outbox_message(public_id: str) -> str:
    message = outbox.find(public_id)
    if message is None:
        abort(404)
    audit.record("outbox_message_viewed", "outbox_message", message.public_id)
    return render_template("backoffice/outbox-message.html", message=message)
