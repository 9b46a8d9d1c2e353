"""The adoption portal. ``create_app()`` builds it; nothing runs at import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from portal import config as settings


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        static_folder=str(settings.ROOT / "static"),
        static_url_path="/assets",
        template_folder=str(settings.ROOT / "templates"),
    )
    app.config.update(settings.load(test_config))
    if str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite:///"):
        # The embedded default keeps its SQLite file in the instance folder; make sure it exists.
        Path(app.config["INSTANCE_DIR"]).mkdir(parents=True, exist_ok=True)
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(settings.ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    # The originals behind our thin translated wrappers in templates/govuk_frontend_jinja/.
                    "govuk_frontend_jinja_original": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    from govuk_frontend_wtf.main import WTFormsHelpers

    from portal import cli, errors, extensions
    from portal.accounts import sessions
    from portal.core import db, delivery, i18n, security

    db.init_app(app)
    extensions.migrate.init_app(app, db.db, directory=str(settings.ROOT / "portal" / "migrations"))
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    sessions.init_app(app)
    WTFormsHelpers(app)
    from portal.core.forms import error_summary_items

    app.add_template_global(error_summary_items)
    errors.init_app(app)
    cli.init_app(app)
    delivery.init_app(app)

    from portal.accounts.admin import bp as staff_admin_bp
    from portal.accounts.public import bp as accounts_public_bp
    from portal.accounts.sso import bp as accounts_sso_bp
    from portal.accounts.staff import bp as accounts_bp
    from portal.accounts.staff_invites import bp as public_invites_bp
    from portal.adopting.application_public import bp as application_public_bp
    from portal.adopting.application_staff import bp as application_staff_bp
    from portal.adopting.public import bp as adopting_public_bp
    from portal.adopting.registration_public import bp as registration_public_bp
    from portal.adopting.reports_staff import bp as adopter_reports_bp
    from portal.adopting.staff import bp as adopting_staff_bp
    from portal.adopting.training_staff import bp as training_staff_bp
    from portal.agency.public import bp as agency_public_bp
    from portal.agency.staff import bp as agency_staff_bp
    from portal.backoffice.staff import bp as backoffice_bp
    from portal.requests.public import bp as requests_public_bp
    from portal.requests.staff import bp as requests_staff_bp
    from portal.agency.content import bp as agency_content_bp
    from portal.support.family import bp as support_family_bp
    from portal.support.public import bp as support_public_bp
    from portal.support.staff import bp as support_staff_bp

    for blueprint in (
        agency_public_bp,
        adopting_public_bp,
        accounts_bp,
        accounts_public_bp,
        accounts_sso_bp,
        staff_admin_bp,
        public_invites_bp,
        backoffice_bp,
        adopting_staff_bp,
        agency_staff_bp,
        requests_public_bp,
        requests_staff_bp,
        registration_public_bp,
        application_public_bp,
        application_staff_bp,
        training_staff_bp,
        adopter_reports_bp,
        support_public_bp,
        support_family_bp,
        support_staff_bp,
        agency_content_bp,
    ):
        app.register_blueprint(blueprint)

    from portal.core.access import public

    def static(filename: str) -> Any:
        return app.send_static_file(filename)

    # Static files are public by nature; the endpoint gets its access decision like every other.
    app.view_functions["static"] = public(static)
    return app
