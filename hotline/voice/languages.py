"""The languages callers chose, held in memory by each process and kept fresh, so that an incoming
call reads nothing from the database.

An incoming call needs the language its number chose before: to greet the caller in it, or to ask.
That was one query per call, the only one an incoming call waited for; on PostgreSQL the query
and the server's work cost about a fifth of the webhook's throughput (``bench/webhooks.py``). The
rows are few and small, and change only when someone chooses a language. So each process holds
them all, the way it holds the flows and the directory:

- loaded whole on first use (that request waits: about 0.2 s for 100,000 numbers), and again
  every ``RELOAD_SECONDS`` by a thread of its own, which also forgets deleted rows;
- in between, every ``refresh_seconds``, the rows changed since the newest one seen, looking
  ``MARGIN`` further back for a transaction that committed after a later one;
- a language chosen in this process (:meth:`CallerLanguages.save`, on a call's language menu or by
  texting TIL) is committed and known here at once; one chosen in another process, within
  ``refresh_seconds`` (a second): nobody calls back that fast.

With ``refresh_seconds`` 0 every lookup looks for changes first: a read per call, as before (the
tests run that way, so rows they write are seen at once). Memory: about 150 bytes a number, 15 MB
for 100,000 callers in each process.
"""

import logging
import math
import threading
import time
from datetime import timedelta

from sqlalchemy import DateTime, String, bindparam, func, select
from sqlalchemy.engine import Engine

from hotline.fastsql import FastWrite
from hotline.timeutil import utcnow
from hotline.upsert import insert_for
from hotline.voice.models import CallerPreference

log = logging.getLogger(__name__)
MARGIN = timedelta(seconds=10)
RELOAD_SECONDS = 300.0


class CallerLanguages:
    """number (E.164) → the language it chose, for this process."""

    def __init__(self, refresh_seconds: float = 1.0):
        self.refresh_seconds = refresh_seconds
        self._languages: dict[str, str] = {}
        self._newest = None  # the latest updated_at seen (naive UTC, the writers' clock); None: not loaded
        self._loaded_at = -math.inf  # time.monotonic() of the last whole load
        self._checked_at = -math.inf  # ... of the last look for changes
        self._lock = threading.Lock()  # one look at a time (flask run serves with threads)
        self._reloading = False
        self._save = FastWrite(_upsert)

    def get(self, engine: Engine, number: str) -> str | None:
        """The language ``number`` chose, or None (never chose, or chose within the last refresh in
        another process)."""
        if time.monotonic() - self._checked_at >= self.refresh_seconds:
            with self._lock:
                if time.monotonic() - self._checked_at >= self.refresh_seconds:  # no other thread did meanwhile
                    self._look(engine)
        return self._languages.get(number)

    def save(self, engine: Engine, number: str, language: str) -> None:
        """``number`` chose ``language``: committed before the caller is told (one upsert, on a
        connection this thread keeps), and known in this process at once."""
        self._save.run(engine, {"number": number, "language": language, "now": utcnow()})
        self._languages[number] = language

    def refresh(self, engine: Engine, whole: bool = False) -> None:
        """Look for changes now (``whole``: load every row again, on this thread)."""
        with self._lock:
            if whole:
                self._languages, self._newest = self._load(engine)
                self._loaded_at = self._checked_at = time.monotonic()
            else:
                self._look(engine)

    def forget_all(self) -> None:
        """Start again from the database on the next lookup (as a new process would)."""
        with self._lock:
            self._languages, self._newest = {}, None
            self._loaded_at = self._checked_at = -math.inf

    def _look(self, engine: Engine) -> None:
        """The rows changed since the newest seen (all of them, the first time); a whole load in the
        background when one is due. Under the lock."""
        now = time.monotonic()
        if self._newest is None:
            self._languages, self._newest = self._load(engine)
            self._loaded_at = now
        else:
            query = (select(CallerPreference.number, CallerPreference.language, CallerPreference.updated_at)
                     .where(CallerPreference.updated_at >= self._newest - MARGIN))
            with engine.connect() as connection:
                for number, language, updated_at in connection.execute(query):
                    self._languages[number] = language
                    self._newest = max(self._newest, updated_at)
            if now - self._loaded_at >= RELOAD_SECONDS and not self._reloading:
                self._reloading = True
                threading.Thread(target=self._reload, args=(engine,), name="caller-languages", daemon=True).start()
        self._checked_at = now

    def _reload(self, engine: Engine) -> None:
        """Every row again, off the request path; what changed while it read comes with the next look."""
        try:
            languages, newest = self._load(engine)
            with self._lock:
                self._languages, self._loaded_at = languages, time.monotonic()
                self._newest = max(self._newest, newest) if self._newest and newest else newest or self._newest
        except Exception:
            log.exception("could not reload the callers' languages; keeping the ones held")
        finally:
            self._reloading = False

    @staticmethod
    def _load(engine: Engine) -> tuple[dict[str, str], object]:
        """Every number's language, and the newest ``updated_at`` (read first: a row changed while the
        rest are read is newer, and the next look finds it)."""
        table = CallerPreference.__table__
        with engine.connect() as connection:
            newest = connection.execute(select(func.max(table.c.updated_at))).scalar()
            rows = connection.exec_driver_sql(f"SELECT number, language FROM {table.name}").fetchall()
        return dict(rows), newest


def _upsert(engine: Engine):
    """The number's language, whether it chose one before or not."""
    values = {"number": bindparam("number", type_=String), "language": bindparam("language", type_=String),
              "updated_at": bindparam("now", type_=DateTime)}
    statement = insert_for(CallerPreference, engine).values(values)
    return statement.on_conflict_do_update(index_elements=["number"], set_={
        "language": statement.excluded.language, "updated_at": statement.excluded.updated_at})
