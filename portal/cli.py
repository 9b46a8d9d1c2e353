"""``flask`` commands: database, demo data, agency set-up, staff accounts and translations.

Flask-Migrate provides ``flask db upgrade``; the rest are here.
"""

from __future__ import annotations

import subprocess
import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from portal.config import ROOT

i18n = AppGroup("translate", help="Extract, update and compile the translation catalogues.")
staff_cli = AppGroup("staff", help="Staff accounts.")
agency_cli = AppGroup("agency", help="The agency and its partner authorities.")
demo_cli = AppGroup("demo", help="Demonstration data (refused in production).")
applications_cli = AppGroup("applications", help="Applications to adopt.")

BABEL_CFG = ROOT / "babel.cfg"
POT = ROOT / "translations" / "messages.pot"
TRANSLATIONS = ROOT / "translations"


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True)


def extract_catalogue(output: str) -> None:
    _pybabel(
        "extract", "--no-location", "--sort-output", "-F", str(BABEL_CFG),
        "-k", "_l", "-k", "lazy_gettext", "-o", output, str(ROOT),
    )


@i18n.command("extract")
def translate_extract() -> None:
    """Write translations/messages.pot from the code and templates."""
    extract_catalogue(str(POT))


@i18n.command("update")
def translate_update() -> None:
    """Extract, then merge new messages into every locale's catalogue."""
    extract_catalogue(str(POT))
    _pybabel("update", "--no-fuzzy-matching", "-i", str(POT), "-d", str(TRANSLATIONS))


@i18n.command("compile")
def translate_compile() -> None:
    """Compile every locale's catalogue to .mo files."""
    _pybabel("compile", "--statistics", "-d", str(TRANSLATIONS))


@i18n.command("init")
@click.argument("locale")
def translate_init(locale: str) -> None:
    """Start a catalogue for a new language."""
    _pybabel("init", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", locale)


@staff_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.password_option()
def staff_create(email: str, name: str, password: str) -> None:
    """Create a staff account; the person sets up their authenticator app at first sign-in."""
    from portal.accounts.rules import create_staff, find_staff_by_email
    from portal.core.db import db

    if find_staff_by_email(email):
        raise click.ClickException("a staff account with that email address exists already")
    try:
        create_staff(email, name, password)
    except ValueError as error:
        raise click.ClickException("the password must be 8 to 128 characters") from error
    db.session.commit()
    click.echo("Staff account created.")


@agency_cli.command("add-authority")
@click.argument("name")
@click.option("--hub", is_flag=True, help="The authority hosts the hub.")
def agency_add_authority(name: str, hub: bool) -> None:
    """Add a partner authority; it appears in every list at once."""
    from portal.agency.rules import add_authority
    from portal.core.db import db

    try:
        authority = add_authority(name, hub=hub)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Added {authority.name}.")


@agency_cli.command("set-cap")
@click.argument("authority")
@click.argument("year", type=int)
@click.argument("places", type=int)
def agency_set_cap(authority: str, year: int, places: int) -> None:
    """Set the step-parent assessment places an authority funds in a financial year."""
    from portal.agency.rules import find_authority_by_name, set_cap
    from portal.core.db import db

    found = find_authority_by_name(authority)
    if found is None:
        raise click.ClickException("no partner authority has that name")
    try:
        set_cap(found, year, places)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo("Saved.")


@agency_cli.command("set-fund-limit")
@click.argument("year", type=int)
@click.argument("pounds", type=int)
def agency_set_fund_limit(year: int, pounds: int) -> None:
    """Set the Adoption and Special Guardianship Support Fund's limit per child for the financial
    year starting in YEAR (for example: 2025 3000 for 2025/26)."""
    from portal.core.db import db
    from portal.support.plan_rules import set_fund_limit

    try:
        set_fund_limit(year, pounds * 100)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo("Saved.")


@demo_cli.command("load")
def demo_load() -> None:
    """Load the demonstration agency, staff and enquiries (development and test only)."""
    from portal.demo import DemoRefused, load_demo

    try:
        summary = load_demo()
    except DemoRefused as error:
        raise click.ClickException(str(error)) from error
    click.echo(summary)


@applications_cli.command("send-reminders")
def applications_send_reminders() -> None:
    """Remind applicants whose break between the stages ends within two weeks (run it daily)."""
    from portal.adopting.assessment_rules import send_break_reminders
    from portal.core.db import db
    from portal.core.timescales import today_london

    # The reminders carry a link to the portal, which needs a request to build.
    with current_app.test_request_context():
        sent = send_break_reminders(today_london())
        db.session.commit()
    click.echo(f"Reminders sent: {sent}")


def init_app(app: Flask) -> None:
    for group in (i18n, staff_cli, agency_cli, demo_cli, applications_cli):
        app.cli.add_command(group)

