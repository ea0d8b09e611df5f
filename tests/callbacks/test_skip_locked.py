"""On PostgreSQL two dispatchers claim different rows at once (``FOR UPDATE SKIP LOCKED``): neither
waits for the other, and no request is claimed twice."""

import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from hotline.callbacks.dispatch import claim_due, due_requests
from hotline.extensions import db
from tests.callbacks.conftest import add_due, dial_settings
from tests.conftest import POSTGRES_URL, postgres_reachable, reset_postgres, server_missing

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_app(app, app_factory, broker_url, fake_twilio):
    """The test database when the run is on PostgreSQL, else the PostgreSQL server's, migrated."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        made = app_factory(app.config["SQLALCHEMY_DATABASE_URI"], broker_url, **dial_settings(fake_twilio.url))
    else:
        why = postgres_reachable(POSTGRES_URL)
        if why:
            server_missing("PostgreSQL", why)
        from flask_migrate import upgrade

        reset_postgres(POSTGRES_URL)
        made = app_factory(POSTGRES_URL, broker_url, **dial_settings(fake_twilio.url))
        with made.app_context():
            upgrade()
    with made.app_context():
        yield made
        db.session.execute(text("DELETE FROM callback_requests"))
        db.session.commit()
        db.session.remove()


def test_a_locked_row_is_skipped_not_waited_for(pg_app):
    now = datetime.now(timezone.utc)
    ids = [add_due(f"+99655510000{i}", at=now - timedelta(minutes=10 - i)).id for i in range(6)]
    first, second = Session(db.engine), Session(db.engine)
    try:
        second.execute(text("SET lock_timeout = '2s'"))  # waiting would fail the test, not hang it
        held = [row.id for row in due_requests(first, now, 3)]  # locked, transaction still open
        taken = claim_due(second, now, 3)
        finished = claim_due(first, now, 3)
    finally:
        first.close()
        second.close()
    assert held == ids[:3] and finished == ids[:3]
    assert taken == ids[3:]


def test_racing_dispatchers_never_claim_a_row_twice(pg_app):
    now = datetime.now(timezone.utc)
    for i in range(200):
        add_due(f"+996555{i:06d}", at=now - timedelta(seconds=i))
    claims: list[list[int]] = [[], [], [], []]

    def dispatcher(mine: list[int]):
        with pg_app.app_context():
            session = Session(db.engine)
            while batch := claim_due(session, now, 7):
                mine.extend(batch)
            session.close()

    threads = [threading.Thread(target=dispatcher, args=(mine,)) for mine in claims]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    everything = [request_id for mine in claims for request_id in mine]
    assert len(everything) == len(set(everything)) == 200
    assert sum(1 for mine in claims if mine) > 1  # they really ran side by side
