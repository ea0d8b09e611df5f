"""SMS: one line per message, in five steps, each a module (:mod:`~hotline.sms.pipeline` runs them):

1. parse  (:mod:`~hotline.sms.parse`): normalise the text, find a command and its arguments
   (:mod:`~hotline.sms.commands`, :mod:`~hotline.sms.places`), the topic, request, question word
   and numbers its phrases name (:mod:`~hotline.sms.phrases`, :mod:`~hotline.sms.understand`), or
   a reply to an open menu;
2. route  (:mod:`~hotline.sms.route`): the topic, command, menu choice or command list it reaches;
3. answer (:mod:`~hotline.sms.topics`, :mod:`~hotline.sms.directory`, :mod:`~hotline.sms.check`,
   :mod:`~hotline.sms.callback`): a topic's fact and where to go, offices, an eligibility check's
   next question or verdict, a callback's promise;
4. render (:mod:`~hotline.sms.render`): within the segment budget, in the alphabet they wrote in;
5. record (:mod:`~hotline.sms.record`): the message, its reply and the conversation, committed by
   the webhook (:mod:`~hotline.sms.views`) before the reply goes out.
"""

from hotline.sms.parse import CommandTable, ParsedMessage, load_commands, parse_message
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
    """Load and check the command table, the phrases and the reply texts (the app refuses to start
    when they are invalid, or disagree with the eligibility rules), build the SMS pipeline, and
    register the webhook (``/twilio/sms``)."""
    from pathlib import Path

    from hotline import ConfigurationError
    from hotline.directory.cache import DirectoryCache
    from hotline.directory.loader import DataError
    from hotline.sms import models  # noqa: F401  (the tables, for migrations)
    from hotline.sms.callback import CallbackPromise
    from hotline.sms.check import CheckSetupError
    from hotline.sms.pipeline import Limits, SmsPipeline
    from hotline.sms.texts import SmsTexts, TextsError

    config = app.config
    try:
        # SMS_COMMANDS_FILE (tests): another command table, with the phrase file beside it or none
        commands = load_commands(Path(config["SMS_COMMANDS_FILE"])) if config.get("SMS_COMMANDS_FILE") else load_commands()
        texts = SmsTexts.load()
    except (DataError, TextsError) as exc:
        raise ConfigurationError(f"the SMS channel cannot start: {exc}") from None
    directory = app.extensions.setdefault("directory_cache", DirectoryCache(config["DIRECTORY_CACHE_SECONDS"]))
    limits = Limits(config["SMS_MAX_SEGMENTS"], config["SMS_REPLIES_PER_HOUR"], config["SMS_MENU_HOURS"])
    try:
        app.extensions["sms"] = SmsPipeline(commands, texts, directory, CallbackPromise(texts), limits,
                                          app.extensions["eligibility"])
    except CheckSetupError as exc:
        raise ConfigurationError(f"the SMS channel cannot start: {exc}") from None

    from hotline.sms.views import bp

    app.register_blueprint(bp)
