"""Production entry point: gunicorn wsgi:app. Refuses to start on an un-migrated database."""

from sefvoice import create_app

app = create_app()
