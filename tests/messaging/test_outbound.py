"""Outbound SMS: the outbox row, sending through (fake) Twilio, idempotency, failures, the sweeper."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import event, select

from hotline.extensions import db
from hotline.messaging.models import SmsMessage, SmsOptOut
from hotline.messaging.outbound import TransientSendError, queue_sms, queued_ids, send_sms, update_status
from hotline.sms.render import render_sms_reply
from hotline.sms.report import unmatched_texts
from tests.twilio_fake import FakeTwilio, SignedTwilio
from tests.workers import celery_worker, wait_until

NUMBER = "+79261234567"


@pytest.fixture
def fake_twilio(app):
    with FakeTwilio() as fake:
        previous = app.config["TWILIO_API_BASE"]
        app.config["TWILIO_API_BASE"] = fake.url
        yield fake
        app.config["TWILIO_API_BASE"] = previous


def queued(text="Балага сүйүнчү: 4000 сом. +996312454062"):
    return queue_sms(NUMBER, render_sms_reply([text], script="cyrillic"), hotline_number="+996312000000")


def test_send_goes_to_twilio_once(app_ctx, fake_twilio):
    message = queued()
    assert message.status == "pending" and message.segments == 1 and message.encoding == "UCS-2"
    assert send_sms(message.id) == "queued"  # Twilio's first status for a new message
    assert send_sms(message.id) == "queued"  # the same task again sends nothing
    sent = fake_twilio.messages()
    assert len(sent) == 1
    assert sent[0] == {"To": NUMBER, "From": "+996312000000", "Body": message.body}
    db.session.refresh(message)
    assert message.external_id.startswith("SM")


def test_invalid_number_fails_without_retry(app_ctx, fake_twilio):
    message = queued()
    fake_twilio.fail_next(400, code=21211, message="The 'To' number is not a valid phone number.")
    assert send_sms(message.id) == "failed"
    db.session.refresh(message)
    assert "400" in message.error and "not a valid phone number" in message.error


def test_twilio_5xx_leaves_it_queued_for_a_retry(app_ctx, fake_twilio):
    message = queued()
    fake_twilio.fail_next(503)
    with pytest.raises(TransientSendError):
        send_sms(message.id)
    db.session.refresh(message)
    assert message.status == "pending"
    assert send_sms(message.id) == "queued"
    assert len(fake_twilio.messages()) == 2  # the failed try and the retry


def test_opted_out_numbers_get_nothing(app_ctx):
    db.session.add(SmsOptOut(number=NUMBER))
    db.session.commit()
    assert queued() is None
    assert db.session.scalars(select(SmsMessage)).all() == []


def test_status_callback_updates_the_row(app, app_ctx, fake_twilio):
    message = queued()
    send_sms(message.id)
    db.session.refresh(message)
    twilio = SignedTwilio(app.test_client(), app.config["TWILIO_AUTH_TOKEN"])
    response = twilio.post("/twilio/sms/status", MessageSid=message.external_id, MessageStatus="delivered")
    assert response.status_code == 204
    db.session.refresh(message)
    assert message.status == "delivered"
    assert update_status("SM-not-ours", "delivered") is False


@pytest.mark.worker
def test_voice_handoff_is_sent_by_a_real_worker(app, app_factory, database_url, tmp_path):
    broker = f"sqla+sqlite:///{tmp_path / 'broker.db'}"
    with FakeTwilio() as fake:
        web = app_factory(database_url, broker, TWILIO_API_BASE=fake.url)
        twilio = SignedTwilio(web.test_client(), web.config["TWILIO_AUTH_TOKEN"])
        url = "/twilio/voice/flow/jardam/russia_emergency?l=ru"
        response = twilio.call(url, sid="CA" + "e" * 32, caller=NUMBER, digits="1")
        assert response.status_code == 200
        with celery_worker(database_url, broker, TWILIO_API_BASE=fake.url, TWILIO_ACCOUNT_SID=web.config["TWILIO_ACCOUNT_SID"],
                           TWILIO_AUTH_TOKEN=web.config["TWILIO_AUTH_TOKEN"]):
            wait_until(fake.messages, what="the worker's request to Twilio")

            def sent():
                with web.app_context():
                    row = db.session.scalars(select(SmsMessage)).one()
                    db.session.remove()
                    return row if row.external_id else None

            message = wait_until(sent, what="the message's SID stored")
        assert len(fake.messages()) == 1
        body = fake.messages()[0]["Body"]
        assert "112" in body and "102" in body
        assert message.status == "queued" and message.segments <= 2


def plans(read) -> list[str]:
    """How the database runs the statements ``read()`` sends: SQLite's query plans, or PostgreSQL's."""
    sent = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        read()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    connection = db.session.connection()
    if db.engine.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")  # a test table is tiny: what could it use?
    explain = "EXPLAIN QUERY PLAN " if db.engine.dialect.name == "sqlite" else "EXPLAIN "
    found = [" ".join(str(row[-1] if db.engine.dialect.name == "sqlite" else row[0])
                      for row in connection.exec_driver_sql(explain + sql, params).all()) for sql, params in sent]
    db.session.rollback()
    return found


def test_the_sweeper_and_the_unmatched_report_read_their_partial_indexes(app_ctx):
    """Each reads a few rows of a log that grows by two rows a message, through a partial index that
    holds only those rows (SQLite plans again with the bound values, which match the index's)."""
    assert ["ix_sms_messages_outbox" in plan for plan in plans(queued_ids)] == [True]
    now = datetime.now()
    read = lambda: unmatched_texts(db.session, now - timedelta(days=30), now)  # noqa: E731
    assert ["ix_sms_messages_unmatched" in plan for plan in plans(read)] == [True]
