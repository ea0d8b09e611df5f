"""The languages callers chose, held in memory by each process and kept fresh, so that an incoming
call reads nothing from the database.

An incoming call needs the language its number chose before: to greet the caller in it, or to ask.
That was one query per call, the only one an incoming call waited for; on PostgreSQL the query
and the server's work cost about a fifth of the webhook's throughput (``bench/webhooks.py``). The
rows are few and small, and change only when someone chooses a language. So each process holds
them all, the way it holds the flows and the directory:

- loaded whole on first use, and again every ``RELOAD_SECONDS`` (which also forgets deleted rows);
- in between, every ``refresh_seconds``, the rows changed since the newest one seen, looking
  ``MARGIN`` further back for a transaction that committed after a later one;
- a language chosen in this process is known at once (:meth:`CallerLanguages.remember`); one
  chosen in another process, within ``refresh_seconds`` (a second): nobody calls back that fast.

With ``refresh_seconds`` 0 every lookup looks for changes first: a read per call, as before (the
tests run that way, so rows they write are seen at once). Memory: about 150 bytes a number, 15 MB
for 100,000 callers in each process.
"""

import math
import threading
import time
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.engine import Engine

from hotline.voice.models import CallerPreference

MARGIN = timedelta(seconds=10)
RELOAD_SECONDS = 300.0


class CallerLanguages:
    """number (E.164) → the language it chose, for this process."""

    def __init__(self, refresh_seconds: float = 1.0):
        self.refresh_seconds = refresh_seconds
        self._languages: dict[str, str] = {}
        self._newest = None  # the latest updated_at seen (naive UTC, the writers' clock)
        self._loaded_at = -math.inf  # time.monotonic() of the last whole load
        self._checked_at = -math.inf  # ... of the last look for changes
        self._lock = threading.Lock()  # one refresh at a time (flask run serves with threads)

    def get(self, engine: Engine, number: str) -> str | None:
        """The language ``number`` chose, or None (never chose, or chose within the last refresh in
        another process)."""
        if time.monotonic() - self._checked_at >= self.refresh_seconds:
            with self._lock:
                if time.monotonic() - self._checked_at >= self.refresh_seconds:  # no other thread did meanwhile
                    self._refresh(engine, whole=False)
        return self._languages.get(number)

    def remember(self, number: str, language: str) -> None:
        """A language this process has just committed for ``number``."""
        self._languages[number] = language

    def refresh(self, engine: Engine, whole: bool = False) -> None:
        """Look for changes now (``whole``: load every row again)."""
        with self._lock:
            self._refresh(engine, whole)

    def forget_all(self) -> None:
        """Start again from the database on the next lookup (as a new process would)."""
        with self._lock:
            self._languages, self._newest = {}, None
            self._loaded_at = self._checked_at = -math.inf

    def _refresh(self, engine: Engine, whole: bool) -> None:
        now = time.monotonic()
        whole = whole or now - self._loaded_at >= RELOAD_SECONDS or self._newest is None
        query = select(CallerPreference.number, CallerPreference.language, CallerPreference.updated_at)
        if not whole:
            query = query.where(CallerPreference.updated_at >= self._newest - MARGIN)
        with engine.connect() as connection:
            rows = connection.execute(query).all()
        languages = {} if whole else self._languages
        newest = None if whole else self._newest
        for number, language, updated_at in rows:
            languages[number] = language
            if newest is None or updated_at > newest:
                newest = updated_at
        if whole:
            self._languages, self._loaded_at = languages, now
        self._newest, self._checked_at = newest, now
