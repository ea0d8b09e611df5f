"""A real Celery worker runs a real task from a real broker: the embedded SQLite one and Redis."""

import time
import uuid

import pytest
import redis
from sqlalchemy import select

from hotline.celery_app import enqueue
from hotline.extensions import db
from hotline.health.models import Heartbeat
from tests.conftest import REDIS_URL, server_missing
from tests.workers import celery_worker

pytestmark = pytest.mark.worker


def wait_for_heartbeat(nonce: str, seconds: float = 60) -> Heartbeat:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        beat = db.session.scalar(select(Heartbeat).where(Heartbeat.nonce == nonce))
        if beat is not None:
            return beat
        db.session.rollback()
        time.sleep(0.2)
    raise AssertionError(f"no worker ran the heartbeat {nonce} within {seconds}s")


def run_heartbeat_through(app, database_url: str, broker_url: str) -> Heartbeat:
    """Enqueue a heartbeat from ``app`` on ``broker_url`` and wait for a real worker to run it."""
    queue, nonce = f"test-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    with app.app_context():
        assert enqueue("tasks.health.heartbeat", nonce, queue=queue) is True
        with celery_worker(database_url, broker_url, queue):
            return wait_for_heartbeat(nonce)


def test_task_through_a_worker_on_the_sqlite_broker(app, app_factory, database_url, tmp_path):
    broker = f"sqla+sqlite:///{tmp_path / 'broker.db'}"
    beat = run_heartbeat_through(app_factory(database_url, broker), database_url, broker)
    assert beat.worker


@pytest.mark.redis
def test_task_through_a_worker_on_redis(app, app_factory, database_url):
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        server_missing("Redis", str(exc))
    beat = run_heartbeat_through(app_factory(database_url, REDIS_URL), database_url, REDIS_URL)
    assert beat.worker


def test_enqueue_with_the_broker_down_returns_false(app_factory, database_url):
    app = app_factory(database_url, "redis://127.0.0.1:1/0")
    with app.app_context():
        assert enqueue("tasks.health.heartbeat", "never") is False
