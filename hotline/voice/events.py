"""Call records written off the request path, in small batches.

A menu step must answer Twilio fast; the row saying "this caller pressed 3 on jardam.menu" is for
reading later, and so is the call's own row. So a webhook appends rows to this process's buffer and
returns; a background thread writes what has gathered every ``interval`` seconds in one transaction
(new calls first, then their languages, then events). What a person is waiting on (an SMS, a
callback request, the language they chose) is never written this way: it is committed before the
answer.

A crash of the process loses at most the last ``interval`` seconds of these rows; a clean
shutdown flushes them (``atexit``). The three statements are compiled once and run on the flushing
thread's own connection (:class:`~hotline.fastsql.BatchWrite`: ``COPY`` on PostgreSQL, one
``executemany`` on SQLite): through SQLAlchemy's ``Connection`` a flush cost about as much CPU as
the webhook's own reads.
"""

import logging
import threading

from sqlalchemy import String, bindparam, case, func, update
from sqlalchemy.engine import Engine

from hotline.fastsql import BatchWrite, Rows
from hotline.timeutil import utcnow
from hotline.voice.models import Call, CallEvent
from hotline.writebehind import Flusher

log = logging.getLogger(__name__)
CALL_COLUMNS = ("external_id", "caller", "hotline_number", "language", "direction", "status", "started_at")
EVENT_COLUMNS = ("call_sid", "node", "outcome", "digits", "next_node", "detail", "at")


def _call_insert(engine: Engine) -> Rows:
    """A new call, once whatever Twilio retries.

    The row may be there already: Twilio's status callback for a call shorter than a flush comes
    first, and can only say the call's number, status and duration (``store.update_call_status``).
    What the webhook knew fills it in then: which way the call went and who is on the other end (a
    callback's status names the hotline as ``From``), the number dialled, the language, and when the
    call started. Its status stays: the callback's is newer. A retried webhook changes nothing.
    """
    def conflict(statement):
        new = statement.excluded
        return statement.on_conflict_do_update(index_elements=["external_id"], set_={
            "direction": new.direction,
            "caller": func.coalesce(new.caller, Call.caller),
            "hotline_number": func.coalesce(new.hotline_number, Call.hotline_number),
            "language": func.coalesce(Call.language, new.language),  # one chosen since (a retry's is older)
            "started_at": case((new.started_at < Call.started_at, new.started_at), else_=Call.started_at),
        })

    return Rows(Call.__table__, CALL_COLUMNS, conflict)


def _language_update(engine: Engine):
    """The language chosen during a call, on the call's row (inserted earlier in the same flush)."""
    return (update(Call).where(Call.external_id == bindparam("sid", type_=String))
            .values(language=bindparam("lang", type_=String)), None)


def _event_insert(engine: Engine) -> Rows:
    """Where the callers went: one row per step."""
    return Rows(CallEvent.__table__, EVENT_COLUMNS)


def one_per_call(calls: list[dict]) -> list[dict]:
    """One row per CallSid (one ``INSERT … ON CONFLICT DO UPDATE`` may touch a row once): a retried
    webhook's row folded into the first as :func:`_call_insert` would fold it into the table's."""
    merged: dict[str, dict] = {}
    for row in calls:
        first = merged.get(row["external_id"])
        if first is None:
            merged[row["external_id"]] = row
            continue
        merged[row["external_id"]] = first | {
            "direction": row["direction"], "caller": row["caller"] or first["caller"],
            "hotline_number": row["hotline_number"] or first["hotline_number"],
            "language": first["language"] or row["language"], "started_at": min(first["started_at"], row["started_at"])}
    return list(merged.values())


class EventBuffer:
    """A per-process buffer of call events with a flushing thread started on first use."""

    def __init__(self, interval: float = 0.05, max_rows: int = 5000):
        self.interval = interval
        self.max_rows = max_rows  # beyond this (database down), the oldest events are dropped
        self._rows: list[dict] = []  # events
        self._calls: list[dict] = []  # new calls (inserted once, whatever Twilio retries)
        self._languages: list[dict] = []  # languages chosen during calls
        self._lock = threading.Lock()  # guards the buffer
        self._flushing = threading.Lock()  # one flush at a time, so rows are inserted in order
        self._engine: Engine | None = None
        self._flusher = Flusher(self, "call-events")
        self.writer = BatchWrite(_call_insert, _language_update, _event_insert)

    def add(self, engine: Engine, call_sid: str, node: str, outcome: str, digits: str | None = None,
            next_node: str | None = None, detail: str | None = None) -> None:
        """Queue one event; never blocks on the database."""
        row = {"call_sid": call_sid, "node": node, "outcome": outcome, "digits": digits,
               "next_node": next_node, "detail": detail, "at": utcnow()}
        with self._lock:
            self._engine = engine
            if len(self._rows) >= self.max_rows:
                del self._rows[0]
            self._rows.append(row)
            self._flusher.ensure()

    def add_call(self, engine: Engine, sid: str, caller: str | None, hotline_number: str | None,
                 language: str | None, direction: str = "inbound") -> None:
        """Queue a call's row; a retried webhook for the same CallSid adds nothing in the end."""
        row = {"external_id": sid, "caller": caller, "hotline_number": hotline_number, "language": language,
               "direction": direction, "status": Call.IN_PROGRESS, "started_at": utcnow()}
        with self._lock:
            self._engine = engine
            self._calls.append(row)
            self._flusher.ensure()

    def set_language(self, engine: Engine, sid: str, lang: str) -> None:
        """Queue the language a caller chose, for the call's row."""
        with self._lock:
            self._engine = engine
            self._languages.append({"sid": sid, "lang": lang})
            self._flusher.ensure()

    def flush(self) -> int:
        """Write everything buffered now, in one transaction; returns the number of rows written."""
        with self._flushing:
            return self._flush()

    def _flush(self) -> int:
        with self._lock:
            rows, self._rows, engine = self._rows, [], self._engine
            calls, self._calls = self._calls, []
            languages, self._languages = self._languages, []
        if not (rows or calls or languages) or engine is None:
            return 0
        try:
            # sorted: two processes flushing at once lock the rows of the same calls (a retried
            # webhook, or a status callback's row) in the same order, so neither waits on the other
            self.writer.write(engine, sorted(one_per_call(calls), key=lambda row: row["external_id"]),
                              sorted(languages, key=lambda row: row["sid"]), rows)
        except Exception:
            log.exception("could not write %d call rows; keeping them for the next flush", len(rows) + len(calls))
            with self._lock:
                self._rows = (rows + self._rows)[-self.max_rows:]
                self._calls = (calls + self._calls)[-self.max_rows:]
                self._languages = (languages + self._languages)[-self.max_rows:]
            return 0
        return len(rows) + len(calls) + len(languages)
