"""SMS: what people text and what we text back, as pure functions the webhook calls.

- :mod:`~hotline.sms.normalize`: one folded form for Kyrgyz Cyrillic, Kyrgyz Latin and Russian.
- :mod:`~hotline.sms.commands`: the command table (``data/sms_commands.yaml``) and
  :func:`parse_message`, which reads a command, its region and numbers, or a menu choice.
- :mod:`~hotline.sms.render`: :func:`render_sms_reply`, the one way a reply is built, within a
  segment budget, in the alphabet the person wrote in.
- :mod:`~hotline.sms.segments` and :mod:`~hotline.sms.translit`: segment arithmetic and the
  Cyrillic to GSM-7 Kyrgyz Latin transliteration they rely on.
"""

from hotline.sms.commands import CommandTable, ParsedMessage, load_commands, parse_message
from hotline.sms.normalize import fold_for_match, script_of, tokens
from hotline.sms.places import PlaceIndex
from hotline.sms.render import RenderedSms, render_sms_reply
from hotline.sms.segments import Segments, count_segments
from hotline.sms.translit import to_latin

__all__ = [
    "CommandTable", "ParsedMessage", "PlaceIndex", "RenderedSms", "Segments", "count_segments",
    "fold_for_match", "load_commands", "parse_message", "render_sms_reply", "script_of",
    "to_latin", "tokens",
]


def init_app(app) -> None:
    """Load and check the command table and reply texts (the app refuses to start when they are
    invalid, or disagree with the eligibility rules' SMS keywords), build the SMS engine, and
    register the webhook (``/twilio/sms``)."""
    from hotline import ConfigurationError
    from hotline.directory.cache import DirectoryCache
    from hotline.directory.loader import DataError
    from hotline.sms import models  # noqa: F401  (the tables, for migrations)
    from hotline.sms.callbacks import CallbackPromise
    from hotline.sms.checks import CheckSetupError
    from hotline.sms.engine import Limits, SmsEngine
    from hotline.sms.texts import SmsTexts, TextsError

    config = app.config
    try:
        commands, texts = load_commands(), SmsTexts.load()
    except (DataError, TextsError) as exc:
        raise ConfigurationError(f"the SMS channel cannot start: {exc}") from None
    directory = app.extensions.setdefault("directory_cache", DirectoryCache(config["DIRECTORY_CACHE_SECONDS"]))
    limits = Limits(config["SMS_MAX_SEGMENTS"], config["SMS_REPLIES_PER_HOUR"], config["SMS_MENU_HOURS"])
    try:
        app.extensions["sms"] = SmsEngine(commands, texts, directory, CallbackPromise(texts), limits,
                                          app.extensions["eligibility"])
    except CheckSetupError as exc:
        raise ConfigurationError(f"the SMS channel cannot start: {exc}") from None

    from hotline.sms.views import bp

    app.register_blueprint(bp)
