"""The SMS log's writer against the database: two web processes flushing at once (here, two writers
on their own connections, in two threads), the way two gunicorn workers do. On PostgreSQL the rows
go in by ``COPY`` and upserts through a temporary table; on SQLite by ``executemany``."""

import threading
from datetime import datetime

from sqlalchemy import func, select

from hotline.extensions import db
from hotline.messaging.models import SmsMessage
from hotline.sms.conversation import Update
from hotline.sms.log import LogEntry, Writer
from hotline.sms.models import SmsConversation

NUMBERS = [f"+99670055{n:04d}" for n in range(10)]
WINDOW = datetime(2026, 12, 6, 5, 0)


def entry(writer: int, n: int) -> LogEntry:
    number, sid, at = NUMBERS[n % len(NUMBERS)], f"SM{writer}{n:031d}", datetime(2026, 12, 6, 5, 1)
    row = {"external_id": sid, "direction": SmsMessage.INBOUND, "caller": number, "hotline_number": "+996312000000",
           "body": "bala", "normalized": "bala", "command": "children", "encoding": "GSM-7", "segments": 1,
           "status": SmsMessage.RECEIVED, "error": None, "call_sid": None, "reply_to_id": None,
           "created_at": at, "updated_at": at}
    reply = row | {"external_id": None, "direction": SmsMessage.OUTBOUND, "body": f"reply to {sid}",
                   "status": SmsMessage.REPLIED}
    update = Update(number=number, sid=sid, at=at, script="latin", language="ky", region="osh", place=None,
                    menu=None, last_command="children", last_reply=reply["body"], window_started_at=WINDOW,
                    check_rule=None, check_answers=None, replies=1)
    return LogEntry(row, reply, update)


def test_two_writers_flushing_at_once_lose_nothing_and_add_up_the_replies(app_ctx):
    batches, size, engine = 20, 10, db.engine
    failures: list[BaseException] = []

    def flush_all(writer_id: int) -> None:
        writer = Writer()  # a connection of its own, as in another process
        try:
            for batch in range(batches):
                writer.write(engine, [entry(writer_id, batch * size + k) for k in range(size)])
        except BaseException as error:  # a deadlock between the two would land here
            failures.append(error)

    threads = [threading.Thread(target=flush_all, args=(writer_id,)) for writer_id in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures and not any(thread.is_alive() for thread in threads)

    messages = db.session.scalars(select(SmsMessage).order_by(SmsMessage.id)).all()
    inbound = {m.id: m for m in messages if m.direction == SmsMessage.INBOUND}
    replies = [m for m in messages if m.direction == SmsMessage.OUTBOUND]
    assert len(inbound) == len(replies) == 2 * batches * size
    for reply in replies:  # each reply to its own message
        message = inbound[reply.reply_to_id]
        assert (reply.body, reply.caller) == (f"reply to {message.external_id}", message.caller)
        assert reply.id > message.id
    # every number got 40 replies in one window, from both writers: the upserts added them up
    counts = dict(db.session.execute(select(SmsConversation.number, SmsConversation.replies)).all())
    assert counts == {number: 2 * batches * size // len(NUMBERS) for number in NUMBERS}


def test_a_batch_written_again_adds_nothing(app_ctx):
    """A flush that failed after the database committed it (the connection dropped at the wrong
    moment) is written again by the next flush: the messages are there once, with one reply each."""
    entries = [entry(1, n) for n in range(5)]
    writer = Writer()
    writer.write(db.engine, entries)
    writer.write(db.engine, entries)
    by_direction = dict(db.session.execute(
        select(SmsMessage.direction, func.count()).group_by(SmsMessage.direction)).all())
    assert by_direction == {SmsMessage.INBOUND: 5, SmsMessage.OUTBOUND: 5}
