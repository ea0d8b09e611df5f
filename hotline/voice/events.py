"""Call events written off the request path, in small batches.

A menu step must answer Twilio fast; the row saying "this caller pressed 3 on jardam.menu" is for
reading later. So a step appends the row to this process's buffer and returns; a background thread
inserts what has gathered every ``interval`` seconds in one statement. What a person is waiting on
(an SMS, a callback request) is never written this way: that is committed before the answer.

A crash of the process loses at most the last ``interval`` seconds of events; a clean shutdown
flushes them (``atexit``).
"""

import atexit
import logging
import os
import threading

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from hotline.timeutil import utcnow
from hotline.voice.models import CallEvent

log = logging.getLogger(__name__)


class EventBuffer:
    """A per-process buffer of call events with a flushing thread started on first use."""

    def __init__(self, interval: float = 0.05, max_rows: int = 5000):
        self.interval = interval
        self.max_rows = max_rows  # beyond this (database down), the oldest events are dropped
        self._rows: list[dict] = []
        self._lock = threading.Lock()  # guards the buffer
        self._flushing = threading.Lock()  # one flush at a time, so rows are inserted in order
        self._engine: Engine | None = None
        self._pid: int | None = None
        self._wake = threading.Event()

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
            self._ensure_thread()

    def _ensure_thread(self) -> None:
        # gunicorn forks workers after the app is built: each process needs its own thread
        if self._pid != os.getpid():
            self._pid = os.getpid()
            threading.Thread(target=self._run, name="call-events", daemon=True).start()
            atexit.register(self.flush)

    def _run(self) -> None:
        while True:
            self._wake.wait(self.interval)
            self._wake.clear()
            self.flush()

    def flush(self) -> int:
        """Insert everything buffered now, in one statement; returns the number of rows written."""
        with self._flushing:
            return self._flush()

    def _flush(self) -> int:
        with self._lock:
            rows, self._rows, engine = self._rows, [], self._engine
        if not rows or engine is None:
            return 0
        try:
            with engine.begin() as conn:
                conn.execute(insert(CallEvent), rows)
        except Exception:
            log.exception("could not write %d call events; keeping them for the next flush", len(rows))
            with self._lock:
                self._rows = (rows + self._rows)[-self.max_rows:]
            return 0
        return len(rows)
