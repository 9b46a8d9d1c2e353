"""Delivering the outbox: the worker, its retries, and the backends (outbox only, SMTP, GOV.UK Notify)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the delivery commands and, in the embedded default, the in-process worker."""
