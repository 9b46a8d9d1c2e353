"""Settings, read from the environment.

The defaults are safe for production and fine to publish: with no settings at all the portal refuses
to start in production mode, because a production deployment must name its own secret key and
database. The README's run command sets ``PORTAL_ENV=development``, which gives the zero-set-up
default: a SQLite file, jobs in-process and emails kept in the outbox.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

LOCALES: dict[str, dict[str, str]] = {
    # Each language is offered in its own name, so a person who reads only that language finds it.
    "en": {"name": "English", "dir": "ltr"},
    "cy": {"name": "Cymraeg", "dir": "ltr"},
    "pl": {"name": "Polski", "dir": "ltr"},
    "ur": {"name": "اردو", "dir": "rtl"},
    "pa": {"name": "ਪੰਜਾਬੀ", "dir": "ltr"},
}


class ConfigError(RuntimeError):
    """Raised when the environment does not describe a deployment the portal can safely run."""


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    overrides = overrides or {}
    env = str(overrides.get("PORTAL_ENV") or os.environ.get("PORTAL_ENV", "production")).strip().lower()
    if env not in {"production", "development", "test"}:
        raise ConfigError("PORTAL_ENV must be production, development or test")
    production = env == "production"
    instance = Path(os.environ.get("PORTAL_INSTANCE_DIR", ROOT / "instance"))
    database_url = os.environ.get("DATABASE_URL") or (
        None if production else f"sqlite:///{instance / 'portal.db'}"
    )
    secret = os.environ.get("SECRET_KEY") or (None if production else "development-only-not-secret")

    settings: dict[str, Any] = {
        "PORTAL_ENV": env,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "INSTANCE_DIR": str(instance),
        # Sessions: staff and public sessions end after 30 idle minutes and 12 hours in all.
        "SESSION_IDLE_TIMEOUT": timedelta(minutes=int(os.environ.get("SESSION_IDLE_MINUTES", "30"))),
        "SESSION_ABSOLUTE_TIMEOUT": timedelta(hours=int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12"))),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "SESSION_COOKIE_NAME": "__Host-session" if production else "session",
        "SESSION_COOKIE_SECURE": production or _bool(os.environ.get("SECURE_COOKIES"), False),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": timedelta(seconds=0),
        "WTF_CSRF_TIME_LIMIT": 3600,
        "WTF_CSRF_SSL_STRICT": production,
        "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_STRATEGY": "fixed-window",
        "RATELIMIT_ENABLED": _bool(os.environ.get("RATELIMIT_ENABLED"), True),
        "RATELIMIT_HEADERS_ENABLED": False,
        "FORM_POST_LIMIT": os.environ.get("FORM_POST_LIMIT", "30 per minute"),
        "SIGN_IN_LIMIT": os.environ.get("SIGN_IN_LIMIT", "10 per minute"),
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "Europe/London",
        "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "translations"),
        "LOCALES": LOCALES,
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000"),
        "HSTS": "max-age=31536000; includeSubDomains",
        "TOTP_ISSUER": os.environ.get("TOTP_ISSUER", "Adoption portal"),
        # Email delivery: "outbox" keeps every message in the outbox for staff to read (the embedded
        # default), "smtp" sends through an SMTP server, "notify" through GOV.UK Notify.
        "MAIL_BACKEND": os.environ.get("MAIL_BACKEND", "outbox"),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "no-reply@adoption-portal.invalid"),
        "SMTP_HOST": os.environ.get("SMTP_HOST", "127.0.0.1"),
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", "25")),
        "SMTP_USERNAME": os.environ.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _bool(os.environ.get("SMTP_STARTTLS"), production),
        "NOTIFY_API_KEY": os.environ.get("NOTIFY_API_KEY", ""),
        "NOTIFY_BASE_URL": os.environ.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk"),
        "NOTIFY_EMAIL_TEMPLATE_ID": os.environ.get("NOTIFY_EMAIL_TEMPLATE_ID", ""),
        # In the embedded default a worker thread inside the app delivers the outbox, so nothing waits.
        "OUTBOX_WORKER_IN_PROCESS": _bool(os.environ.get("OUTBOX_WORKER_IN_PROCESS"), env == "development"),
        "OUTBOX_MAX_ATTEMPTS": int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "8")),
        # Where "Exit this page" goes: an ordinary, harmless page on another site.
        "EXIT_PAGE_URL": os.environ.get("EXIT_PAGE_URL", "https://www.bbc.co.uk/weather"),
        # Staff single sign-on (OpenID Connect). Off unless an issuer is configured.
        "OIDC_ISSUER": os.environ.get("OIDC_ISSUER", ""),
        "OIDC_CLIENT_ID": os.environ.get("OIDC_CLIENT_ID", ""),
        "OIDC_CLIENT_SECRET": os.environ.get("OIDC_CLIENT_SECRET", ""),
    }
    settings.update(overrides)
    if settings["PORTAL_ENV"] == "production":
        missing = [k for k in ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI") if not settings.get(k)]
        if missing:
            raise ConfigError("production needs these settings: " + ", ".join(missing))
    return settings
