"""The one place an app is built for a server: ``gunicorn portal.wsgi:app``."""

from portal import create_app

app = create_app()
