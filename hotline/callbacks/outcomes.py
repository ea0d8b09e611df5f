"""What Twilio's answers mean for a request: answered → done; busy / no answer → the retry ladder.

Every transition is a conditional UPDATE fenced on the request's status and attempt count, so a
status callback that arrives twice, late or out of order changes nothing it should not.
"""

from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import func, select, update

from hotline.callbacks.models import CallbackAttempt, CallbackRequest
from hotline.callbacks.windows import callback_hours, to_utc_naive
from hotline.extensions import db

ANSWERED = ("in-progress", "completed")  # Twilio's CallStatus once the person picked up
UNANSWERED = ("busy", "no-answer", "failed", "canceled")  # final, and nobody picked up
FINAL = ("completed",) + UNANSWERED


def next_try_at(request: CallbackRequest, now: datetime) -> datetime | None:
    """When the attempt after ``request.attempts`` unanswered calls may start (inside the caller's
    window), or None when ``CALLBACK_MAX_ATTEMPTS`` are spent."""
    config = current_app.config
    if request.attempts >= config["CALLBACK_MAX_ATTEMPTS"]:
        return None
    ladder = config["CALLBACK_RETRY_MINUTES"] or [0]
    minutes = ladder[min(max(request.attempts, 1), len(ladder)) - 1]
    hours = callback_hours(config, request.timezone or config["CALLBACK_DEFAULT_TIMEZONE"])
    return hours.next_start(now + timedelta(minutes=minutes))


def unanswered(request_id: int, number: int, reason: str, now: datetime) -> str:
    """Attempt ``number`` went unanswered: back to pending for the next rung, or no_answer when
    none is left. Returns the new status, or "stale" when the request had moved on."""
    request = db.session.get(CallbackRequest, request_id, populate_existing=True)
    if request is None or request.status != CallbackRequest.DIALING or request.attempts != number:
        return "stale"
    at = next_try_at(request, now)
    status = CallbackRequest.PENDING if at else CallbackRequest.NO_ANSWER
    done = db.session.execute(
        update(CallbackRequest)
        .where(CallbackRequest.id == request_id, CallbackRequest.status == CallbackRequest.DIALING,
               CallbackRequest.attempts == number)
        .values(status=status, next_attempt_at=to_utc_naive(at) if at else None, claimed_until=None,
                last_error=reason[:500], updated_at=to_utc_naive(now))
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return status if done else "stale"


def answered(request_id: int, now: datetime) -> bool:
    """The person picked up: the request is done (whichever attempt it was)."""
    done = db.session.execute(
        update(CallbackRequest)
        .where(CallbackRequest.id == request_id, CallbackRequest.status.in_(CallbackRequest.OPEN))
        .values(status=CallbackRequest.COMPLETED, next_attempt_at=None, claimed_until=None,
                updated_at=to_utc_naive(now))
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return bool(done)


def apply_call_status(request_id: int, attempt_id: int, call_sid: str, call_status: str,
                      duration: int | None = None, now: datetime | None = None) -> str | None:
    """Apply one status callback of attempt ``attempt_id``; returns the request's status after it,
    or None when the attempt is not this request's."""
    now = now or datetime.now(timezone.utc)
    attempt = db.session.get(CallbackAttempt, attempt_id)
    if attempt is None or attempt.request_id != request_id:
        return None
    attempt.external_id = attempt.external_id or call_sid
    if attempt.status not in FINAL:  # "ringing" arriving after "completed" keeps "completed"
        attempt.status = call_status
    if call_status in FINAL:
        attempt.ended_at = attempt.ended_at or to_utc_naive(now)
        attempt.duration_seconds = duration if duration is not None else attempt.duration_seconds
    number = attempt.number
    db.session.commit()
    if call_status in ANSWERED:
        answered(request_id, now)
    elif call_status in UNANSWERED and _is_latest(request_id, attempt_id):
        unanswered(request_id, number, f"attempt {number}: {call_status}", now)
    return db.session.scalar(select(CallbackRequest.status).where(CallbackRequest.id == request_id))


def _is_latest(request_id: int, attempt_id: int) -> bool:
    latest = db.session.scalar(select(func.max(CallbackAttempt.id)).where(CallbackAttempt.request_id == request_id))
    return latest == attempt_id
