"""The dispatcher and place_callback as plain functions (no worker): claims, windows, budget,
stale claims, idempotency, and what each answer of Twilio's REST API does to a request."""

import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from hotline.callbacks import dialing
from hotline.callbacks.dialing import place_callback
from hotline.callbacks.dispatch import claim_due, dial_budget, dispatch_due, recover_expired
from hotline.callbacks.models import CallbackAttempt, CallbackRequest
from hotline.callbacks.windows import to_utc_naive
from hotline.extensions import db
from tests.callbacks.conftest import BASE, CALLER_ID, add_due, dial_settings

MONDAY_EVENING = datetime(2026, 3, 2, 14, 30, tzinfo=timezone.utc)  # 20:30 Bishkek (closed), 17:30 Moscow (open)


def fresh(request_id: int) -> CallbackRequest:
    return db.session.get(CallbackRequest, request_id, populate_existing=True)


def attempts(request_id: int) -> list[CallbackAttempt]:
    return list(db.session.scalars(select(CallbackAttempt).where(CallbackAttempt.request_id == request_id)
                                   .order_by(CallbackAttempt.id)))


def scheduled(caller: str = "+996555123456", **values) -> CallbackRequest:
    claim = datetime.now(timezone.utc) + timedelta(minutes=5)
    return add_due(caller, status=CallbackRequest.SCHEDULED, claimed_until=to_utc_naive(claim), **values)


@pytest.fixture
def hours_app(app, app_factory, database_url, broker_url, fake_twilio):
    """Real service hours (mon-sat 09:00-20:00) for the window tests."""
    made = app_factory(database_url, broker_url, **dial_settings(fake_twilio.url, CALLBACK_HOURS="mon-sat 09:00-20:00"))
    with made.app_context():
        yield made
        db.session.remove()


def test_claims_due_requests_whose_window_is_open(hours_app):
    moscow = add_due("+79261234567", zone="Europe/Moscow", at=MONDAY_EVENING - timedelta(minutes=1))
    bishkek = add_due("+996555123456", zone="Asia/Bishkek", at=MONDAY_EVENING - timedelta(minutes=1))
    later = add_due("+79261234568", zone="Europe/Moscow", at=MONDAY_EVENING + timedelta(hours=1))
    assert claim_due(db.session, MONDAY_EVENING, limit=10) == [moscow.id]
    assert fresh(moscow.id).status == "scheduled"
    assert fresh(moscow.id).claimed_until == to_utc_naive(MONDAY_EVENING + timedelta(seconds=300))
    # closed in Bishkek: moved to Tuesday 09:00 there, not claimed
    assert (fresh(bishkek.id).status, fresh(bishkek.id).next_attempt_at) == ("pending", datetime(2026, 3, 3, 3, 0))
    assert fresh(later.id).status == "pending"
    assert claim_due(db.session, MONDAY_EVENING, limit=10) == []  # nothing is claimed twice


def test_claims_at_most_the_limit_oldest_first(dial_ctx):
    now = datetime.now(timezone.utc)
    rows = [add_due(f"+99655512340{i}", at=now - timedelta(minutes=10 - i)) for i in range(5)]
    assert claim_due(db.session, now, limit=3) == [r.id for r in rows[:3]]
    assert claim_due(db.session, now, limit=3) == [r.id for r in rows[3:]]


def test_budget_is_the_horizon_at_the_call_rate_less_what_is_queued(dial_ctx):
    dial_ctx.config["TWILIO_CALLS_PER_SECOND"] = 1.0
    try:
        scheduled("+996555000001")
        scheduled("+996555000002")
        assert dial_budget(datetime.now(timezone.utc)) == 30 - 2
    finally:
        dial_ctx.config["TWILIO_CALLS_PER_SECOND"] = 0.0


def test_broker_down_leaves_the_request_waiting(app, app_factory, database_url, fake_twilio):
    down = app_factory(database_url, "redis://127.0.0.1:1/0", **dial_settings(fake_twilio.url))
    with down.app_context():
        request = add_due()
        assert dispatch_due() == {"recovered": 0, "claimed": 1, "queued": 0}
        row = fresh(request.id)
        assert (row.status, row.claimed_until) == ("pending", None)  # released at once, due at the next run
        db.session.remove()


def test_stale_claims_are_taken_back(dial_ctx):
    now = datetime.now(timezone.utc)
    lost_task = add_due("+996555000001", status="scheduled", claimed_until=to_utc_naive(now - timedelta(seconds=1)))
    silent_call = add_due("+996555000002", status="dialing", attempts=1,
                          claimed_until=to_utc_naive(now - timedelta(seconds=1)))
    db.session.add(CallbackAttempt(request_id=silent_call.id, number=1, status="requested"))
    live = add_due("+996555000003", status="scheduled", claimed_until=to_utc_naive(now + timedelta(minutes=1)))
    db.session.commit()
    assert recover_expired(now) == 2
    assert fresh(lost_task.id).status == "pending"  # never dialled: due again, no attempt spent
    row = fresh(silent_call.id)  # dialled, outcome unknown: counted, and the ladder's next rung
    assert (row.status, row.attempts, row.next_attempt_at) == ("pending", 1, to_utc_naive(now + timedelta(minutes=15)))
    assert [a.status for a in attempts(silent_call.id)] == ["lost"]
    assert fresh(live.id).status == "scheduled"


def test_place_callback_asks_twilio_once(dial_ctx, fake_twilio):
    request = scheduled(hotline_number="+996312000000")
    assert place_callback(request.id) == "dialing"
    assert place_callback(request.id) == "skipped (dialing)"  # the same task again: nothing more
    [call] = fake_twilio.calls()
    [attempt] = attempts(request.id)
    assert (call["To"], call["From"], call["Method"]) == ("+996555123456", CALLER_ID, "POST")
    assert call["Url"] == f"{BASE}/twilio/voice/callback/{request.id}?attempt={attempt.id}"
    assert call["StatusCallback"] == f"{BASE}/twilio/voice/callback/{request.id}/status?attempt={attempt.id}"
    assert fake_twilio.requests[0]["lists"]["StatusCallbackEvent"] == ["initiated", "ringing", "answered", "completed"]
    row = fresh(request.id)
    assert (row.status, row.attempts, row.external_id) == ("dialing", 1, attempt.external_id)
    assert attempt.external_id.startswith("CA") and attempt.number == 1


def test_without_a_caller_id_the_number_reached_is_used(dial_ctx, fake_twilio):
    dial_ctx.config["TWILIO_CALLER_ID"] = ""
    try:
        place_callback(scheduled(hotline_number="+996312000200").id)
    finally:
        dial_ctx.config["TWILIO_CALLER_ID"] = CALLER_ID
    assert fake_twilio.calls()[0]["From"] == "+996312000200"


def test_two_copies_running_at_once_dial_once(dial_app, fake_twilio):
    with dial_app.app_context():
        request_id = scheduled().id
    results = []

    def run():
        with dial_app.app_context():
            results.append(place_callback(request_id))
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("dialing") == 1, results
    assert len(fake_twilio.calls()) == 1


def test_an_invalid_number_fails_without_retry(dial_ctx, fake_twilio):
    request = scheduled()
    fake_twilio.fail_next(400, code=21211, message="The 'To' number +996555123456 is not a valid phone number.")
    assert place_callback(request.id) == "failed"
    row = fresh(request.id)
    assert row.status == "failed" and "21211" in row.last_error and "not a valid phone number" in row.last_error
    assert [a.status for a in attempts(request.id)] == ["refused"]
    assert dispatch_due()["claimed"] == 0  # never picked up again


@pytest.mark.parametrize("status", [500, 503, 429])
def test_twilio_errors_retry_with_backoff_without_spending_an_attempt(dial_ctx, fake_twilio, status):
    request = scheduled()
    for expected_delay in (60, 120):
        fake_twilio.fail_next(status)
        before = datetime.now(timezone.utc)
        assert place_callback(request.id) == "retry"
        row = fresh(request.id)
        assert (row.status, row.attempts, row.claimed_until) == ("pending", 0, None)
        delay = (row.next_attempt_at - to_utc_naive(before)).total_seconds()
        assert expected_delay <= delay < expected_delay + 5
        row.status = "scheduled"  # as the dispatcher would, once due
        db.session.commit()
    assert place_callback(request.id) == "dialing"
    row = fresh(request.id)
    assert (row.attempts, row.dial_errors) == (1, 0)
    assert [a.status for a in attempts(request.id)] == ["error", "error", "queued"]


def test_twilio_unreachable_is_not_an_attempt(dial_ctx):
    dial_ctx.config["TWILIO_API_BASE"] = "http://127.0.0.1:1"
    request = scheduled()
    assert place_callback(request.id) == "retry"
    assert (fresh(request.id).status, fresh(request.id).attempts) == ("pending", 0)
    assert "unreachable" in fresh(request.id).last_error


def test_no_answer_from_twilio_waits_for_evidence(dial_ctx, fake_twilio, monkeypatch):
    """A REST call that timed out may have placed the call: never dial again at once."""
    monkeypatch.setattr(dialing, "REST_TIMEOUT_SECONDS", 0.3)
    fake_twilio.slow = 1.0
    request = scheduled()
    assert place_callback(request.id) == "unknown"
    row = fresh(request.id)
    assert (row.status, row.attempts) == ("dialing", 1)  # the claim's expiry (or a status callback) decides
    assert "no answer from Twilio" in attempts(request.id)[0].error


def test_outside_the_window_the_claim_is_given_back(hours_app, fake_twilio):
    sunday = "sun 09:00-10:00" if datetime.now(timezone.utc).weekday() != 6 else "mon 09:00-10:00"
    hours_app.config["CALLBACK_HOURS"] = sunday
    request = scheduled()
    assert place_callback(request.id) == "outside_window"
    assert fresh(request.id).status == "pending" and fresh(request.id).next_attempt_at > datetime.now()
    assert fake_twilio.calls() == []


def test_without_a_public_url_nothing_is_dialled(dial_ctx, fake_twilio):
    dial_ctx.config["PUBLIC_BASE_URL"] = ""
    try:
        request = scheduled()
        assert place_callback(request.id) == "not_configured"
    finally:
        dial_ctx.config["PUBLIC_BASE_URL"] = BASE
    assert fresh(request.id).status == "pending" and "PUBLIC_BASE_URL" in fresh(request.id).last_error
    assert fake_twilio.calls() == []
