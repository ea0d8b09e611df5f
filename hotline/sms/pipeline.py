"""One incoming SMS from start to finish (parse, route, answer, render, record), in one transaction
on ``db.session``.

Lock the number's conversation, catch a Twilio retry, parse, answer, and record the message, its
reply and the conversation after it (:mod:`hotline.sms.record`); the webhook commits before the
reply goes out. The command table, the place index and the directory's answers are in memory.
"""

from dataclasses import dataclass
from datetime import datetime

from hotline.directory.cache import DirectoryCache
from hotline.extensions import db
from hotline.eligibility import Rule
from hotline.messaging.models import SmsMessage
from hotline.sms import record
from hotline.sms.directory import DirectoryAnswers
from hotline.sms.render import Renderer, Reply
from hotline.sms.callback import CallbackPromise
from hotline.sms.check import SmsChecks
from hotline.sms.parse import ParsedMessage, parse_message
from hotline.sms.conversation import Conversation, Update, next_window
from hotline.sms.offices import OfficeFormatter
from hotline.sms.regions import RegionBookLoader
from hotline.sms.route import Context, Replies
from hotline.sms.segments import Segments, count_segments
from hotline.sms.commands import CommandTable
from hotline.sms.texts import SmsTexts
from hotline.sms.topics import TopicAnswers
from hotline.callers import saved_language


MEMO_SIZE = 8192


@dataclass(frozen=True)
class Inbound:
    """An incoming message as Twilio posted it (``caller`` in E.164, ``at`` naive UTC)."""

    sid: str
    caller: str
    to: str | None
    body: str
    at: datetime


@dataclass(frozen=True)
class Limits:
    max_segments: int  # SMS_MAX_SEGMENTS
    replies_per_hour: int  # SMS_REPLIES_PER_HOUR
    menu_hours: float  # SMS_MENU_HOURS


class SmsPipeline:
    """The SMS channel for one app: commands, texts and answers, bound together."""

    def __init__(self, commands: CommandTable, texts: SmsTexts, directory: DirectoryCache,
                 promise: CallbackPromise, limits: Limits, rules: dict[str, Rule]):
        self.commands, self.texts, self.limits = commands, texts, limits
        self.renderer = Renderer(limits.max_segments)
        formatter = OfficeFormatter(texts)
        self.directory = directory
        self.answers = DirectoryAnswers(directory, formatter, texts, self.renderer)
        self.checks = checks = SmsChecks(rules, commands, texts, self.renderer, directory, formatter)
        self.topics = TopicAnswers(commands, texts, self.renderer, directory, self.answers, formatter, checks)
        self.replies = Replies(commands, texts, self.renderer, self.answers, promise, checks, self.topics)
        self.books = RegionBookLoader()
        # What people text repeats ("bala", "1", "KOMOK OSH"): parsing is pure, so it is memoised
        self._parsed: dict[tuple[str, str], tuple[ParsedMessage, Segments]] = {}

    def parse(self, body: str, script: str, book) -> tuple[ParsedMessage, Segments]:
        """:func:`parse_message` and the segments ``body`` cost, memoised (bounded)."""
        key = (body, script)
        found = self._parsed.get(key)
        if found is None:
            found = (parse_message(body, self.commands, book.index, default_script=script), count_segments(body))
            if len(self._parsed) >= MEMO_SIZE:
                self._parsed.clear()
            self._parsed[key] = found
        return found

    def handle(self, inbound: Inbound) -> str | None:
        """The reply's text for ``inbound`` (None: no reply), everything written to the session."""
        return self.respond(inbound)[0]

    def respond(self, inbound: Inbound) -> tuple[str | None, Reply | None]:
        """:meth:`handle`, with the :class:`Reply` it sends (what it understood: the command, the
        topic; None for a Twilio retry, which gets the text it got before)."""
        row = record.lock_conversation(inbound.caller)
        logged, earlier = record.earlier_reply(inbound.sid, inbound.caller)
        if logged:  # Twilio retried a message already answered: the same answer, nothing new
            return earlier, None
        conversation = Conversation.from_row(row, preferred=saved_language(inbound.caller))
        book = self.books.get(self.directory.version(), lambda: db.session)
        parsed, received = self.parse(inbound.body, conversation.script or "latin", book)
        lang = conversation.language_for(parsed.language)
        cap = conversation.cap(inbound.at, self.limits.replies_per_hour)
        reply: Reply | None = None
        if cap == "reply":
            menu = conversation.open_menu(inbound.at, self.limits.menu_hours)
            reply = self.replies.answer(parsed, Context(conversation, menu, lang, parsed.script, inbound.at, book))
        else:
            self.replies.apply_only(parsed, inbound.caller)  # a STOP is obeyed even past the cap
            if cap == "notice":
                notice = self.texts.get(lang, "limit", n=self.limits.replies_per_hour)
                reply = Reply(self.renderer.render([notice], parsed.script), command=parsed.command)
        record.record_message(*self.rows(inbound, parsed, received, reply, capped=cap != "reply"))
        record.save_conversation(row, self.update(inbound, parsed, conversation, reply, lang))
        return (reply.sms.text if reply else None), reply

    def rows(self, inbound: Inbound, parsed: ParsedMessage, received: Segments, reply: Reply | None,
             capped: bool) -> tuple[SmsMessage, SmsMessage | None]:
        """The message's row in the log, and its reply's."""
        command = (reply.command if reply else None) or (parsed.command if parsed.kind == "command" else None)
        status = SmsMessage.CAPPED if capped else SmsMessage.UNMATCHED if reply.unmatched else SmsMessage.RECEIVED
        message = SmsMessage(
            external_id=inbound.sid, direction=SmsMessage.INBOUND, caller=inbound.caller, hotline_number=inbound.to,
            body=inbound.body, normalized=parsed.normalized, command=command, encoding=received.encoding,
            segments=received.segments, status=status, created_at=inbound.at, updated_at=inbound.at)
        if reply is None:
            return message, None
        return message, SmsMessage(
            direction=SmsMessage.OUTBOUND, caller=inbound.caller, hotline_number=inbound.to, body=reply.sms.text,
            command=command, encoding=reply.sms.encoding, segments=reply.sms.segments, status=SmsMessage.REPLIED,
            created_at=inbound.at, updated_at=inbound.at)

    def update(self, inbound: Inbound, parsed: ParsedMessage, conversation: Conversation, reply: Reply | None,
               lang: str) -> Update:
        window, replies = next_window(conversation, inbound.at, replied=reply is not None)
        named = reply is not None and reply.region is not None
        command = self.commands.commands.get(reply.command) if reply and reply.command else None
        asked = command.code if command and command.action == "directory" else conversation.last_command
        check = (None, None)
        if reply is not None and reply.check:
            check = reply.check
        elif reply is not None and reply.menu is not None and reply.menu.kind in ("check", "verdict"):
            check = (conversation.check_rule, conversation.check_answers)  # "no such choice": kept
        return Update(
            at=inbound.at, script=parsed.script, language=(reply.language if reply else None) or lang,
            region=reply.region if named else conversation.region,
            place=reply.place if named else conversation.place,
            menu=reply.menu if reply else None, last_command=asked, window_started_at=window, replies=replies,
            check_rule=check[0], check_answers=check[1],
        )
