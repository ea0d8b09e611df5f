"""The WSGI entry point (gunicorn wsgi:app) and the ``flask`` CLI's app (FLASK_APP=wsgi)."""

from hotline import create_app

app = create_app()
