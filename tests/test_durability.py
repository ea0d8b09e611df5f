"""What the hotline answered is on record, whatever happens next; any process answers any request.

Real gunicorn servers (2 sync workers) on the suite's database (SQLite, or PostgreSQL in CI), signed
webhooks over HTTP, and a SIGKILL as a crash: nothing here flushes anything or shortens an interval.
"""

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from hotline.extensions import db
from hotline.messaging.models import SmsMessage
from hotline.sms.models import SmsConversation
from hotline.voice.models import Call, CallEvent
from tests.servers import Twilio, gunicorn

# A conversation with every kind of state a message leaves: the region question and its digit, a
# remembered region, "1 – more", the command list, a language chosen, and an eligibility check
# asked one question at a time (the answers wait in the conversation between messages).
SCRIPT = ["jardam", "9", "jardam", "bala", "1", "menu", "TIL 2", "komok", "2", "2", "4", "3996", "jok", "2", "2"]
VERDICT = '"Üy-bülögö kömök": alyshyñyz mümkün.'


@pytest.fixture
def broker(tmp_path) -> str:
    return f"sqla+sqlite:///{tmp_path / 'broker.db'}"


def test_a_crash_right_after_the_answers_loses_none_of_them(app, database_url, broker):
    """60 SMS and 30 calls (each: the incoming webhook and a key), answered by 4 clients at once,
    then SIGKILL to the master and both workers: every one of them is in the database."""
    messages = [("SM" + uuid.uuid4().hex, f"+9965553{n:05d}", body)
                for n, body in enumerate(["bala", "jardam", "KOMOK OSH"] * 20)]
    calls = [("CA" + uuid.uuid4().hex, f"+7926{n:07d}") for n in range(30)]
    with gunicorn(database_url, broker) as server:
        twilio = Twilio(server)

        def text(message):
            sid, caller, body = message
            return twilio.sms(body, caller, sid=sid)

        def ring(call):
            sid, caller = call
            twilio.call("/twilio/voice", sid, caller)
            return twilio.call("/twilio/voice/flow/main/language?l=ky", sid, caller, digits="1")

        with ThreadPoolExecutor(4) as pool:
            replies = list(pool.map(text, messages))
            menus = list(pool.map(ring, calls))
        server.kill()
    assert all(replies) and all(menu.find("./Gather") is not None for menu in menus)
    with app.app_context():
        for sid, caller, _ in messages:
            inbound = db.session.scalars(select(SmsMessage).where(SmsMessage.external_id == sid)).one()
            reply = db.session.scalars(select(SmsMessage).where(SmsMessage.reply_to_id == inbound.id)).one()
            assert (inbound.caller, reply.caller, reply.direction) == (caller, caller, "outbound")
            assert db.session.get(SmsConversation, caller).replies == 1
        for sid, caller in calls:
            call = db.session.scalars(select(Call).where(Call.external_id == sid)).one()
            assert (call.caller, call.language) == (caller, "ky")
            events = db.session.execute(select(CallEvent.step, CallEvent.outcome).where(CallEvent.call_sid == sid)
                                        .order_by(CallEvent.step)).all()
            assert [tuple(e) for e in events] == [(0, "start"), (1, "route")]


def test_a_question_and_its_answer_back_to_back_are_understood_every_time(app, database_url, broker):
    """A basic phone back in coverage sends its queued messages in a burst: the eligibility question's
    answer arrives as soon as the question is answered, on whichever worker takes it. 50 numbers."""
    with gunicorn(database_url, broker) as server:
        twilio = Twilio(server)
        verdicts = []
        for n in range(50):
            caller = f"+9965554{n:05d}"
            assert "Misaly: 2 2 2" in twilio.sms("KOMOK 5 3 4000", caller)
            verdicts.append(twilio.sms("2 2 2", caller))
    understood = [verdict for verdict in verdicts if VERDICT in verdict]
    assert len(understood) == 50, [v for v in verdicts if VERDICT not in v][:3]


def test_two_servers_on_one_database_answer_a_conversation_as_one_server_does(app, database_url, tmp_path):
    """Two app servers (two ports, one database) take turns answering one number: the replies are the
    ones a single server gives another number for the same messages."""
    settings = {"SMS_REPLIES_PER_HOUR": "100"}  # the script is longer than the default flood cap
    with gunicorn(database_url, f"sqla+sqlite:///{tmp_path / 'a.db'}", **settings) as a, \
            gunicorn(database_url, f"sqla+sqlite:///{tmp_path / 'b.db'}", **settings) as b:
        servers = [Twilio(a), Twilio(b)]
        alternating = [servers[n % 2].sms(body, "+996555600001") for n, body in enumerate(SCRIPT)]
        single = [servers[0].sms(body, "+996555600002") for body in SCRIPT]
    assert alternating == single
    assert "1620" in alternating[-1]  # the script ends on the check's verdict, with its amount


def test_messages_from_one_number_at_the_same_moment_leave_one_consistent_conversation(app, database_url, broker):
    """20 messages from one number sent at once by 4 clients to 2 workers: each is logged with its
    reply, and the flood counter counts every reply (the conversation's row lock serialises them)."""
    caller = "+996555700001"
    with gunicorn(database_url, broker, SMS_REPLIES_PER_HOUR="100") as server:
        twilio = Twilio(server)
        with ThreadPoolExecutor(4) as pool:
            replies = list(pool.map(lambda body: twilio.sms(body, caller), ["bala", "jardam 9"] * 10))
    assert all(replies)
    with app.app_context():
        logged = db.session.scalar(select(func.count()).select_from(SmsMessage).where(SmsMessage.caller == caller))
        assert logged == 40
        assert db.session.get(SmsConversation, caller).replies == 20
