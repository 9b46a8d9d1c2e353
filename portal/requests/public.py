"""The public side of requests: choose a kind, answer a few questions, check, send, and follow it."""

from __future__ import annotations

from flask import Blueprint

from portal.requests import models  # noqa: F401  (the tables exist wherever the blueprint does)

bp = Blueprint("requests_public", __name__, url_prefix="/requests")
