"""Callbacks through a real Celery worker on a real broker (Redis, and once the embedded SQLite
broker), against the fake Twilio, which plays each call back to a live server of ours: retries
after busy, duplicates, a worker killed mid-task, and the broker down when the request is made."""

import time
import uuid
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import pytest
import redis
from sqlalchemy import select

from hotline.callbacks.dispatch import DISPATCH_TASK, PLACE_TASK, claim_due, dispatch_due
from hotline.callbacks.models import CallbackAttempt, CallbackRequest, DialPacer
from hotline.celery_app import enqueue
from hotline.extensions import db
from tests.callbacks.conftest import ALWAYS, CALLER_ID, dial_settings, live_server
from tests.conftest import NO_AUDIO, REDIS_URL, server_missing
from tests.twilio_fake import SignedTwilio
from tests.workers import celery_worker, wait_until

pytestmark = pytest.mark.worker
PERSON = "+79261234567"


def redis_or_skip() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        server_missing("Redis", str(exc))
    return REDIS_URL


def worker_settings(web, **extra) -> dict:
    """The worker's environment: the web app's Twilio, public URL and callback settings."""
    config = web.config
    return {"TWILIO_API_BASE": config["TWILIO_API_BASE"], "TWILIO_ACCOUNT_SID": config["TWILIO_ACCOUNT_SID"],
            "TWILIO_AUTH_TOKEN": config["TWILIO_AUTH_TOKEN"], "PUBLIC_BASE_URL": config["PUBLIC_BASE_URL"],
            "TWILIO_CALLER_ID": CALLER_ID, "CALLBACK_HOURS": ALWAYS, "CALLBACK_RETRY_MINUTES": "0",
            "TWILIO_CALLS_PER_SECOND": "5", "AUDIO_DIR": NO_AUDIO} | extra


def request_row(web, caller: str = PERSON) -> CallbackRequest | None:
    with web.app_context():
        row = db.session.scalar(select(CallbackRequest).where(CallbackRequest.caller == caller))
        db.session.remove()
        return row


def attempt_statuses(web, request_id: int) -> list[str]:
    with web.app_context():
        statuses = list(db.session.scalars(select(CallbackAttempt.status)
                                           .where(CallbackAttempt.request_id == request_id)
                                           .order_by(CallbackAttempt.id)))
        db.session.remove()
        return statuses


def beat_until(web, queue: str, done, seconds: float = 60):
    """Play beat: queue a dispatch run each second until ``done()`` is truthy."""
    def tick():
        with web.app_context():
            enqueue(DISPATCH_TASK, queue, queue=queue)
        time.sleep(1)
        return done()

    return wait_until(tick, seconds=seconds, interval=0, what="the callback")


def missed_call_is_called_back(web, database_url: str, broker: str, fake):
    """A missed call; the first call back is busy, the second answered: completed, two calls."""
    queue = f"test-cb-{uuid.uuid4().hex[:8]}"
    fake.outcomes[PERSON] = ["busy", "completed"]
    with live_server(web) as base:
        signed = SignedTwilio(web.test_client(), web.config["TWILIO_AUTH_TOKEN"], base=base)
        rejected = signed.post("/twilio/voice/missed", CallSid="CA" + "9" * 32, From=PERSON, To="+996312000200")
        assert ET.fromstring(rejected.data)[0].tag == "Reject"
        with celery_worker(database_url, broker, queue, **worker_settings(web)):
            beat_until(web, queue, lambda: request_row(web).status == "completed")
        fake.wait_for_players()
    request = request_row(web)
    assert [c["To"] for c in fake.calls()] == [PERSON, PERSON]  # one call per attempt, no more
    assert (request.attempts, attempt_statuses(web, request.id)) == (2, ["busy", "completed"])
    [answer] = [w for w in fake.webhooks if f"/callback/{request.id}?attempt=" in w["url"]]
    gather = ET.fromstring(answer["body"]).find("./Gather")
    assert gather is not None and "Вы просили перезвонить" in gather.find("Say").text or \
        "Сиз кайра чалууну сурагансыз" in gather.find("Say").text
    assert all(w["status"] in (200, 204) for w in fake.webhooks), fake.webhooks


@pytest.fixture
def web_factory(app, app_factory, database_url, fake_twilio):
    def make(broker: str, **overrides):
        return app_factory(database_url, broker, **dial_settings(fake_twilio.url, CALLBACK_RETRY_MINUTES=[0],
                                                                 **overrides))
    return make


@pytest.mark.redis
def test_missed_call_called_back_through_redis(web_factory, database_url, fake_twilio):
    broker = redis_or_skip()
    missed_call_is_called_back(web_factory(broker), database_url, broker, fake_twilio)


def test_missed_call_called_back_through_the_sqlite_broker(web_factory, database_url, fake_twilio, tmp_path):
    broker = f"sqla+sqlite:///{tmp_path / 'broker.db'}"
    missed_call_is_called_back(web_factory(broker), database_url, broker, fake_twilio)


@pytest.mark.redis
def test_duplicate_tasks_on_two_workers_dial_once(web_factory, database_url, fake_twilio):
    broker = redis_or_skip()
    web, queue = web_factory(broker), f"test-cb-{uuid.uuid4().hex[:8]}"
    with web.app_context():
        db.session.add(CallbackRequest(caller=PERSON, source="sms", timezone="Europe/Moscow",
                                       next_attempt_at=datetime(2026, 1, 1)))
        db.session.commit()
        [request_id] = claim_due(db.session, datetime.now(timezone.utc), 10)
        for _ in range(4):  # the broker delivered it four times
            assert enqueue(PLACE_TASK, request_id, queue=queue)
    settings = worker_settings(web)
    with celery_worker(database_url, broker, queue, **settings), celery_worker(database_url, broker, queue, **settings):
        wait_until(lambda: redis.Redis.from_url(broker).llen(queue) == 0 and request_row(web).status == "dialing",
                   what="every copy taken")
        time.sleep(2)  # any copy still running finishes
    assert len(fake_twilio.calls()) == 1
    assert attempt_statuses(web, request_id) == ["queued"]


@pytest.mark.redis
def test_a_killed_worker_loses_nothing_and_dials_once(web_factory, database_url, fake_twilio):
    """The worker dies while waiting for its dialing slot; the claim runs out; another worker calls."""
    broker = redis_or_skip()
    web, queue = web_factory(broker, CALLBACK_CLAIM_SECONDS=2), f"test-cb-{uuid.uuid4().hex[:8]}"
    fake_twilio.outcomes[PERSON] = ["completed"]
    with web.app_context():
        db.session.add(CallbackRequest(caller=PERSON, source="missed_call", timezone="Europe/Moscow",
                                       next_attempt_at=datetime(2026, 1, 1)))
        # the account's next slot is 4 s away, so the worker will be asleep inside place_callback
        db.session.add(DialPacer(key=web.config["TWILIO_ACCOUNT_SID"], next_slot=time.time() + 4))
        db.session.commit()
        [request_id] = claim_due(db.session, datetime.now(timezone.utc), 10)
        assert enqueue(PLACE_TASK, request_id, queue=queue)
    settings = worker_settings(web, CALLBACK_CLAIM_SECONDS="2")
    with live_server(web) as base:
        settings["PUBLIC_BASE_URL"] = base
        with celery_worker(database_url, broker, queue, **settings) as doomed:
            claim_start = request_row(web).claimed_until
            wait_until(lambda: request_row(web).claimed_until > claim_start, what="the worker to take its slot")
            doomed.kill()  # SIGKILL mid-task: no cleanup, no acknowledgement of anything
            doomed.wait()
        row = request_row(web)
        assert (row.status, fake_twilio.calls()) == ("scheduled", [])
        with celery_worker(database_url, broker, queue, **settings):
            beat_until(web, queue, lambda: request_row(web).status == "completed")
        fake_twilio.wait_for_players()
    assert len(fake_twilio.calls()) == 1
    assert attempt_statuses(web, request_id) == ["completed"]


@pytest.mark.redis
def test_broker_down_when_asked_then_called_when_it_is_back(web_factory, database_url, fake_twilio):
    broker = redis_or_skip()
    down = web_factory("redis://127.0.0.1:1/0")
    signed = SignedTwilio(down.test_client(), down.config["TWILIO_AUTH_TOKEN"], base=down.config["PUBLIC_BASE_URL"])
    response = signed.post("/twilio/voice/missed", CallSid="CA" + "9" * 32, From=PERSON, To="+996312000200")
    assert ET.fromstring(response.data)[0].tag == "Reject"  # the web never touched the broker
    with down.app_context():
        assert dispatch_due()["queued"] == 0  # beat's run while the broker is down: nothing lost
    assert request_row(down).status == "pending"
    web, queue = web_factory(broker), f"test-cb-{uuid.uuid4().hex[:8]}"
    with celery_worker(database_url, broker, queue, **worker_settings(web)):
        with web.app_context():
            assert dispatch_due(queue=queue)["queued"] == 1
        wait_until(lambda: request_row(web).status == "dialing", what="the call")
    assert [c["To"] for c in fake_twilio.calls()] == [PERSON]
