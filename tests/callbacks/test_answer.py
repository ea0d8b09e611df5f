"""What the person hears when they pick up our call: who is calling and why, in their language,
then an operator in operator hours, or the menu they asked about."""

import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from hotline.callbacks.answer import destination
from hotline.callbacks.dialing import start_attempt
from hotline.callbacks.models import CallbackAttempt, CallbackRequest
from hotline.extensions import db
from hotline.hours import ServiceHours
from hotline.voice.models import Call
from tests.callbacks.conftest import BASE, CALLER_ID, add_due, dial_settings
from tests.twilio_fake import SignedTwilio

PERSON = "+79261234567"


def pick_up(signed, request: CallbackRequest, sid: str = "CA" + "5" * 32):
    """Twilio's request for our TwiML when the person answers (an outbound-api call)."""
    request.status = CallbackRequest.SCHEDULED
    db.session.commit()
    attempt = start_attempt(request.id, datetime.now(timezone.utc))
    response = signed.post(f"/twilio/voice/callback/{request.id}?attempt={attempt.id}", CallSid=sid,
                           From=CALLER_ID, To=request.caller, CallStatus="in-progress", Direction="outbound-api")
    assert response.status_code == 200 and response.mimetype == "text/xml", response.data
    return ET.fromstring(response.data)


def says(element) -> list[str]:
    return [s.text for s in element.iter("Say")]


def test_no_operator_on_duty_greets_and_opens_the_main_menu(dial_ctx, signed):
    doc = pick_up(signed, add_due(PERSON, zone="Europe/Moscow", language="ru"))
    assert [v.tag for v in doc] == ["Gather", "Redirect"]
    said = says(doc.find("./Gather"))
    assert said[0].startswith("Здравствуйте! Это информационная линия")
    assert "Вы просили перезвонить" in said[0]
    assert said[1].startswith("Сейчас оператор не может ответить")
    assert said[2] == dial_ctx.extensions["voice"].speech.catalogue.text("ru", "main.menu")
    assert doc.find("./Gather").get("action") == "/twilio/voice/flow/main/menu?l=ru"


def test_answering_completes_the_request(dial_ctx, signed):
    request = add_due(PERSON, zone="Europe/Moscow")
    pick_up(signed, request)
    assert db.session.get(CallbackRequest, request.id, populate_existing=True).status == "completed"


def test_the_saved_language_is_used_when_the_request_has_none(dial_ctx, signed):
    from hotline.voice import store

    store.save_language(PERSON, "ru")
    doc = pick_up(signed, add_due(PERSON, zone="Europe/Moscow"))
    assert says(doc)[0].startswith("Здравствуйте")
    store.save_language(PERSON, "ky")
    doc = pick_up(signed, add_due("+79261234500", zone="Europe/Moscow"), sid="CA" + "6" * 32)
    assert says(doc)[0].startswith("Саламатсызбы! Бул мигранттар үчүн")  # no saved language: Kyrgyz


def test_a_topic_goes_straight_to_its_menu(dial_ctx, signed):
    doc = pick_up(signed, add_due(PERSON, zone="Europe/Moscow", language="ky", topic="legal_aid"))
    gather = doc.find("./Gather")
    assert gather.get("action") == "/twilio/voice/flow/regions/choose?l=ky&t=legal_aid&b=jardam.menu"
    assert says(gather)[1].startswith("Азыр оператор жооп бере албайт")


@pytest.mark.parametrize(("topic", "ref"), [
    (None, None), ("operator.callback_offer", None), ("operator.give_up", None),  # asked for a person
    ("jardam.menu", "jardam.menu"), ("legal_aid", "regions.choose"), ("training", "regions.choose"),
    ("children", "children.menu"), ("no_such_topic", None), ("main.welcome", None),  # not a menu
])
def test_destination_of_a_topic(app, topic, ref):
    target = destination(app.extensions["voice"].flows, topic)
    assert (target.ref if target else None) == ref


@pytest.fixture
def operators_app(app, app_factory, database_url, broker_url, fake_twilio):
    made = app_factory(database_url, broker_url, OPERATOR_NUMBERS="+996555000001,+996555000002",
                       **dial_settings(fake_twilio.url))
    made.config["OPERATOR_SERVICE_HOURS"] = ServiceHours.parse("mon-sun 00:00-23:59", "Asia/Bishkek")
    with made.app_context():
        yield made
        db.session.remove()


def test_in_operator_hours_the_call_goes_to_a_person(operators_app):
    signed = SignedTwilio(operators_app.test_client(), operators_app.config["TWILIO_AUTH_TOKEN"], base=BASE)
    doc = pick_up(signed, add_due(PERSON, zone="Europe/Moscow", language="ky", topic="legal_aid"))
    assert [v.tag for v in doc] == ["Say", "Say", "Dial"]
    assert says(doc)[0].startswith("Саламатсызбы! Бул мигранттар үчүн")
    dial = doc.find("./Dial")
    assert [n.text for n in dial.findall("Number")] == ["+996555000001", "+996555000002"]
    assert dial.get("action").startswith("/twilio/voice/flow/callback/person?l=ky")
    # nobody picked up: the menu, and the person is still the one we called (not our own number)
    response = signed.post(dial.get("action"), CallSid="CA" + "5" * 32, From=CALLER_ID, To=PERSON,
                           Direction="outbound-api", DialCallStatus="no-answer")
    doc = ET.fromstring(response.data)
    assert doc.find("./Gather").get("action").startswith("/twilio/voice/flow/main/menu?l=ky")
    assert says(doc)[0].startswith("Азыр оператор жооп бере албайт")


def test_in_a_callback_the_sms_goes_to_the_person_not_to_us(dial_ctx, signed):
    from sqlalchemy import select

    from hotline.messaging.models import SmsMessage

    response = signed.post("/twilio/voice/flow/jardam/russia_emergency?l=ru", CallSid="CA" + "5" * 32,
                           From=CALLER_ID, To=PERSON, Direction="outbound-api", Digits="1")
    assert response.status_code == 200
    message = db.session.scalars(select(SmsMessage)).one()
    assert (message.caller, message.hotline_number) == (PERSON, CALLER_ID)


def test_an_unknown_request_is_404_and_unsigned_is_403(dial_ctx, signed):
    assert signed.post("/twilio/voice/callback/999999?attempt=1", CallSid="CA1", To=PERSON).status_code == 404
    request = add_due(PERSON)
    assert signed.post(f"/twilio/voice/callback/{request.id}?attempt=1", sign=False, CallSid="CA1").status_code == 403


def test_a_callback_call_is_recorded_as_ours_and_its_status_completes_it(
        app_factory, database_url, broker_url, fake_twilio):
    """The person picks up: the call's row is committed with the person, the direction and the
    language before our TwiML goes out; the status callback (which names the hotline as ``From``)
    then adds how it ended."""
    app = app_factory(database_url, broker_url, **dial_settings(fake_twilio.url))
    signed = SignedTwilio(app.test_client(), app.config["TWILIO_AUTH_TOKEN"], base=BASE)
    sid = "CA" + "6" * 32
    with app.app_context():
        request = add_due(PERSON, zone="Europe/Moscow", language="ru")
        pick_up(signed, request, sid)
        call = db.session.scalars(select(Call).where(Call.external_id == sid)).one()
        assert (call.direction, call.caller, call.hotline_number, call.language) == ("outbound", PERSON, CALLER_ID, "ru")
        attempt = db.session.scalars(select(CallbackAttempt).where(CallbackAttempt.request_id == request.id)).one()
        assert signed.post(f"/twilio/voice/callback/{request.id}/status?attempt={attempt.id}", CallSid=sid,
                           CallStatus="completed", CallDuration="14", From=CALLER_ID, To=PERSON).status_code == 204
        db.session.expire_all()
        call = db.session.scalars(select(Call).where(Call.external_id == sid)).one()
        assert (call.direction, call.caller, call.hotline_number, call.language) == ("outbound", PERSON, CALLER_ID, "ru")
        assert (call.status, call.duration_seconds) == ("completed", 14)
