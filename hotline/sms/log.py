"""The SMS log and conversation state, written off the request path in small batches.

A message's reply must go back to Twilio fast; the rows saying what came in and what went out, and
the conversation's new menu or region, are written by this process's background thread every
``interval`` seconds, in one transaction: the inbound rows (``ON CONFLICT DO NOTHING`` on the
MessageSid, so a retry is stored once), the replies linked to them, and one upsert per number:
``COPY`` on PostgreSQL, one ``executemany`` a statement on SQLite (see :mod:`hotline.fastsql` for
why not the ORM).

What a crash can lose: the last ``interval`` seconds of log rows and conversation updates of this
process (an open menu, a remembered region, the flood counter). Never an opt-out, a language choice
or a callback request: those are committed before the reply (:mod:`hotline.sms.store`). A clean
shutdown flushes (``atexit``); while the database is down, rows wait here (up to ``max_entries``).
"""

import logging
import threading
from dataclasses import dataclass

from sqlalchemy import String, bindparam, case, insert, select
from sqlalchemy.engine import Engine

from hotline.fastsql import BatchWrite, Rows
from hotline.messaging.models import SmsMessage
from hotline.sms.conversation import Update, merge
from hotline.sms.models import SmsConversation
from hotline.writebehind import Flusher

log = logging.getLogger(__name__)
MESSAGES = SmsMessage.__table__
CONVERSATIONS = SmsConversation.__table__
#: Conversation columns an update overwrites (``replies`` is added up, see :func:`merge`).
#: The columns every log row sets (inbound and reply rows alike).
MESSAGE_COLUMNS = ("external_id", "direction", "caller", "hotline_number", "body", "normalized", "command",
                   "encoding", "segments", "status", "error", "call_sid", "reply_to_id", "created_at", "updated_at")
CONVERSATION_COLUMNS = tuple(column.key for column in CONVERSATIONS.columns)
OVERWRITTEN = ("script", "language", "region", "place", "menu", "menu_at", "last_command", "last_sid",
               "last_reply", "window_started_at", "check_rule", "check_answers", "updated_at")


@dataclass(frozen=True)
class LogEntry:
    """One incoming message: its row, its reply's row (None when it got none), its state update."""

    inbound: dict
    outbound: dict | None = None
    update: Update | None = None


class SmsLog:
    """A per-process buffer of SMS rows with a flushing thread started on first use."""

    def __init__(self, interval: float = 0.05, max_entries: int = 5000):
        self.interval = interval
        self.max_entries = max_entries  # beyond this (database down), the oldest entries are dropped
        self._entries: list[LogEntry] = []
        self._engine: Engine | None = None
        self._lock = threading.Lock()  # guards the buffer
        self._flushing = threading.Lock()  # one flush at a time, so rows go in in order
        self._flusher = Flusher(self, "sms-log")
        self.writer = Writer()

    def add(self, engine: Engine, entry: LogEntry) -> None:
        """Queue one message's rows; never blocks on the database."""
        with self._lock:
            self._engine = engine
            if len(self._entries) >= self.max_entries:
                del self._entries[0]
            self._entries.append(entry)
            self._flusher.ensure()

    def flush(self) -> int:
        """Write everything buffered now, in one transaction; returns the number of messages written."""
        with self._flushing:
            with self._lock:
                entries, self._entries, engine = self._entries, [], self._engine
            if not entries or engine is None:
                return 0
            try:
                self.writer.write(engine, entries)
            except Exception:
                log.exception("could not write %d SMS log entries; keeping them for the next flush", len(entries))
                with self._lock:
                    self._entries = (entries + self._entries)[-self.max_entries:]
                return 0
            return len(entries)


#: The statements of a flush, by their place in the :class:`~hotline.fastsql.BatchWrite`. The
#: replies go in one of two ways: linked by MessageSid (SQLite), or by the ids PostgreSQL returned.
INBOUND, REPLIES_BY_SID, REPLIES_BY_ID, CONVERSATION_UPSERT = range(4)


class Writer:
    """The statements of a flush (see :class:`~hotline.fastsql.BatchWrite`)."""

    def __init__(self):
        self.batches = BatchWrite(_inbound_insert, _reply_insert, _reply_rows, _upsert)

    def write(self, engine: Engine, entries: list[LogEntry]) -> None:
        """Insert the messages and their replies, upsert the conversations: one transaction."""
        unique: dict[str, LogEntry] = {}
        for entry in entries:  # a retry that came before its original was written: the first one counts
            unique.setdefault(entry.inbound["external_id"], entry)
        entries = list(unique.values())
        # sorted: two processes flushing at once lock the conversation rows in the same order
        updates = sorted(merge([e.update for e in entries if e.update is not None]), key=lambda u: u.number)
        with self.batches.transaction(engine) as batch:
            inserted = batch.write(INBOUND, [e.inbound for e in entries])
            if engine.dialect.name == "postgresql":  # the new messages' ids came back: replies by COPY
                ids = {sid: id_ for id_, sid in inserted}
                batch.write(REPLIES_BY_ID, [dict(e.outbound, reply_to_id=ids[e.inbound["external_id"]])
                                            for e in entries if e.outbound and e.inbound["external_id"] in ids])
            else:
                batch.write(REPLIES_BY_SID, [dict(e.outbound, reply_to_sid=e.inbound["external_id"])
                                             for e in entries if e.outbound])
            batch.write(CONVERSATION_UPSERT, [u.row() for u in updates])


def _inbound_insert(engine: Engine) -> Rows:
    """The incoming messages, each once (``ON CONFLICT`` on the MessageSid). On PostgreSQL the rows
    inserted come back (``RETURNING``): a message already in the log (a retry) gets no second reply."""
    return Rows(MESSAGES, MESSAGE_COLUMNS,
                lambda statement: statement.on_conflict_do_nothing(index_elements=["external_id"]),
                returning=("id", "external_id"))


def _reply_rows(engine: Engine) -> Rows:
    """PostgreSQL: the replies, each with its message's id."""
    return Rows(MESSAGES, MESSAGE_COLUMNS)


def _reply_insert(engine: Engine):
    """SQLite: ``INSERT … SELECT``, a reply row linked to its message by MessageSid, unless it has one
    already (the same message retried, answered by two processes before either flushed)."""
    message, earlier = MESSAGES.alias("message"), MESSAGES.alias("earlier")
    columns = [c for c in MESSAGE_COLUMNS if c != "reply_to_id"]
    answered = select(earlier.c.id).where(earlier.c.caller == message.c.caller, earlier.c.reply_to_id == message.c.id)
    rows = (select(*[bindparam(name, type_=MESSAGES.c[name].type) for name in columns], message.c.id)
            .where(message.c.external_id == bindparam("reply_to_sid", type_=String), ~answered.exists()))
    return insert(MESSAGES).from_select([*columns, "reply_to_id"], rows), None


def _upsert(engine: Engine) -> Rows:
    """The conversation after the message: ``INSERT … ON CONFLICT DO UPDATE``, replies added up."""

    def conflict(statement):
        new = statement.excluded
        same_window = CONVERSATIONS.c.window_started_at == new.window_started_at
        values = {name: new[name] for name in OVERWRITTEN}
        values["replies"] = case((same_window, CONVERSATIONS.c.replies + new.replies), else_=new.replies)
        return statement.on_conflict_do_update(index_elements=["number"], set_=values)

    return Rows(CONVERSATIONS, CONVERSATION_COLUMNS, conflict)
