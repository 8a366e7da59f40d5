"""WSGI entry point for any server: ``gunicorn wsgi:app``."""

from academy import create_app

app = create_app()
