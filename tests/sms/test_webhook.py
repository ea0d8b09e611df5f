"""``POST /twilio/sms`` through the real webhook: records, promises kept, retries, caps, bad requests.

Assertions are on the ``SmsMessage``, ``SmsOptOut``, ``CallbackRequest`` and ``SmsConversation``
rows the webhook leaves (the log is flushed first), never on mocks.
"""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hotline.callbacks.models import CallbackRequest
from hotline.extensions import db
from hotline.messaging.models import SmsMessage, SmsOptOut
from hotline.messaging.outbound import queue_sms
from hotline.sms.models import SmsConversation
from hotline.sms.render import render_sms_reply
from hotline.sms.simulate import SmsSimulator
from tests.twilio_fake import SignedTwilio

CALLER = "+996555123456"


@pytest.fixture
def twilio(app, client):
    return SignedTwilio(client, app.config["TWILIO_AUTH_TOKEN"])


def reply_text(response) -> str | None:
    """The ``<Message>`` of a TwiML answer (None for an empty ``<Response/>``)."""
    assert response.status_code == 200 and response.mimetype == "text/xml"
    message = ET.fromstring(response.data).find("./Message")
    return None if message is None else "".join(message.itertext())


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_every_message_and_reply_is_stored_with_its_encoding_and_segments(app, texter, sms_rows):
    texter.conversation(["bala", "КОМОК ОШ", "1", "jardam talas", "stop", "start", "???", "xyzzy"])
    rows = sms_rows()
    assert len(rows) == 16
    for inbound, reply in zip(rows[::2], rows[1::2]):
        assert inbound.direction == SmsMessage.INBOUND and inbound.external_id.startswith("SM")
        assert reply.direction == SmsMessage.OUTBOUND and reply.reply_to_id == inbound.id
        assert reply.status == SmsMessage.REPLIED
        for row in (inbound, reply):
            assert row.encoding in ("GSM-7", "UCS-2") and row.segments >= 1, row.body
        assert reply.segments <= app.config["SMS_MAX_SEGMENTS"]
    assert [r.encoding for r in rows[1::2]][:2] == ["GSM-7", "UCS-2"]  # the alphabet of the question


def test_unknown_text_gets_the_command_list_and_is_kept_as_unmatched(texter, sms_rows):
    exchange = texter.send("Саламатсызбы, мен Москвадамын")
    assert "БАЛА" in exchange.reply and "ЖАРДАМ" in exchange.reply
    inbound, reply = sms_rows()
    assert (inbound.status, inbound.command, inbound.normalized) == (
        SmsMessage.UNMATCHED, None, "salamacizbi men moskvadamin")
    assert reply.body == exchange.reply


def test_the_region_is_remembered_per_number(app, sms_rows):
    first, second = SmsSimulator(app, caller="+996555000001"), SmsSimulator(app, caller="+996555000002")
    assert "+996342254817" in first.send("jardam talas").reply
    nothing = second.send("jardam").reply  # another number: nothing remembered, the national number
    assert "+996312651010" in nothing and "+996342254817" not in nothing
    assert "+996342254817" in first.send("jardam").reply
    with app.app_context():
        assert db.session.get(SmsConversation, "+996555000001").region == "talas"
        assert db.session.get(SmsConversation, "+996555000002").region is None


def test_a_menu_digit_after_the_window_closes_gets_the_command_list(app, texter, sms_rows):
    texter.send("bala")
    with app.app_context():
        conversation = db.session.get(SmsConversation, CALLER)
        conversation.menu_at -= timedelta(hours=app.config["SMS_MENU_HOURS"] + 1)
        db.session.commit()
    exchange = texter.send("1")
    assert "BALA" in exchange.reply
    assert sms_rows()[-2].status == SmsMessage.UNMATCHED


def test_stop_opts_out_and_start_opts_back_in(app, texter, sms_rows):
    stopped = texter.send("СТОП")
    assert "БАШТА" in stopped.reply and "СТАРТ" in stopped.reply  # both languages
    assert count(app, SmsOptOut, SmsOptOut.number == CALLER) == 1
    with app.test_request_context():
        assert queue_sms(CALLER, render_sms_reply(["test"], script="latin"), hotline_number="+996312000000") is None
    assert count(app, SmsMessage, SmsMessage.status == SmsMessage.PENDING) == 0
    assert "TOKTOT" in texter.send("start").reply
    assert count(app, SmsOptOut, SmsOptOut.number == CALLER) == 0
    assert [r.command for r in sms_rows()[::2]] == ["stop", "start"]


def test_stop_withdraws_an_open_callback_request(app, texter):
    assert "Ötünüch kabyl alyndy" in texter.send("chal").reply
    assert "Kayra chaluu ötünüchü jokko chygaryldy" in texter.send("stop").reply
    with app.app_context():
        assert db.session.scalars(select(CallbackRequest.status)).all() == [CallbackRequest.CANCELLED]


def test_chal_records_one_callback_request_about_the_last_topic(app, texter, sms_rows):
    texter.send("jardam talas")
    first, again = texter.send("CHAL"), texter.send("чал")
    assert "Ötünüch kabyl alyndy" in first.reply
    assert "Өтүнүчүңүз мурунтан эле бар" in again.reply
    with app.app_context():
        request = db.session.scalars(select(CallbackRequest)).one()
    assert (request.caller, request.source, request.topic) == (CALLER, "sms", "help")
    assert [r.command for r in sms_rows()[::2]] == ["help", "callback", "callback"]


@pytest.mark.parametrize("later", [[], ["bala"]], ids=["retried at once", "retried after another message"])
def test_a_retried_message_sid_is_stored_once_and_gets_the_same_reply(app, texter, sms_rows, later):
    sid = "SM" + "7" * 32
    first = texter.send("jardam talas", sid=sid)
    texter.conversation(later)
    again = texter.send("jardam talas", sid=sid)
    assert again.reply == first.reply
    rows = [r for r in sms_rows() if r.external_id == sid or r.reply_to_id in
            {x.id for x in sms_rows() if x.external_id == sid}]
    assert [(r.direction, r.body) for r in rows] == [(SmsMessage.INBOUND, "jardam talas"),
                                                      (SmsMessage.OUTBOUND, first.reply)]


def test_a_retry_arriving_before_the_log_is_written_is_stored_once(app, twilio, sms_rows):
    sid = "SM" + "8" * 32
    answers = [reply_text(twilio.sms("komok osh", sid=sid)) for _ in range(2)]  # no flush between
    assert answers[0] and answers[0] == answers[1]
    rows = sms_rows()
    assert [r.direction for r in rows] == [SmsMessage.INBOUND, SmsMessage.OUTBOUND]
    assert rows[1].reply_to_id == rows[0].id


def test_a_flood_is_capped_with_one_notice_but_stop_still_works(app, app_factory, database_url, broker_url, sms_rows):
    capped = app_factory(database_url, broker_url, SMS_REPLIES_PER_HOUR=2)
    texter = SmsSimulator(capped, caller="+79990001122")
    replies = [texter.send(body).reply for body in ("bala", "komok", "jardam", "jumush", "stop")]
    assert replies[0] and replies[1]
    assert "2 joopton ashyk" in replies[2]
    assert replies[3:] == [None, None]
    rows = sms_rows("+79990001122")
    assert [r.status for r in rows if r.direction == SmsMessage.INBOUND] == [
        SmsMessage.RECEIVED, SmsMessage.RECEIVED, SmsMessage.CAPPED, SmsMessage.CAPPED, SmsMessage.CAPPED]
    assert sum(r.direction == SmsMessage.OUTBOUND for r in rows) == 3
    assert count(app, SmsOptOut, SmsOptOut.number == "+79990001122") == 1
    with capped.app_context():
        assert db.session.get(SmsConversation, "+79990001122").replies == 3


BASE = {"MessageSid": "SM" + "1" * 32, "From": CALLER, "To": "+996312000000", "Body": "bala"}


@pytest.mark.parametrize("params", [
    {k: v for k, v in BASE.items() if k != "MessageSid"},
    {k: v for k, v in BASE.items() if k != "Body"},
    {k: v for k, v in BASE.items() if k != "From"},
    BASE | {"From": "anonymous"},
    BASE | {"MessageSid": "SM'; DROP TABLE"},
    BASE | {"MessageSid": "SM" + "1" * 70},
    BASE | {"Body": "a" * 1601},
], ids=["no sid", "no body", "no from", "from not a number", "odd sid", "long sid", "long body"])
def test_malformed_requests_get_400_and_leave_nothing(app, twilio, sms_rows, params):
    assert twilio.post("/twilio/sms", **params).status_code == 400
    assert sms_rows() == []


@pytest.mark.parametrize("sign, signature", [(False, None), (True, "d3Jvbmc=")], ids=["unsigned", "wrong"])
def test_a_bad_signature_is_refused(app, twilio, sms_rows, sign, signature):
    assert twilio.post("/twilio/sms", sign=sign, signature=signature, **BASE).status_code == 403
    assert sms_rows() == []


def test_an_empty_body_gets_the_command_list(twilio, sms_rows):
    assert "BALA" in reply_text(twilio.post("/twilio/sms", **(BASE | {"Body": "   "})))
    assert sms_rows()[0].status == SmsMessage.UNMATCHED


def test_chal_from_russia_promises_the_time_the_dispatcher_will_call(app):
    """The reply's time is the request's: Moscow hours for a Russian mobile, and it says so."""
    texter = SmsSimulator(app, caller="+79261234567")
    reply = texter.send("чал").reply
    with app.app_context():
        request = db.session.scalars(select(CallbackRequest)).one()
    assert request.timezone == "Europe/Moscow"
    due_now = request.next_attempt_at <= request.created_at + timedelta(minutes=5)
    assert ("Жакын арада чалабыз" in reply) == due_now
    assert ("(Москва убактысы)" in reply) == (not due_now)


def test_chal_past_the_daily_cap_says_so(app, texter, monkeypatch):
    monkeypatch.setitem(app.config, "CALLBACK_DAILY_CAP", 1)
    texter.send("чал")
    texter.send("стоп")  # withdraws the request; a new one would be the second today
    texter.send("башта")
    reply = texter.send("чал").reply
    assert "Бүгүн кайра чалуу өтүнүчүн көп калтырдыңыз" in reply
    with app.app_context():
        assert count(app, CallbackRequest) == 1
