"""The staff side of requests: the queue, triage, allocation, contact, messages and closing."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("requests_staff", __name__, url_prefix="/staff/requests")
