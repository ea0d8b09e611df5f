"""The hotline: a Flask application answering Twilio voice and SMS webhooks from the directory."""

from flask import Flask

from hotline.config import VAR, SettingError, settings_from_env
from hotline.sessions import BrowserSessionInterface


class ConfigurationError(RuntimeError):
    """The app cannot start: invalid flows, prompts or settings (the message says which)."""


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app: settings from the environment (or ``test_config``), extensions, blueprints."""
    app = Flask(__name__)
    app.session_interface = BrowserSessionInterface()
    try:
        app.config.from_mapping(settings_from_env())
    except SettingError as exc:
        raise ConfigurationError(str(exc)) from None
    if test_config:
        app.config.update(test_config)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        VAR.mkdir(exist_ok=True)

    from hotline import callers  # noqa: F401  (its table, for migrations)
    from hotline.extensions import db, migrate

    db.init_app(app)
    migrate.init_app(app, db)

    from hotline.celery_app import celery_init_app

    celery_init_app(app)

    from hotline import callbacks, console, directory, eligibility, health, messaging, prompts, report, simulate, sms, voice

    for feature in (directory, eligibility, health, voice, messaging, sms, callbacks, prompts, simulate, report, console):
        feature.init_app(app)
    return app
