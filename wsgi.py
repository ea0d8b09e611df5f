"""The WSGI entry point (gunicorn wsgi:app) and the ``flask`` CLI's app (FLASK_APP=wsgi)."""

import sys

from hotline import ConfigurationError, create_app

#: gunicorn's exit status for "the app failed to load": its master stops, where any other status
#: would have it boot worker after worker, each failing the same way
APP_LOAD_ERROR = 4

try:
    app = create_app()
except ConfigurationError as exc:
    # refuse to start, saying why (no traceback): gunicorn, `flask run` and `flask flows check` alike
    print(f"hotline cannot start: {exc}", file=sys.stderr)
    raise SystemExit(APP_LOAD_ERROR) from None
