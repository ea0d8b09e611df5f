"""The dispatcher (beat runs it every few seconds): recover stale claims, claim due requests, queue
one ``place_callback`` task each.

The database is the truth. A claim is a status plus an expiry (``claimed_until``): if the broker
loses the task, or a worker dies holding it, the claim runs out and the next run takes the request
again. Claims never overlap: ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL (two dispatchers
take different rows, neither waits), and everywhere a conditional ``UPDATE … WHERE status =
'pending' RETURNING id`` that only one writer can win.
"""

import math
from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from hotline.callbacks.models import CallbackAttempt, CallbackRequest
from hotline.callbacks.outcomes import unanswered
from hotline.callbacks.windows import callback_hours, to_utc_naive
from hotline.celery_app import enqueue
from hotline.extensions import db

PLACE_TASK = "tasks.callbacks.place_callback"
DISPATCH_TASK = "tasks.callbacks.dispatch"
#: Queue at most this many seconds of calls at the account's rate: a worker then waits for its
#: slot at most this long, and a long backlog stays in the database, not in the broker.
HORIZON_SECONDS = 30
MAX_BATCH = 10_000


def dispatch_due(now: datetime | None = None, queue: str | None = None) -> dict:
    """One run of the dispatcher; returns counts for the log."""
    now = now or datetime.now(timezone.utc)
    recovered = recover_expired(now)
    claimed = claim_due(db.session, now, dial_budget(now))
    queued = 0
    for index, request_id in enumerate(claimed):
        if not enqueue(PLACE_TASK, request_id, queue=queue):
            release(claimed[index:])  # broker down: back to pending now, not after the claim expires
            break
        queued += 1
    return {"recovered": recovered, "claimed": len(claimed), "queued": queued}


def dial_budget(now: datetime) -> int:
    """How many more requests may be claimed now: the horizon's worth of calls, less those queued."""
    rate = current_app.config["TWILIO_CALLS_PER_SECOND"]
    room = MAX_BATCH if rate <= 0 else min(MAX_BATCH, math.ceil(rate * HORIZON_SECONDS))
    queued = db.session.scalar(select(func.count(CallbackRequest.id)).where(
        CallbackRequest.status == CallbackRequest.SCHEDULED, CallbackRequest.claimed_until >= to_utc_naive(now)))
    return max(0, room - (queued or 0))


def due_requests(session: Session, now: datetime, limit: int):
    """The oldest due pending requests, locked for this transaction on PostgreSQL (rows another
    dispatcher holds are skipped, not waited for)."""
    query = (select(CallbackRequest.id, CallbackRequest.timezone)
             .where(CallbackRequest.status == CallbackRequest.PENDING,
                    CallbackRequest.next_attempt_at <= to_utc_naive(now))
             .order_by(CallbackRequest.next_attempt_at, CallbackRequest.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return session.execute(query).all()


def claim_due(session: Session, now: datetime, limit: int) -> list[int]:
    """Claim up to ``limit`` due requests whose caller's window is open (others move to their next
    window); returns the ids claimed, committed as ``scheduled``."""
    if limit <= 0:
        return []
    config = current_app.config
    open_ids, later = [], {}
    for request_id, zone in due_requests(session, now, limit):
        zone = zone or config["CALLBACK_DEFAULT_TIMEZONE"]
        hours = callback_hours(config, zone)
        if hours.is_open(now):
            open_ids.append(request_id)
        else:
            later.setdefault(hours.next_start(now), []).append(request_id)
    pending = CallbackRequest.status == CallbackRequest.PENDING
    claimed = []
    if open_ids:
        expires = to_utc_naive(now + timedelta(seconds=config["CALLBACK_CLAIM_SECONDS"]))
        claimed = list(session.execute(
            update(CallbackRequest).where(CallbackRequest.id.in_(open_ids), pending)
            .values(status=CallbackRequest.SCHEDULED, claimed_until=expires, updated_at=to_utc_naive(now))
            .returning(CallbackRequest.id).execution_options(synchronize_session=False)
        ).scalars())
    for start, ids in later.items():
        session.execute(update(CallbackRequest).where(CallbackRequest.id.in_(ids), pending)
                        .values(next_attempt_at=to_utc_naive(start)).execution_options(synchronize_session=False))
    session.commit()
    order = {request_id: index for index, request_id in enumerate(open_ids)}
    return sorted(claimed, key=order.__getitem__)


def release(request_ids: list[int]) -> None:
    """Give claims back (the broker would not take their tasks): due again at the next run."""
    db.session.execute(update(CallbackRequest)
                       .where(CallbackRequest.id.in_(request_ids), CallbackRequest.status == CallbackRequest.SCHEDULED)
                       .values(status=CallbackRequest.PENDING, claimed_until=None)
                       .execution_options(synchronize_session=False))
    db.session.commit()


def recover_expired(now: datetime) -> int:
    """Take back claims that ran out. ``scheduled``: the task never dialled (lost with the broker, or
    its worker died while waiting for a slot), so it is simply due again. ``dialing``: Twilio never
    told us how the call ended, so the attempt counts as unanswered (dialing again at once could
    ring the person twice for one attempt)."""
    stale = to_utc_naive(now)
    recovered = db.session.execute(
        update(CallbackRequest)
        .where(CallbackRequest.status == CallbackRequest.SCHEDULED, CallbackRequest.claimed_until < stale)
        .values(status=CallbackRequest.PENDING, claimed_until=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    lost = db.session.execute(select(CallbackRequest.id, CallbackRequest.attempts).where(
        CallbackRequest.status == CallbackRequest.DIALING, CallbackRequest.claimed_until < stale)).all()
    for request_id, number in lost:
        db.session.execute(update(CallbackAttempt)
                           .where(CallbackAttempt.request_id == request_id, CallbackAttempt.number == number,
                                  CallbackAttempt.ended_at.is_(None))
                           .values(status=CallbackAttempt.LOST, ended_at=stale)
                           .execution_options(synchronize_session=False))
        db.session.commit()
        if unanswered(request_id, number, f"attempt {number}: no final status from Twilio", now) != "stale":
            recovered += 1
    return recovered
