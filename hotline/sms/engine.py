"""One incoming SMS from start to finish: read the conversation, answer, log it off the path.

On the request path an ordinary message costs one ``SELECT`` (:func:`store.load_conversation`);
the command table, the place index and the directory's answers (and the pages rendered from them)
are in memory. The log rows and the conversation's new state go to :class:`~hotline.sms.log.SmsLog`.
Only what the reply promises (a callback request, an opt-out, a language) is committed first.
"""

from dataclasses import dataclass
from datetime import datetime

from hotline.directory.cache import DirectoryCache
from hotline.eligibility import Rule
from hotline.extensions import db
from hotline.messaging.models import SmsMessage
from hotline.sms import store
from hotline.sms.answers import DirectoryAnswers, Renderer, Reply
from hotline.sms.callbacks import CallbackPromise
from hotline.sms.checks import SmsChecks
from hotline.sms.commands import ParsedMessage, parse_message
from hotline.sms.conversation import Conversation, Update, next_window
from hotline.sms.log import LogEntry, SmsLog
from hotline.sms.offices import OfficeFormatter
from hotline.fastsql import FastRead
from hotline.sms.regions import RegionBookLoader
from hotline.sms.replies import Context, Replies
from hotline.sms.segments import Segments, count_segments
from hotline.sms.table import CommandTable
from hotline.sms.texts import SmsTexts


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


class SmsEngine:
    """The SMS channel for one app: commands, texts, answers and the log buffer, bound together."""

    def __init__(self, commands: CommandTable, texts: SmsTexts, directory: DirectoryCache, log: SmsLog,
                 promise: CallbackPromise, limits: Limits, rules: dict[str, Rule]):
        self.commands, self.texts, self.log, self.limits = commands, texts, log, limits
        self.renderer = Renderer(limits.max_segments)
        formatter = OfficeFormatter(texts)
        self.answers = DirectoryAnswers(directory, formatter, texts, self.renderer)
        checks = SmsChecks(rules, commands, texts, self.renderer, directory, formatter)
        self.replies = Replies(commands, texts, self.renderer, self.answers, promise, checks)
        self.books = RegionBookLoader()
        self.reader = FastRead(store.conversation_query())
        # What people text repeats ("bala", "1", "KOMOK OSH"): parsing is pure, so it is memoised
        self._parsed: dict[tuple[str, str], tuple[ParsedMessage, Segments]] = {}
        self.twiml: dict[str | None, str] = {}  # reply text → TwiML document (see views.reply)

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
        """The reply's text for ``inbound`` (None: no reply), its rows queued for the log."""
        engine = db.engine
        conversation = store.load_conversation(self.reader, engine, inbound.caller, inbound.sid)
        if conversation.last_sid == inbound.sid:  # Twilio retried the last message: the same answer
            return conversation.last_reply
        if conversation.logged_id is not None:  # an older one, already in the log
            return store.logged_reply(inbound.caller, conversation.logged_id)[1]
        book = self.books.get(lambda: db.session)
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
        entry = self.entry(inbound, parsed, received, conversation, reply, lang, capped=cap != "reply")
        self.log.add(engine, entry)
        return reply.sms.text if reply else None

    def entry(self, inbound: Inbound, parsed: ParsedMessage, received: Segments, conversation: Conversation,
              reply: Reply | None, lang: str, capped: bool) -> LogEntry:
        """The rows one message leaves: itself, its reply, and the conversation after it."""
        command = (reply.command if reply else None) or (parsed.command if parsed.kind == "command" else None)
        status = SmsMessage.CAPPED if capped else SmsMessage.UNMATCHED if reply.unmatched else SmsMessage.RECEIVED
        common = {"external_id": None, "caller": inbound.caller, "hotline_number": inbound.to, "normalized": None,
                  "command": command, "error": None, "call_sid": None, "reply_to_id": None,
                  "created_at": inbound.at, "updated_at": inbound.at}
        row = common | {"external_id": inbound.sid, "direction": SmsMessage.INBOUND, "body": inbound.body,
                        "normalized": parsed.normalized, "encoding": received.encoding,
                        "segments": received.segments, "status": status}
        answer = None
        if reply is not None:
            answer = common | {"direction": SmsMessage.OUTBOUND, "body": reply.sms.text,
                               "encoding": reply.sms.encoding, "segments": reply.sms.segments,
                               "status": SmsMessage.REPLIED}
        return LogEntry(row, answer, self.update(inbound, parsed, conversation, reply, lang))

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
            number=inbound.caller, sid=inbound.sid, at=inbound.at, script=parsed.script,
            language=(reply.language if reply else None) or lang,
            region=reply.region if named else conversation.region,
            place=reply.place if named else conversation.place,
            menu=reply.menu if reply else None, last_command=asked,
            last_reply=reply.sms.text if reply else None, window_started_at=window, replies=replies,
            check_rule=check[0], check_answers=check[1],
        )
