"""The voice webhooks: signatures, records, language memory, fallback, operator hours, SMS hand-off."""

import xml.etree.ElementTree as ET
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from hotline.callbacks.models import CallbackRequest
from hotline.extensions import db
from hotline.messaging.models import SmsMessage
from hotline.callers import CallerPreference
from hotline.voice.models import Call, Voicemail
from hotline.hours import ServiceHours
from tests.twilio_fake import SignedTwilio

SID = "CA" + "a" * 32
ROUTES = ["/twilio/voice", "/twilio/voice/flow/main/menu?l=ky", "/twilio/voice/status",
          "/twilio/voice/fallback", "/twilio/voice/recording"]


def xml(response) -> ET.Element:
    assert response.status_code == 200, response.data
    assert response.mimetype == "text/xml"
    return ET.fromstring(response.data)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("headers", [{}, {"X-Twilio-Signature": ""}, {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"}])
def test_unsigned_or_badly_signed_requests_are_403(client, route, headers):
    response = client.post(route, data={"CallSid": SID, "From": "+79261234567"}, headers=headers)
    assert response.status_code == 403


def test_a_signature_for_other_parameters_is_403(twilio):
    signature = twilio.validator.compute_signature("http://localhost/twilio/voice", {"CallSid": SID})
    response = twilio.client.post("/twilio/voice", data={"CallSid": SID, "Digits": "1"},
                                  headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403


def test_signature_uses_public_base_url(app_factory, database_url, broker_url):
    app = app_factory(database_url, broker_url, PUBLIC_BASE_URL="https://hotline.example.org")
    behind_proxy = SignedTwilio(app.test_client(), app.config["TWILIO_AUTH_TOKEN"], base="https://hotline.example.org")
    assert behind_proxy.call().status_code == 200
    direct = SignedTwilio(app.test_client(), app.config["TWILIO_AUTH_TOKEN"])  # signs http://localhost/...
    assert direct.call().status_code == 403


@pytest.mark.parametrize(("route", "params", "status"), [
    ("/twilio/voice", {"From": "+79261234567"}, 400),  # no CallSid
    ("/twilio/voice/flow/main/nowhere?l=ky", {"CallSid": SID}, 404),
    ("/twilio/voice/flow/nowhere/menu", {"CallSid": SID}, 404),
    ("/twilio/voice/status", {"CallSid": SID}, 400),  # no CallStatus
    ("/twilio/voice/recording", {"CallSid": SID}, 400),  # no RecordingSid
])
def test_malformed_requests_are_4xx(twilio, route, params, status):
    assert twilio.post(route, **params).status_code == status


def test_first_call_asks_the_language_in_both(app_ctx, twilio):
    doc = xml(twilio.call(sid=SID))
    gather = doc.find("./Gather")
    assert gather.get("action") == "/twilio/voice/flow/main/language?l=ky"
    assert gather.get("numDigits") == "1" and gather.get("finishOnKey") == ""
    text = gather.find("./Say").text
    assert "Кыргызча" in text and "По-русски" in text
    assert doc.find("./Redirect").text == gather.get("action")  # silence comes back here
    assert count(Call, Call.external_id == SID) == 1


def test_duplicate_delivery_records_one_call(app_ctx, twilio):
    first, second = xml(twilio.call(sid=SID)), xml(twilio.call(sid=SID))
    assert ET.tostring(first) == ET.tostring(second)
    assert count(Call, Call.external_id == SID) == 1


def test_language_is_remembered_per_number(app_ctx, twilio):
    twilio.call(sid=SID, caller="+996700111222")
    doc = xml(twilio.call("/twilio/voice/flow/main/language?l=ky", sid=SID, caller="+996700111222", digits="2"))
    assert "Один – дети" in "".join(s.text for s in doc.iter("Say"))
    assert db.session.get(CallerPreference, "+996700111222").language == "ru"
    doc = xml(twilio.call(sid="CA" + "b" * 32, caller="+996700111222"))  # the next call
    assert doc.find("./Gather").get("action") == "/twilio/voice/flow/main/menu?l=ru"
    assert doc.find("./Gather/Say").text.startswith("Один – дети")


def test_hash_switches_language_and_replays_the_menu(app_ctx, twilio, call_path):
    doc = xml(twilio.call("/twilio/voice/flow/jardam/menu?l=ky", sid=SID, caller="+996700111333", digits="#"))
    assert doc.find("./Gather").get("action") == "/twilio/voice/flow/jardam/menu?l=ru&s=1"
    assert doc.find("./Gather/Say").text.startswith("Один – бесплатный юрист")
    assert db.session.get(CallerPreference, "+996700111333").language == "ru"
    assert call_path(SID) == [("jardam.menu", "#", "language", "jardam.menu")]


def test_star_goes_back_and_zero_asks_for_a_person(app_ctx, twilio):
    doc = xml(twilio.call("/twilio/voice/flow/jardam/menu?l=ky", sid=SID, digits="*"))
    assert doc.find("./Gather").get("action") == "/twilio/voice/flow/main/menu?l=ky&s=1"
    doc = xml(twilio.call("/twilio/voice/flow/jardam/menu?l=ky&s=1", sid=SID, digits="0"))
    assert [v.tag for v in doc] == ["Say", "Record", "Redirect"]  # no operators configured: a message


def test_a_wrong_key_is_one_sentence_naming_the_keys(app_ctx, twilio):
    doc = xml(twilio.call("/twilio/voice/flow/main/menu?l=ky", sid=SID, digits="9"))
    assert [s.text for s in doc.iter("Say")] == ["Бирден сегизге чейин басыңыз."]  # not the whole menu again
    assert doc.find("./Gather").get("action") == "/twilio/voice/flow/main/menu?l=ky&f=1&s=1"
    # silence then says the menu again
    doc = xml(twilio.call(doc.find("./Gather").get("action"), sid=SID))
    assert doc.find("./Gather/Say").text.startswith("Бир – балдар")


def test_three_failures_offer_a_message_or_a_callback(app_ctx, twilio, call_path):
    url = "/twilio/voice/flow/main/menu?l=ky"
    for expected_fails in ("1", "2"):
        doc = xml(twilio.call(url, sid=SID, digits=None if expected_fails == "2" else "9"))
        url = doc.find("./Gather").get("action")
        assert f"f={expected_fails}&s=" in url
    doc = xml(twilio.call(url, sid=SID, digits="9"))
    assert doc.find("./Gather").get("action").startswith("/twilio/voice/flow/operator/give_up")
    outcomes = [row[2] for row in call_path(SID)]
    assert outcomes == ["other", "no_response", "give_up"]
    # silence there ends the call politely, never a dead line
    doc = xml(twilio.call(doc.find("./Gather").get("action"), sid=SID))
    assert [v.tag for v in doc] == ["Say", "Hangup"]


def other_days(zone: str) -> str:
    today = datetime.now(ZoneInfo(zone)).weekday()
    days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    return ",".join(d for i, d in enumerate(days) if i != today)


@pytest.mark.parametrize("in_hours", [True, False])
def test_operator_in_hours_dials_otherwise_voicemail(app_factory, database_url, broker_url, in_hours):
    hours = "mon-sun 00:00-23:59" if in_hours else f"{other_days('Asia/Bishkek')} 00:00-23:59"
    app = app_factory(database_url, broker_url, OPERATOR_NUMBERS="+996555000001,+996555000002")
    app.config["OPERATOR_SERVICE_HOURS"] = ServiceHours.parse(hours, "Asia/Bishkek")
    twilio = SignedTwilio(app.test_client(), app.config["TWILIO_AUTH_TOKEN"])
    doc = xml(twilio.call("/twilio/voice/flow/main/menu?l=ky", sid=SID, caller="+996700555666", digits="0"))
    with app.app_context():
        requests = db.session.scalars(select(CallbackRequest).where(CallbackRequest.caller == "+996700555666")).all()
    if in_hours:
        dial = doc.find("./Dial")
        assert [n.text for n in dial.findall("Number")] == ["+996555000001", "+996555000002"]
        assert dial.get("timeout") == "20" and dial.get("action") == "/twilio/voice/flow/operator/person?l=ky&s=1"
        assert requests == []
        # nobody answered: a message after the tone
        doc = xml(twilio.call(dial.get("action"), sid=SID, caller="+996700555666", DialCallStatus="no-answer"))
    record = doc.find("./Record")
    assert record.get("maxLength") == "120" and record.get("playBeep") == "true"
    assert record.get("recordingStatusCallback") == "/twilio/voice/recording"
    with app.app_context():
        requests = db.session.scalars(select(CallbackRequest).where(CallbackRequest.caller == "+996700555666")).all()
        assert [(r.source, r.status) for r in requests] == [("operator_hours", "pending")]


def test_answered_operator_call_ends(app_ctx, twilio):
    doc = xml(twilio.call("/twilio/voice/flow/operator/person?l=ky", sid=SID, DialCallStatus="completed"))
    assert [v.tag for v in doc] == ["Hangup"]


def test_voicemail_recording_is_stored_once(app_ctx, twilio):
    for _ in range(2):  # Twilio retries status callbacks
        response = twilio.post("/twilio/voice/recording", CallSid=SID, From="+79261234567", RecordingSid="RE" + "1" * 32,
                               RecordingUrl="https://api.twilio.com/rec/RE1", RecordingDuration="12")
        assert response.status_code == 204
    voicemail = db.session.scalars(select(Voicemail)).one()
    assert (voicemail.caller, voicemail.duration_seconds) == ("+79261234567", 12)


def test_status_callback_stores_duration(app_ctx, twilio):
    twilio.call(sid=SID)
    assert twilio.post("/twilio/voice/status", CallSid=SID, CallStatus="completed", CallDuration="83",
                       From="+79261234567").status_code == 204
    call = db.session.scalar(select(Call).where(Call.external_id == SID))
    assert (call.status, call.duration_seconds) == ("completed", 83)
    assert call.ended_at is not None and call.caller == "+79261234567"
    assert count(Call, Call.external_id == SID) == 1


def test_a_status_callback_before_the_calls_webhook_keeps_both(app_ctx, twilio):
    """Twilio's status callback can come before the call's first webhook is recorded (that webhook
    failed, and is retried): its upsert makes the row (the number, the status, the duration); the
    webhook then fills in what it knows (the number dialled, the language), and the status stays."""
    person, hotline = "+996700555001", "+996312000000"
    db.session.add(CallerPreference(number=person, language="ru"))
    db.session.commit()
    assert twilio.post("/twilio/voice/status", CallSid=SID, CallStatus="completed", CallDuration="9",
                       From=person, To=hotline).status_code == 204
    call = db.session.scalar(select(Call).where(Call.external_id == SID))
    assert (call.caller, call.hotline_number, call.language) == (person, None, None)  # all it knew
    status_time = call.started_at
    xml(twilio.call(sid=SID, caller=person, to=hotline))
    db.session.expire_all()
    call = db.session.scalar(select(Call).where(Call.external_id == SID))
    assert (call.caller, call.hotline_number, call.language, call.direction) == (person, hotline, "ru", "inbound")
    assert (call.status, call.duration_seconds) == ("completed", 9)
    assert call.started_at <= status_time <= call.ended_at
    assert count(Call, Call.external_id == SID) == 1


def test_a_retried_step_records_one_event_and_sends_one_sms(app_ctx, twilio, call_path):
    """Twilio retries a step (the same URL, so the same step number): the caller hears the same, the
    call log keeps one row for it, and the SMS the key asked for is queued once."""
    url = "/twilio/voice/flow/regions/offices?l=ky&t=legal_aid&r=talas&b=jardam.menu&s=4"
    first = xml(twilio.call(url, sid=SID, caller="+79261234567", digits="1"))
    again = xml(twilio.call(url, sid=SID, caller="+79261234567", digits="1"))
    assert ET.tostring(first) == ET.tostring(again)
    assert first.find("./Gather/Say").text == "SMS жөнөтүлдү."
    assert call_path(SID) == [("regions.offices", "1", "route", "regions.offices")]  # back where the caller was
    assert count(SmsMessage) == 1
    assert first.find("./Gather").get("action").endswith("&s=5")


def test_fallback_apologises_in_both_languages_and_books_a_callback(app_ctx, twilio):
    doc = xml(twilio.call("/twilio/voice/fallback", sid=SID, caller="+79261110000"))
    assert [v.tag for v in doc] == ["Say", "Hangup"]
    assert "Кечиресиз" in doc.find("./Say").text and "Извините" in doc.find("./Say").text
    request = db.session.scalars(select(CallbackRequest)).one()
    assert (request.caller, request.source) == ("+79261110000", "fallback")


def test_a_failure_inside_is_an_apology_not_a_500(app_factory, tmp_path, broker_url):
    app = app_factory(f"sqlite:///{tmp_path / 'no-tables.db'}", broker_url)  # schema never built
    twilio = SignedTwilio(app.test_client(), app.config["TWILIO_AUTH_TOKEN"])
    doc = xml(twilio.call(sid=SID))
    assert "Кечиресиз" in doc.find("./Say").text


def test_sms_handoff_creates_exactly_one_outbound_message(app_ctx, twilio):
    url = "/twilio/voice/flow/regions/offices?l=ky&t=legal_aid&r=talas&b=jardam.menu"
    doc = xml(twilio.call(url, sid=SID, caller="+79261234567", digits="1"))
    assert doc.find("./Gather/Say").text == "SMS жөнөтүлдү."
    message = db.session.scalars(select(SmsMessage)).one()
    assert (message.direction, message.caller, message.status) == ("outbound", "+79261234567", "pending")
    assert message.hotline_number == "+996312000000" and message.call_sid == SID
    assert "+996342254817" in message.body  # the Talas centre, in E.164 so it dials from Russia
    assert message.encoding == "UCS-2" and message.segments <= 2


def test_sms_handoff_to_a_withheld_number_says_so(app_ctx, twilio):
    url = "/twilio/voice/flow/health/info?l=ru"
    doc = xml(twilio.call(url, sid=SID, caller="anonymous", digits="1"))
    assert doc.find("./Gather/Say").text.startswith("К сожалению, сейчас SMS")
    assert count(SmsMessage) == 0
