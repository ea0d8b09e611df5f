"""``flask report unmatched``: the texts nobody understood, grouped, for operators to add spellings."""

from datetime import timedelta

from sqlalchemy import update

from hotline.extensions import db
from hotline.messaging.models import SmsMessage
from hotline.sms.report import unmatched_texts
from hotline.sms.simulate import SmsSimulator
from hotline.timeutil import utcnow


def send(app, caller: str, *messages: str) -> None:
    for exchange in SmsSimulator(app, caller=caller).conversation(list(messages)):
        assert exchange.reply  # every message gets an answer, the command list included


def test_unmatched_texts_are_grouped_by_their_normalised_form(app, runner):
    send(app, "+996555000101", "Salam, kandaisyz?", "KOMOK OSH", "asdf")
    send(app, "+996555000102", "salam kandaisyz")
    send(app, "+996555000103", "SALAM   KANDAISYZ!!")
    result = runner.invoke(args=["report", "unmatched"])
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.output.splitlines()[1:]]
    # three people, three spellings, one text to add; then the one-off
    assert rows[0][:2] == ["3", "3"] and rows[0][4:6] == ["salam", "kandaisiz"]
    assert rows[1][:2] == ["1", "1"] and rows[1][4] == "asdf"
    assert len(rows) == 2  # KOMOK OSH was understood


def test_the_period_and_the_limit(app_ctx):
    send(app_ctx, "+996555000104", "blabla", "tralala", "tralala")
    db.session.execute(update(SmsMessage).where(SmsMessage.body == "blabla")
                       .values(created_at=utcnow() - timedelta(days=40)))
    db.session.commit()
    now = utcnow() + timedelta(seconds=1)
    recent = unmatched_texts(db.session, now - timedelta(days=30), now)
    assert [(t.normalized, t.messages, t.numbers) for t in recent] == [("tralala", 2, 1)]
    everything = unmatched_texts(db.session, now - timedelta(days=41), now, limit=1)
    assert [t.normalized for t in everything] == ["tralala"]  # the most frequent first
    assert len(unmatched_texts(db.session, now - timedelta(days=41), now)) == 2


def test_nothing_unmatched_says_so(app, runner):
    result = runner.invoke(args=["report", "unmatched", "--days", "1"])
    assert result.exit_code == 0 and result.output.startswith("no unmatched messages")
