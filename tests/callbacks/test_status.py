"""Status callbacks drive the retry ladder: busy / no-answer / failed → the next rung inside the
caller's window, at most CALLBACK_MAX_ATTEMPTS; answered → completed; late or repeated ones change
nothing."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from hotline.callbacks.dialing import start_attempt
from hotline.callbacks.models import CallbackAttempt, CallbackRequest
from hotline.callbacks.outcomes import apply_call_status
from hotline.callbacks.windows import to_utc_naive
from hotline.extensions import db
from tests.callbacks.conftest import add_due

MONDAY_NOON_MOSCOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def dialing(request: CallbackRequest, now: datetime) -> CallbackAttempt:
    """What the dispatcher and place_callback do before Twilio answers: scheduled → dialing."""
    request.status = CallbackRequest.SCHEDULED
    db.session.commit()
    attempt = start_attempt(request.id, now)
    attempt.external_id = f"CA{request.id:04d}{attempt.number:02d}" + "0" * 26
    db.session.commit()
    return attempt


def row(request_id: int) -> CallbackRequest:
    return db.session.get(CallbackRequest, request_id, populate_existing=True)


@pytest.mark.parametrize("outcomes", [("busy", "no-answer", "failed"), ("no-answer", "no-answer", "no-answer")])
def test_the_ladder_ends_in_no_answer(dial_ctx, outcomes):
    dial_ctx.config["CALLBACK_HOURS"] = "mon-sat 09:00-20:00"
    try:
        request = add_due("+79261234567", zone="Europe/Moscow", at=MONDAY_NOON_MOSCOW)
        now, ladder = MONDAY_NOON_MOSCOW, []
        for outcome in outcomes:
            attempt = dialing(request, now)
            status = apply_call_status(request.id, attempt.id, attempt.external_id, outcome, 0, now)
            current = row(request.id)
            ladder.append((status, current.attempts, current.next_attempt_at))
            now = now + timedelta(minutes=45)
    finally:
        dial_ctx.config["CALLBACK_HOURS"] = "mon-sun 00:00-24:00"
    assert ladder == [
        ("pending", 1, to_utc_naive(MONDAY_NOON_MOSCOW + timedelta(minutes=15))),
        ("pending", 2, to_utc_naive(MONDAY_NOON_MOSCOW + timedelta(minutes=45 + 30))),
        ("no_answer", 3, None),
    ]
    assert outcomes[-1] in row(request.id).last_error


def test_a_retry_that_falls_after_hours_waits_for_the_next_window(dial_ctx):
    dial_ctx.config["CALLBACK_HOURS"] = "mon-sat 09:00-20:00"
    try:
        evening = datetime(2026, 3, 7, 16, 50, tzinfo=timezone.utc)  # Saturday 19:50 in Moscow
        request = add_due("+79261234567", zone="Europe/Moscow", at=evening)
        attempt = dialing(request, evening)
        assert apply_call_status(request.id, attempt.id, attempt.external_id, "busy", 0, evening) == "pending"
    finally:
        dial_ctx.config["CALLBACK_HOURS"] = "mon-sun 00:00-24:00"
    # 20:05 is after hours and Sunday is a day off: Monday 09:00 in Moscow
    assert row(request.id).next_attempt_at == datetime(2026, 3, 9, 6, 0)


@pytest.mark.parametrize("sequence", [("ringing", "in-progress", "completed"), ("completed",),
                                      ("in-progress",), ("completed", "ringing", "busy")])
def test_answered_is_done(dial_ctx, signed, sequence):
    request = add_due()
    attempt = dialing(request, datetime.now(timezone.utc))
    for call_status in sequence:
        response = signed.post(f"/twilio/voice/callback/{request.id}/status?attempt={attempt.id}",
                               CallSid=attempt.external_id, CallStatus=call_status, CallDuration="42")
        assert response.status_code == 204
    assert (row(request.id).status, row(request.id).attempts) == ("completed", 1)
    stored = db.session.get(CallbackAttempt, attempt.id, populate_existing=True)
    assert stored.status in ("completed", "in-progress")  # a late "ringing" or "busy" does not undo it


def test_a_repeated_or_stale_callback_changes_nothing(dial_ctx, signed):
    request = add_due()
    first = dialing(request, datetime.now(timezone.utc))
    url = f"/twilio/voice/callback/{request.id}/status?attempt={first.id}"
    for _ in range(2):  # the same final status twice: one rung, not two
        signed.post(url, CallSid=first.external_id, CallStatus="busy")
    assert (row(request.id).status, row(request.id).attempts) == ("pending", 1)
    second = dialing(row(request.id), datetime.now(timezone.utc))
    signed.post(url, CallSid=first.external_id, CallStatus="no-answer")  # attempt 1, arriving late
    assert (row(request.id).status, row(request.id).attempts) == ("dialing", 2)
    signed.post(f"/twilio/voice/callback/{request.id}/status?attempt={second.id}",
                CallSid=second.external_id, CallStatus="completed", CallDuration="12")
    assert row(request.id).status == "completed"
    statuses = db.session.execute(select(CallbackAttempt.number, CallbackAttempt.status)
                                  .order_by(CallbackAttempt.id)).all()
    assert [tuple(s) for s in statuses] == [(1, "busy"), (2, "completed")]


@pytest.mark.parametrize(("path", "params", "status"), [
    ("/twilio/voice/callback/{id}/status?attempt={attempt}", {"CallStatus": "busy"}, 400),  # no CallSid
    ("/twilio/voice/callback/{id}/status?attempt={attempt}", {"CallSid": "CA1"}, 400),  # no CallStatus
    ("/twilio/voice/callback/{id}/status", {"CallSid": "CA1", "CallStatus": "busy"}, 400),  # no attempt
    ("/twilio/voice/callback/{id}/status?attempt=x1", {"CallSid": "CA1", "CallStatus": "busy"}, 400),
    ("/twilio/voice/callback/{id}/status?attempt=999999", {"CallSid": "CA1", "CallStatus": "busy"}, 404),
    ("/twilio/voice/callback/{other}/status?attempt={attempt}", {"CallSid": "CA1", "CallStatus": "busy"}, 404),
    ("/twilio/voice/callback/{id}/status?attempt={attempt}", {"sign": False, "CallSid": "CA1", "CallStatus": "busy"},
     403),
])
def test_bad_status_callbacks_are_refused(dial_ctx, signed, path, params, status):
    request, other = add_due("+996555000001"), add_due("+996555000002")
    attempt = dialing(request, datetime.now(timezone.utc))
    url = path.format(id=request.id, other=other.id, attempt=attempt.id)
    assert signed.post(url, **params).status_code == status
    assert row(request.id).status == "dialing"
