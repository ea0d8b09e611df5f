"""Whom the hotline calls and texts, through the real webhooks: a premium, satellite, international-
network or out-of-list number is never dialled nor texted, and is told so where it can be; the
refusal is recorded with its reason. +996 and +7 mobiles are still served.

Every trigger of a callback (the missed-call number, a menu key, CHAL, the fallback URL, a message at
operator hours) and every SMS a call asks for (the "by SMS" key, an eligibility verdict) goes through
its webhook to an app that dials a fake Twilio; the dispatcher and the send task then run for real.
"""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import select

from hotline.callbacks.dialing import place_callback
from hotline.callbacks.dispatch import claim_due, dispatch_due
from hotline.callbacks.models import CallbackRequest
from hotline.extensions import db
from hotline.messaging.models import SmsMessage
from hotline.messaging.outbound import queued_ids, send_sms
from hotline.sms.simulate import SmsSimulator
from hotline.voice.check_node import today_for
from hotline.voice.engine import Caller
from hotline.voice.simulate import CallSimulator
from tests.callbacks.conftest import BASE, add_due, dial_settings
from tests.twilio_fake import FakeTwilio, SignedTwilio

UNSERVED = {  # number → the reason recorded
    "+19005551234": "number_type:PREMIUM_RATE",  # US premium rate
    "+979123456789": "number_type:PREMIUM_RATE",  # international premium rate
    "+870773123456": "non_geographic",  # Inmarsat satellite (typed MOBILE)
    "+88213000000": "number_type:VOIP",  # international networks
    "+447911123456": "country",  # a UK mobile
    "+2399812345": "country",  # São Tomé, a favourite of toll fraud
}
SERVED = ["+996555123456", "+79261234567", "+77012345678"]  # Kyrgyz, Russian and Kazakh mobiles
OFFICES_SMS_KEY = "/twilio/voice/flow/regions/offices?l=ky&t=legal_aid&r=talas&b=jardam.menu"
CALLBACK_KEY = "/twilio/voice/flow/operator/callback_offer?l=ky"
MENU = "/twilio/voice/flow/main/menu?l=ky"
TO_BIRTH_CHECK = ["1", "1", "1", "4"]  # language, children, birth grant, "4" to check
SAID = {
    "callback": "Бул номерге кайра чала албайбыз.",
    "sms": "Бул номерге SMS жөнөтө албайбыз.",
    "sms_reply": "Bul nomerge kayra chala albaybyz.",  # CHAL in Latin gets its reply in Latin
    "apology": "Бир аздан кийин кайра чалыңыз",
}


@pytest.fixture
def fake(app):
    with FakeTwilio() as fake:
        yield fake


@pytest.fixture
def dialer(app, app_factory, database_url, broker_url, fake):
    """An app that dials and texts the fake Twilio at any hour; signed webhooks to it."""
    dialer = app_factory(database_url, broker_url, **dial_settings(fake.url))
    with dialer.app_context():
        yield dialer, SignedTwilio(dialer.test_client(), dialer.config["TWILIO_AUTH_TOKEN"], base=BASE)
        db.session.remove()


def said(response) -> list[str]:
    assert response.status_code == 200, response.data
    return [say.text for say in ET.fromstring(response.data).iter("Say")]


def trigger_everything(twilio: SignedTwilio, number: str) -> dict:
    """Every way a caller can ask to be called back or texted; what each answered."""
    sid = "CA" + number[1:].rjust(32, "0")
    missed = twilio.post("/twilio/voice/missed", CallSid="CA" + "9" * 32, From=number, To="+996312000200",
                         CallStatus="ringing", Direction="inbound", AccountSid="AC" + "1" * 32)
    answers = {
        "missed": [(verb.tag, verb.attrib) for verb in ET.fromstring(missed.data)],
        "menu_key": said(twilio.call(CALLBACK_KEY, sid=sid, caller=number, digits="1")),
        "sms_key": said(twilio.call(OFFICES_SMS_KEY + "&s=5", sid=sid, caller=number, digits="1")),
        "fallback": said(twilio.call("/twilio/voice/fallback", sid=sid, caller=number)),
        "voicemail": said(twilio.call(MENU + "&s=7", sid=sid, caller=number, digits="0")),
    }
    reply = twilio.sms("CHAL", caller=number)
    answers["chal"] = "".join(ET.fromstring(reply.data).find("./Message").itertext())
    return answers


def dial_and_send_everything() -> None:
    """The dispatcher and the send task, run for real on whatever was recorded."""
    dispatch_due()
    for request_id in db.session.scalars(select(CallbackRequest.id)).all():
        place_callback(request_id)
    for message_id in db.session.scalars(select(SmsMessage.id).where(SmsMessage.direction == "outbound")).all():
        send_sms(message_id)


@pytest.mark.parametrize("number", UNSERVED)
def test_an_unserved_number_is_never_dialled_nor_texted_and_is_told(dialer, fake, number):
    _, twilio = dialer
    answers = trigger_everything(twilio, number)
    assert answers["missed"] == [("Reject", {"reason": "busy"})]  # and nothing else
    assert answers["menu_key"][0] == SAID["callback"]
    assert answers["sms_key"][0] == SAID["sms"]
    assert SAID["apology"] in answers["fallback"][0] and "перезвоним" not in answers["fallback"][0]
    assert answers["chal"] == SAID["sms_reply"]
    # 0 outside operator hours: told the hotline cannot call back, no message taken that nobody could return
    assert SAID["callback"] in answers["voicemail"] and not any("кайра чалабыз" in text for text in answers["voicemail"])

    dial_and_send_everything()
    assert (fake.calls(), fake.messages()) == ([], [])
    requests = db.session.execute(select(CallbackRequest.source, CallbackRequest.status, CallbackRequest.last_error)
                                  .order_by(CallbackRequest.id)).all()
    reason = f"not served: {UNSERVED[number]}"
    assert [tuple(r) for r in requests] == [(source, "refused", reason) for source in
                                            ("missed_call", "menu", "fallback", "operator_hours", "sms")]
    outbound = db.session.execute(select(SmsMessage.status, SmsMessage.error, SmsMessage.body)
                                  .where(SmsMessage.direction == "outbound", SmsMessage.reply_to_id.is_(None))).all()
    assert [(status, error) for status, error, _ in outbound] == [("refused", reason)]
    assert "+996342254817" in outbound[0].body  # what would have been sent is kept with the reason
    assert queued_ids() == []


@pytest.mark.parametrize("number", SERVED)
def test_kyrgyz_russian_and_kazakh_mobiles_are_called_and_texted(dialer, fake, number):
    _, twilio = dialer
    answers = trigger_everything(twilio, number)
    assert answers["missed"] == [("Reject", {"reason": "busy"})]
    assert answers["menu_key"][0].startswith("Сиздин өтүнүчүңүз мурунтан эле бар.")  # the missed call's request
    assert answers["sms_key"][0] == "SMS жөнөтүлдү."
    assert "Биз сизге кайра чалабыз" in answers["fallback"][0]
    dial_and_send_everything()
    assert [call["To"] for call in fake.calls()] == [number]  # one open request, dialled once
    assert [message["To"] for message in fake.messages()] == [number]
    assert db.session.scalar(select(CallbackRequest.status)) == "dialing"


def test_an_eligibility_verdict_is_not_texted_to_an_unserved_number(app):
    number = "+447911123456"
    with app.app_context():
        born = today_for(Caller("CA1", number, None)) - dt.timedelta(days=10)
    turns = CallSimulator(app, caller=number, sid="CA" + "e" * 32).run(
        TO_BIRTH_CHECK + [born.strftime("%d%m%Y") + "#", "2", "1", "1", "1#", "1"])
    assert "Ар бир балага төрт миң сомдон" in "\n".join(turns[-2].said)  # the verdict was heard
    assert "SMS жөнөтүлдү." not in "\n".join(turns[-1].said)
    with app.app_context():
        rows = db.session.execute(select(SmsMessage.status, SmsMessage.error)).all()
    assert [tuple(row) for row in rows] == [("refused", "not served: country")]


def test_the_dialer_refuses_a_request_that_slipped_in(dialer, fake):
    """The last line: a request for a number the hotline does not call (written before the policy, or
    before CALLBACK_COUNTRIES was narrowed) is claimed, then refused with the reason, never dialled."""
    request = add_due("+19005551234", zone="Asia/Bishkek")
    assert claim_due(db.session, dt.datetime.now(dt.timezone.utc), 10) == [request.id]
    assert place_callback(request.id) == "refused"
    request = db.session.get(CallbackRequest, request.id, populate_existing=True)
    assert (request.status, request.last_error, request.attempts, request.next_attempt_at) == (
        "refused", "not served: number_type:PREMIUM_RATE", 0, None)
    assert fake.calls() == []
    assert claim_due(db.session, dt.datetime.now(dt.timezone.utc), 10) == []  # never again


def test_the_sender_refuses_a_message_that_slipped_in(dialer, fake):
    message = SmsMessage(direction="outbound", caller="+870773123456", hotline_number="+996312000000",
                         body="test", status=SmsMessage.PENDING)
    db.session.add(message)
    db.session.commit()
    assert send_sms(message.id) == "refused"
    assert (message.status, message.error) == ("refused", "not served: non_geographic")
    assert fake.messages() == [] and queued_ids() == []


def test_chal_from_an_unserved_number_in_cyrillic_is_told_in_its_language(app):
    reply = SmsSimulator(app, caller="+447911123456").send("чал").reply
    assert reply == SAID["callback"]
