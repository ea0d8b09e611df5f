"""Abuse caps that hold under bursts: counted in the request's transaction, on any number of processes.

Each use is one ``INSERT … ON CONFLICT DO UPDATE SET count = count + 1 … RETURNING count`` on the
window's row (:func:`take`): the row stays locked until the webhook commits, so two processes
can never both read "one left" and both act. A use past the limit is still counted, and refused;
the use that first passes the limit logs a warning (once a window and subject), and /healthz lists
the caps whose current window is over (:func:`tripped`).

========================  ==========  ==========================================================
cap (the setting)         window      what it counts
========================  ==========  ==========================================================
CALLBACK_HOURLY_CAP       UTC hour    new callback requests, every number together
SMS_PER_CALL              UTC day     SMS a call asked for (the hand-off, a verdict), by CallSid
SMS_PER_NUMBER_DAILY      UTC day     SMS queued to one number (not the replies to its texts)
========================  ==========  ==========================================================

A call's counter lives in the day's window: a call that spans midnight UTC starts again (a few
more SMS at worst), and no row is ever read first to find the call's own window.
"""

import logging
from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import delete, select

from hotline.caps.models import CapCounter
from hotline.extensions import db
from hotline.upsert import insert_for

log = logging.getLogger(__name__)
HOUR, DAY = "hour", "day"
#: every cap, with the length of its window
CAPS = {"CALLBACK_HOURLY_CAP": HOUR, "SMS_PER_CALL": DAY, "SMS_PER_NUMBER_DAILY": DAY}
KEEP = timedelta(days=2)  # old windows are deleted by the sweeper after this


def window_start(cap: str, now: datetime) -> datetime:
    """The start of ``cap``'s window around ``now``, as the table keeps it (naive UTC)."""
    now = now.astimezone(timezone.utc).replace(tzinfo=None, minute=0, second=0, microsecond=0)
    return now if CAPS[cap] == HOUR else now.replace(hour=0)


def take(cap: str, subject: str = "", now: datetime | None = None) -> bool:
    """Count one use of ``cap`` for ``subject``, in the session's transaction; False when this use is
    over the limit (the caller refuses it). The webhook's commit keeps the count."""
    limit = current_app.config[cap]
    now = now or datetime.now(timezone.utc)
    start = window_start(cap, now)
    statement = insert_for(CapCounter).values(cap=cap, window_start=start, subject=subject, count=1)
    statement = statement.on_conflict_do_update(
        index_elements=[CapCounter.cap, CapCounter.window_start, CapCounter.subject],
        set_={"count": CapCounter.count + 1},
    ).returning(CapCounter.count)
    count = db.session.execute(statement).scalar_one()
    if count == limit + 1:  # the first use refused in this window: said once
        log.warning("cap %s tripped: %d allowed per %s%s, from %s UTC; further uses refused", cap, limit,
                    CAPS[cap], f" for {subject}" if subject else "", start.isoformat(timespec="minutes"))
    return count <= limit


def tripped(now: datetime | None = None) -> list[str]:
    """The caps over their limit in their current window (for any subject), by setting name."""
    now = now or datetime.now(timezone.utc)
    config = current_app.config
    return [cap for cap in CAPS if db.session.scalar(
        select(CapCounter.count).where(CapCounter.cap == cap, CapCounter.window_start == window_start(cap, now),
                                       CapCounter.count > config[cap]).limit(1)) is not None]


def forget_old(now: datetime | None = None) -> int:
    """Delete windows older than :data:`KEEP` (the sweeper's job); commits. Returns the rows deleted."""
    cutoff = window_start("SMS_PER_CALL", (now or datetime.now(timezone.utc)) - KEEP)
    deleted = db.session.execute(delete(CapCounter).where(CapCounter.window_start < cutoff)).rowcount
    db.session.commit()
    return deleted
