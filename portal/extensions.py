"""Extension objects; each is bound to the app in create_app()."""

from __future__ import annotations

import logging

from flask import current_app, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from portal.core.db import db

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
migrate = Migrate()
def _form_post_limit() -> str:
    return str(current_app.config["FORM_POST_LIMIT"])


# Flask-Limiter names the client's address when a limit is hit; addresses are personal data, so
# only its warnings and errors are logged.
logging.getLogger("flask-limiter").setLevel(logging.WARNING)

limiter = Limiter(
    key_func=get_remote_address,
    default_limits=[_form_post_limit],
    # Every form POST is limited; pages people read are not.
    default_limits_exempt_when=lambda: request.method != "POST",
)

__all__ = ["babel", "csrf", "db", "limiter", "login_manager", "migrate"]
