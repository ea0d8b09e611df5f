"""Voice fixtures: signed Twilio requests, and reading what a call left behind."""

import pytest
from sqlalchemy import select

from hotline.extensions import db
from hotline.voice.models import CallEvent
from tests.twilio_fake import SignedTwilio


@pytest.fixture
def twilio(app, client):
    return SignedTwilio(client, app.config["TWILIO_AUTH_TOKEN"])


@pytest.fixture
def call_path(app):
    """``call_path(sid)``: the (node, digits, outcome, next node) rows of a call, in order."""

    def read(sid: str) -> list[tuple]:
        with app.app_context():
            rows = db.session.execute(select(CallEvent.node, CallEvent.digits, CallEvent.outcome, CallEvent.next_node)
                                      .where(CallEvent.call_sid == sid).order_by(CallEvent.step, CallEvent.id)).all()
            return [tuple(r) for r in rows]

    return read
