"""Callback fixtures: an app that can dial (a fake Twilio, a public URL, hours always open), signed
webhooks, a live HTTP server for the fake's status callbacks, and rows made at fixed instants."""

import threading
from contextlib import contextmanager
from datetime import datetime, timezone

import pytest
from werkzeug.serving import make_server

from hotline.callbacks.models import CallbackRequest
from hotline.callbacks.windows import to_utc_naive
from hotline.extensions import db
from tests.twilio_fake import FakeTwilio, SignedTwilio

BASE = "http://hotline.test"  # PUBLIC_BASE_URL of the in-process app: Twilio signs this address
ALWAYS = "mon-sun 00:00-24:00"
CALLER_ID = "+996312000100"


def dial_settings(fake_url: str, **overrides) -> dict:
    """Settings for an app that places calls at once, whatever the time of day the tests run."""
    return {"PUBLIC_BASE_URL": BASE, "TWILIO_API_BASE": fake_url, "CALLBACK_HOURS": ALWAYS,
            "TWILIO_CALLS_PER_SECOND": 0.0, "TWILIO_CALLER_ID": CALLER_ID} | overrides


@pytest.fixture
def fake_twilio(app):
    with FakeTwilio(auth_token=app.config["TWILIO_AUTH_TOKEN"]) as fake:
        yield fake


@pytest.fixture
def dial_app(app, app_factory, database_url, broker_url, fake_twilio):
    """An app on the test database that dials the fake Twilio; its own, so settings can differ."""
    return app_factory(database_url, broker_url, **dial_settings(fake_twilio.url))


@pytest.fixture
def dial_ctx(dial_app):
    with dial_app.app_context():
        yield dial_app
        db.session.remove()


@pytest.fixture
def signed(dial_app):
    """Signed webhooks to ``dial_app`` (its PUBLIC_BASE_URL is what Twilio signs)."""
    return SignedTwilio(dial_app.test_client(), dial_app.config["TWILIO_AUTH_TOKEN"], base=BASE)


def add_due(caller: str = "+996555123456", *, status: str = CallbackRequest.PENDING, zone: str = "Asia/Bishkek",
            at: datetime | None = None, **values) -> CallbackRequest:
    """A request due at ``at`` (default: now), committed."""
    at = at or datetime.now(timezone.utc)
    request = CallbackRequest(caller=caller, source="menu", status=status, timezone=zone,
                              next_attempt_at=to_utc_naive(at), **values)
    db.session.add(request)
    db.session.commit()
    return request


@contextmanager
def live_server(app):
    """Serve ``app`` over HTTP on 127.0.0.1 (the fake Twilio posts status callbacks to it); sets
    ``PUBLIC_BASE_URL`` to its address for the block."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    previous = app.config["PUBLIC_BASE_URL"]
    app.config["PUBLIC_BASE_URL"] = base
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()
        app.config["PUBLIC_BASE_URL"] = previous
