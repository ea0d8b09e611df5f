"""The WSGI entry point (gunicorn wsgi:app) and the ``flask`` CLI's app (FLASK_APP=wsgi)."""

from hotline import ConfigurationError, create_app

try:
    app = create_app()
except ConfigurationError as exc:
    # refuse to start, saying why (no traceback): gunicorn, `flask run` and `flask flows check` alike
    raise SystemExit(f"hotline cannot start: {exc}") from None
