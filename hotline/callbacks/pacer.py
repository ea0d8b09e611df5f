"""Outbound calls paced to the Twilio account's calls per second, across every worker.

Celery's ``rate_limit`` is per worker process: eight workers at "1/s" would dial eight a second.
Instead every dial takes a slot from one row in the database (``dial_pacers``): a single
``UPDATE … SET next_slot = max(next_slot, now) + 1/rate … RETURNING`` hands out slots 1/rate
seconds apart, atomically on PostgreSQL (row lock) and SQLite (one writer). The worker sleeps until
its slot, then dials. No bursts (a slot nobody used is not saved up), no server besides the database
every deployment already has, and the clocks of the machines are the only shared assumption (NTP).
"""

import time

from sqlalchemy import case, update

from hotline.callbacks.models import DialPacer
from hotline.extensions import db
from hotline.upsert import insert_for


def reserve_slot(key: str, calls_per_second: float, now: float | None = None, commit: bool = True) -> float:
    """Take the next dialing slot for ``key`` (the account); returns its Unix time, never before
    ``now``. Commits at once (or the caller does, right after one more statement), so the row is
    locked for a statement or two, never for a whole call."""
    now = time.time() if now is None else now
    if calls_per_second <= 0:  # no limit configured
        return now
    interval = 1.0 / calls_per_second
    take = (update(DialPacer).where(DialPacer.key == key)
            .values(next_slot=case((DialPacer.next_slot < now, now), else_=DialPacer.next_slot) + interval)
            .returning(DialPacer.next_slot)
            .execution_options(synchronize_session=False))
    slot_end = db.session.execute(take).scalar()
    if slot_end is None:  # the account's first call: make its row, then take a slot like everyone
        db.session.execute(insert_for(DialPacer).values(key=key, next_slot=now)
                           .on_conflict_do_nothing(index_elements=["key"]))
        slot_end = db.session.execute(take).scalar()
    if commit:
        db.session.commit()
    return slot_end - interval


def wait_for(slot: float) -> None:
    """Sleep until ``slot`` (Unix time)."""
    delay = slot - time.time()
    if delay > 0:
        time.sleep(delay)
