"""Callback requests: recorded from menus, SMS, missed calls and the fallback URL; dispatched by Celery.

``requests.py`` records a request (one open per number, a daily cap, when to expect the call);
``dispatch.py`` claims due requests for ``place_callback`` (``dialing.py``), paced across workers
(``pacer.py``); ``outcomes.py`` turns Twilio's status callbacks into retries; ``views.py`` holds the
webhooks and ``answer.py`` what the person hears when they pick up.
"""

from flask import Flask

from hotline.callbacks import models  # noqa: F401  (the tables, for migrations)

#: Prompts the callback code speaks itself (the flow check covers those in ivr_flows/callback.yaml).
PROMPTS = ("callback.capped", "callback.busy", "callback.cannot_call", "callback.when.soon",
           "callback.when.today", "callback.when.tomorrow", "callback.when.later")


def init_app(app: Flask) -> None:
    """Register the missed-call webhook, the outbound callback TwiML and check the dispatcher's settings."""
    from hotline import ConfigurationError
    from hotline.callbacks.views import bp
    from hotline.callbacks.windows import callback_hours
    from hotline.hours import SettingError

    config = app.config
    try:
        callback_hours(config, config["CALLBACK_DEFAULT_TIMEZONE"])
    except SettingError as exc:
        raise ConfigurationError(str(exc)) from None
    if config["CALLBACK_MAX_ATTEMPTS"] < 1 or any(m < 0 for m in config["CALLBACK_RETRY_MINUTES"]):
        raise ConfigurationError("CALLBACK_MAX_ATTEMPTS must be at least 1 and CALLBACK_RETRY_MINUTES "
                                 "minutes of 0 or more (e.g. 15,30,60)")
    catalogue = app.extensions["voice"].speech.catalogue
    missing = [f"{lang}:{p}" for lang, ids in catalogue.prompts.items() for p in PROMPTS if p not in ids]
    if missing:
        raise ConfigurationError(f"callback prompts missing from audio/prompts: {', '.join(missing)}")
    app.register_blueprint(bp)
