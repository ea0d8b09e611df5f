"""The operator console: server-rendered pages under ``/console`` for operators and administrators.

One parent blueprint holds what every page shares: a login for everything but the login page, a
CSRF check on every POST, the security headers, the static files. Each page is a child blueprint
of its own module (``today``, ``calls``, ``callbacks``, ``conversations``, ``audit_log``), and
``auth`` logs people in and out. ``flask operator`` (``cli.py``) creates the accounts. The
Twilio webhooks are not under ``/console`` and see none of this: their signatures guard them.
"""

from datetime import timedelta
from pathlib import Path

from flask import Flask, redirect, url_for
from flask_babel import get_locale

from hotline.console import models  # noqa: F401  (the tables, for migrations)
from hotline.console.extensions import babel, csrf, login_manager

HERE = Path(__file__).resolve().parent


def configure(app: Flask) -> None:
    """The console's settings, unless the app was given its own (tests give smaller limits)."""
    config = app.config
    config.setdefault("CONSOLE_LOGIN_ATTEMPTS_PER_ACCOUNT", 5)
    config.setdefault("CONSOLE_LOGIN_ATTEMPTS_PER_ADDRESS", 30)  # an office shares one address
    config.setdefault("CONSOLE_LOGIN_WINDOW_MINUTES", 15)
    config.setdefault("CONSOLE_PAGE_SIZE", 50)
    config["SESSION_COOKIE_HTTPONLY"] = True
    config["SESSION_COOKIE_SAMESITE"] = "Lax"
    # a cookie sent over plain http could be read on the way: https deployments send it only over https
    config["SESSION_COOKIE_SECURE"] = config["PUBLIC_BASE_URL"].startswith("https://")
    config.setdefault("PERMANENT_SESSION_LIFETIME", timedelta(hours=12))  # a working day, then log in again
    config["WTF_CSRF_CHECK_DEFAULT"] = False  # checked by the console's guard: /twilio/* has signatures
    config["WTF_CSRF_TIME_LIMIT"] = None  # a token lives as long as its session (a form left open for hours)
    config["BABEL_DEFAULT_LOCALE"] = "ky"
    config["BABEL_DEFAULT_TIMEZONE"] = config["OPERATOR_TIMEZONE"]  # the office's clock
    config["BABEL_TRANSLATION_DIRECTORIES"] = str(HERE / "translations")


def init_app(app: Flask) -> None:
    """Bind the console's extensions, register its pages and the ``flask operator`` commands."""
    from hotline.console.cli import operator_cli
    from hotline.console.numbers import show_number
    from hotline.console.timefmt import ago, duration, local_time, their_time, waited
    from hotline.console.site import bp, select_locale

    configure(app)
    login_manager.init_app(app)
    login_manager.login_view = "console.auth.login"
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["show_number"] = show_number
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["duration"] = duration
    app.jinja_env.filters["their_time"] = their_time
    app.jinja_env.filters["waited"] = waited
    app.jinja_env.filters["ago"] = ago
    app.jinja_env.globals["get_locale"] = get_locale
    app.register_blueprint(bp)
    app.add_url_rule("/", "console_home", lambda: redirect(url_for("console.today.index")))
    app.cli.add_command(operator_cli)
