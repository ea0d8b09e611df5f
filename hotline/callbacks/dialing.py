"""Placing one callback (the body of the ``place_callback`` task): safe to run twice.

1. The request must be ``scheduled`` (the dispatcher's claim), its number one the hotline calls
   (the last line: a request that slipped in, or settings since narrowed, is ``refused``, never
   dialled), and the caller's window open.
2. Take a dialing slot from the pacer and sleep until it; the claim is stretched past the slot so
   no other worker takes the request while this one waits.
3. ``scheduled → dialing`` with a conditional UPDATE: of two copies of the task only one passes,
   and only it asks Twilio. The attempt row is committed before the REST call, so a status
   callback that beats our bookkeeping still finds it.
4. Twilio's answer: a CallSid (the status callbacks take over), a 4xx (the number cannot be called:
   failed, no retry), a 5xx or a refused connection (not placed: pending again, with backoff, not
   counted), or no answer at all (unknown: the attempt stands and the claim's expiry decides).
"""

import logging
from datetime import datetime, timedelta, timezone

import requests
from flask import current_app
from sqlalchemy import update
from urllib3.exceptions import ConnectTimeoutError

from hotline.callbacks.models import CallbackAttempt, CallbackRequest
from hotline.callbacks.pacer import reserve_slot, wait_for
from hotline.callbacks.windows import callback_hours, to_utc_naive
from hotline.extensions import db
from hotline.phones import why_not_served
from hotline.twilio import TwilioException, rest_client

log = logging.getLogger(__name__)
ANSWER_PATH = "/twilio/voice/callback/{request_id}"  # the outbound call's TwiML (views.py)
STATUS_PATH = "/twilio/voice/callback/{request_id}/status"  # its status callback
STATUS_EVENTS = ["initiated", "ringing", "answered", "completed"]
REST_TIMEOUT_SECONDS = 10  # Twilio answers calls.create in well under a second
BACKOFF_SECONDS, BACKOFF_MAX_SECONDS = 60, 3600  # Twilio errors: 1, 2, 4 … 60 minutes


def place_callback(request_id: int) -> str:
    """Ask Twilio to call the person back, once per claim; returns what happened, in a word."""
    config = current_app.config
    request = db.session.get(CallbackRequest, request_id)
    if request is None:
        return "missing"
    if request.status != CallbackRequest.SCHEDULED:
        return f"skipped ({request.status})"  # a duplicate task, or the claim was released or used
    now = datetime.now(timezone.utc)
    why = why_not_served(request.caller, config["CALLBACK_COUNTRIES"])
    if why is not None:
        return _refuse(request_id, f"not served: {why}", now)
    hours = callback_hours(config, request.timezone or config["CALLBACK_DEFAULT_TIMEZONE"])
    if not hours.is_open(now):  # it waited in the queue past closing time
        _release(request_id, hours.next_start(now), now)
        return "outside_window"
    sender = config["TWILIO_CALLER_ID"] or request.hotline_number
    if not sender or not config["PUBLIC_BASE_URL"]:
        _release(request_id, now + timedelta(seconds=BACKOFF_MAX_SECONDS), now,
                 "cannot dial: set TWILIO_CALLER_ID and PUBLIC_BASE_URL")
        return "not_configured"
    wait_for(_take_slot(request))
    attempt = start_attempt(request_id, datetime.now(timezone.utc))
    if attempt is None:
        return "taken"  # another copy of this task got there first
    return _dial(request, attempt, sender)


def _take_slot(request: CallbackRequest) -> float:
    """A dialing slot from the pacer (Unix time). If waiting for it would eat into the claim, the
    claim is stretched past it in the same transaction, so no other worker takes the request."""
    config = current_app.config
    claimed_until = request.claimed_until
    slot = reserve_slot(config["TWILIO_ACCOUNT_SID"], config["TWILIO_CALLS_PER_SECOND"], commit=False)
    claim = timedelta(seconds=config["CALLBACK_CLAIM_SECONDS"])
    stretched = to_utc_naive(datetime.fromtimestamp(slot, timezone.utc) + claim)
    if claimed_until is None or claimed_until < stretched - claim / 2:
        db.session.execute(update(CallbackRequest)
                           .where(CallbackRequest.id == request.id,
                                  CallbackRequest.status == CallbackRequest.SCHEDULED)
                           .values(claimed_until=stretched)
                           .execution_options(synchronize_session=False))
    db.session.commit()
    return slot


def start_attempt(request_id: int, now: datetime) -> CallbackAttempt | None:
    """``scheduled → dialing`` (the one place that fences a dial) and the attempt's row; None when
    the request is no longer scheduled."""
    claim = timedelta(seconds=current_app.config["CALLBACK_CLAIM_SECONDS"])
    number = db.session.execute(
        update(CallbackRequest)
        .where(CallbackRequest.id == request_id, CallbackRequest.status == CallbackRequest.SCHEDULED)
        .values(status=CallbackRequest.DIALING, attempts=CallbackRequest.attempts + 1,
                claimed_until=to_utc_naive(now + claim), updated_at=to_utc_naive(now))
        .returning(CallbackRequest.attempts)
        .execution_options(synchronize_session=False)
    ).scalar()
    if number is None:
        db.session.rollback()
        return None
    attempt = CallbackAttempt(request_id=request_id, number=number, started_at=to_utc_naive(now))
    db.session.add(attempt)
    db.session.commit()
    return attempt


def _dial(request: CallbackRequest, attempt: CallbackAttempt, sender: str) -> str:
    config = current_app.config
    base, ids = config["PUBLIC_BASE_URL"], {"request_id": request.id}
    query = f"?attempt={attempt.id}"
    client = rest_client()
    client.http_client.timeout = REST_TIMEOUT_SECONDS
    try:
        call = client.calls.create(
            to=request.caller, from_=sender, url=base + ANSWER_PATH.format(**ids) + query, method="POST",
            status_callback=base + STATUS_PATH.format(**ids) + query, status_callback_method="POST",
            status_callback_event=STATUS_EVENTS,
        )
    except TwilioException as exc:
        status = getattr(exc, "status", None)
        reason = f"Twilio {status} {getattr(exc, 'code', '')}: {getattr(exc, 'msg', exc)}"
        if status is not None and 400 <= status < 500 and status != 429:
            return _refused(attempt, reason)
        return _not_placed(attempt, reason)
    except requests.RequestException as exc:
        if _never_sent(exc):
            return _not_placed(attempt, f"Twilio unreachable: {type(exc).__name__}")
        # the request may have reached Twilio: a second call now could ring the person twice
        _set_attempt(attempt.id, error=f"no answer from Twilio: {type(exc).__name__}")
        log.warning("callback %s: calls.create outcome unknown; the claim's expiry decides", request.id)
        return "unknown"
    db.session.execute(update(CallbackRequest).where(CallbackRequest.id == request.id)
                       .values(external_id=call.sid, dial_errors=0)
                       .execution_options(synchronize_session=False))
    _set_attempt(attempt.id, external_id=call.sid, status=call.status or "queued",
                 only_if=CallbackAttempt.REQUESTED)  # commits both
    return "dialing"


def _refused(attempt: CallbackAttempt, reason: str) -> str:
    """A 4xx: Twilio will never call this number (21211 not a valid number, 21215 a blocked country…)."""
    now = to_utc_naive(datetime.now(timezone.utc))
    _set_attempt(attempt.id, status=CallbackAttempt.REFUSED, error=reason, ended_at=now, commit=False)
    db.session.execute(update(CallbackRequest)
                       .where(CallbackRequest.id == attempt.request_id,
                              CallbackRequest.status == CallbackRequest.DIALING)
                       .values(status=CallbackRequest.FAILED, last_error=reason[:500], claimed_until=None,
                               next_attempt_at=None, updated_at=now)
                       .execution_options(synchronize_session=False))
    db.session.commit()
    return "failed"


def _refuse(request_id: int, reason: str, now: datetime) -> str:
    """A number the hotline does not call: ``refused`` with the reason, never dialled."""
    db.session.execute(update(CallbackRequest)
                       .where(CallbackRequest.id == request_id, CallbackRequest.status == CallbackRequest.SCHEDULED)
                       .values(status=CallbackRequest.REFUSED, last_error=reason, claimed_until=None,
                               next_attempt_at=None, updated_at=to_utc_naive(now))
                       .execution_options(synchronize_session=False))
    db.session.commit()
    log.warning("callback %s refused: %s", request_id, reason)
    return "refused"


def _not_placed(attempt: CallbackAttempt, reason: str) -> str:
    """Twilio did not take the call: pending again after a growing pause; the attempt is not counted."""
    config, now = current_app.config, datetime.now(timezone.utc)
    request = db.session.get(CallbackRequest, attempt.request_id, populate_existing=True)
    delay = timedelta(seconds=min(BACKOFF_SECONDS * 2 ** request.dial_errors, BACKOFF_MAX_SECONDS))
    hours = callback_hours(config, request.timezone or config["CALLBACK_DEFAULT_TIMEZONE"])
    _set_attempt(attempt.id, status=CallbackAttempt.ERROR, error=reason, ended_at=to_utc_naive(now), commit=False)
    db.session.execute(update(CallbackRequest)
                       .where(CallbackRequest.id == attempt.request_id,
                              CallbackRequest.status == CallbackRequest.DIALING,
                              CallbackRequest.attempts == attempt.number)
                       .values(status=CallbackRequest.PENDING, attempts=CallbackRequest.attempts - 1,
                               dial_errors=CallbackRequest.dial_errors + 1, last_error=reason[:500],
                               claimed_until=None, updated_at=to_utc_naive(now),
                               next_attempt_at=to_utc_naive(hours.next_start(now + delay)))
                       .execution_options(synchronize_session=False))
    db.session.commit()
    return "retry"


def _release(request_id: int, at: datetime, now: datetime, reason: str | None = None) -> None:
    """Give the claim back without dialing: pending again at ``at``."""
    values = {"status": CallbackRequest.PENDING, "next_attempt_at": to_utc_naive(at), "claimed_until": None,
              "updated_at": to_utc_naive(now)}
    if reason:
        values["last_error"] = reason
    db.session.execute(update(CallbackRequest)
                       .where(CallbackRequest.id == request_id, CallbackRequest.status == CallbackRequest.SCHEDULED)
                       .values(**values).execution_options(synchronize_session=False))
    db.session.commit()


def _set_attempt(attempt_id: int, only_if: str | None = None, commit: bool = True, **values) -> None:
    statement = update(CallbackAttempt).where(CallbackAttempt.id == attempt_id)
    if only_if:  # a status callback may already have said more than calls.create did
        statement = statement.where(CallbackAttempt.status == only_if)
    if "error" in values:
        values["error"] = values["error"][:500]
    db.session.execute(statement.values(**values).execution_options(synchronize_session=False))
    if commit:
        db.session.commit()


def _never_sent(exc: requests.RequestException) -> bool:
    """The connection was refused or never made, so Twilio cannot have seen the request."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(exc, requests.ConnectionError) and isinstance(reason, ConnectTimeoutError)
