"""Caps that hold under bursts: counted in the request's transaction, on any number of processes.

Real gunicorn (2 sync workers) on the suite's database; messages sent at once by several clients.
"""

import http.client
import json
import logging
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from hotline import caps
from hotline.callbacks.models import CallbackRequest
from hotline.callbacks.requests import request_callback
from hotline.caps.models import CapCounter
from hotline.extensions import db
from hotline.messaging.models import SmsMessage
from hotline.sms.models import SmsConversation
from tests.servers import Twilio, gunicorn
from tests.twilio_fake import SignedTwilio

LIMIT_NOTICE = "Бир саатта 10 жооптон ашык жибербейбиз"


@pytest.fixture
def broker(tmp_path) -> str:
    return f"sqla+sqlite:///{tmp_path / 'broker.db'}"


def test_fifty_messages_at_once_from_one_number_get_exactly_the_caps_replies(app, database_url, broker):
    """SMS_REPLIES_PER_HOUR=10: 50 messages from one number, sent by 8 clients at once to 2 workers, get
    10 answers and one limit notice; the other 39 get no reply. All 50 are logged."""
    caller = "+996555800001"
    with gunicorn(database_url, broker, SMS_REPLIES_PER_HOUR="10") as server:
        twilio = Twilio(server)
        with ThreadPoolExecutor(8) as pool:
            replies = list(pool.map(lambda n: twilio.sms("жардам", caller), range(50)))
    answered = [reply for reply in replies if reply]
    notices = [reply for reply in answered if reply.startswith(LIMIT_NOTICE)]
    assert (len(answered), len(notices)) == (11, 1)
    with app.app_context():
        rows = db.session.scalars(select(SmsMessage).where(SmsMessage.caller == caller)).all()
        assert sum(row.direction == "inbound" for row in rows) == 50
        assert sum(row.direction == "outbound" for row in rows) == 11
        assert sum(row.status == SmsMessage.CAPPED for row in rows) == 40  # the notice's message and 39 more
        assert db.session.get(SmsConversation, caller).replies == 11


# -- the global caps: callbacks an hour, SMS a call, SMS a number a day ---------------------------

HEALTHZ_TOKEN = "caps-test-health-token"
OFFICES_SMS_KEY = "/twilio/voice/flow/regions/offices?l=ky&t=legal_aid&r=talas&b=jardam.menu&s={step}"


def clear_of_the_hour(seconds: int = 60) -> None:
    """Wait until a burst cannot straddle two hourly windows (the cap counts per UTC hour)."""
    left = 3600 - time.time() % 3600
    if left < seconds:
        time.sleep(left + 1)


def caps_tripped(server) -> list[str]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request("GET", "/healthz", headers={"Authorization": f"Bearer {HEALTHZ_TOKEN}"})
        return json.loads(connection.getresponse().read())["caps_tripped"]
    finally:
        connection.close()


def test_twenty_missed_calls_at_once_make_exactly_the_hourly_caps_requests(app, database_url, broker):
    """CALLBACK_HOURLY_CAP=5: 20 missed calls from 20 numbers, at once through 2 workers, all answered
    "busy", make exactly 5 callback requests; /healthz's detail names the cap."""
    callers = [f"+996555{n:06d}" for n in range(1, 21)]
    clear_of_the_hour()
    with gunicorn(database_url, broker, CALLBACK_HOURLY_CAP="5", HEALTHZ_TOKEN=HEALTHZ_TOKEN) as server:
        twilio = Twilio(server)
        assert caps_tripped(server) == []
        with ThreadPoolExecutor(10) as pool:
            answers = list(pool.map(lambda caller: twilio.call("/twilio/voice/missed", "CA" + caller[1:].rjust(32, "0"),
                                                               caller), callers))
        tripped = caps_tripped(server)
    assert all([verb.tag for verb in answer] == ["Reject"] for answer in answers)
    assert tripped == ["CALLBACK_HOURLY_CAP"]
    with app.app_context():
        requests = db.session.scalars(select(CallbackRequest)).all()
        assert len(requests) == 5 and {r.status for r in requests} == {CallbackRequest.PENDING}
        counter = db.session.scalars(select(CapCounter)).one()
        assert (counter.cap, counter.subject, counter.count) == ("CALLBACK_HOURLY_CAP", "", 20)


def test_six_sms_presses_at_once_in_one_call_send_exactly_sms_per_call(app, database_url, broker):
    """SMS_PER_CALL=3: the "by SMS" key pressed on six steps of one call, sent at once to 2 workers,
    queues exactly 3 SMS; the other three are told the call has had its SMS."""
    sid, caller = "CA" + "5" * 32, "+79261230001"
    with gunicorn(database_url, broker, SMS_PER_CALL="3", HEALTHZ_TOKEN=HEALTHZ_TOKEN) as server:
        twilio = Twilio(server)
        with ThreadPoolExecutor(6) as pool:
            answers = list(pool.map(lambda step: twilio.call(OFFICES_SMS_KEY.format(step=step), sid, caller, "1"),
                                    range(1, 7)))
        tripped = caps_tripped(server)
    first_said = sorted(answer.find("./Gather/Say").text for answer in answers)
    assert first_said == ["SMS жөнөтүлдү."] * 3 + ["Бир чалууда мындан ашык SMS жөнөтпөйбүз."] * 3
    assert tripped == ["SMS_PER_CALL"]
    with app.app_context():
        rows = db.session.scalars(select(SmsMessage).where(SmsMessage.direction == SmsMessage.OUTBOUND)).all()
        assert len(rows) == 3 and {(r.call_sid, r.status) for r in rows} == {(sid, SmsMessage.PENDING)}


def test_a_number_gets_at_most_sms_per_number_daily_across_calls(app, app_factory, database_url, broker_url):
    """SMS_PER_NUMBER_DAILY=4, SMS_PER_CALL=3: two calls pressing "by SMS" three times each get 4 SMS;
    the number's fifth and sixth are refused and the caller is told to ask tomorrow."""
    capped = app_factory(database_url, broker_url, SMS_PER_NUMBER_DAILY=4, SMS_PER_CALL=3)
    twilio = SignedTwilio(capped.test_client(), capped.config["TWILIO_AUTH_TOKEN"])
    said = []
    for sid in ("CA" + "6" * 32, "CA" + "7" * 32):
        for step in (1, 2, 3):
            response = twilio.call(OFFICES_SMS_KEY.format(step=step), sid=sid, caller="+996555700001", digits="1")
            said.append(ET.fromstring(response.data).find("./Gather/Say").text)
    assert said == ["SMS жөнөтүлдү."] * 4 + ["Бүгүн бул номерге мындан ашык SMS жөнөтпөйбүз. Эртең сураңыз."] * 2
    with capped.app_context():
        assert db.session.scalar(select(func.count()).select_from(SmsMessage)) == 4
        assert caps.tripped() == ["SMS_PER_NUMBER_DAILY"]


def test_a_cap_trips_once_is_logged_once_and_clears_with_its_window(app, app_factory, database_url, broker_url,
                                                                    caplog):
    """The use that first passes the limit logs a warning; later ones only refuse. /healthz reads the
    current window: the next hour has its own count."""
    capped = app_factory(database_url, broker_url, CALLBACK_HOURLY_CAP=2)
    ten_past = datetime(2026, 3, 2, 10, 10, tzinfo=timezone.utc)
    with capped.app_context(), caplog.at_level(logging.WARNING, logger="hotline.caps"):
        outcomes = [request_callback(f"+99655560000{n}", source="sms", now=ten_past).outcome for n in range(5)]
        db.session.commit()
        assert outcomes == ["created", "created", "busy", "busy", "busy"]
        assert caps.tripped(ten_past) == ["CALLBACK_HOURLY_CAP"]
        assert caps.tripped(ten_past + timedelta(hours=1)) == []
        next_hour = request_callback("+996555600009", source="sms", now=ten_past + timedelta(hours=1))
        assert next_hour.outcome == "created"
        db.session.commit()
    warnings = [r.getMessage() for r in caplog.records if r.name == "hotline.caps"]
    assert len(warnings) == 1 and warnings[0].startswith("cap CALLBACK_HOURLY_CAP tripped: 2 allowed per hour")


def test_a_trigger_refreshing_its_open_request_takes_nothing_from_the_hourly_cap(app, app_factory, database_url,
                                                                                  broker_url):
    capped = app_factory(database_url, broker_url, CALLBACK_HOURLY_CAP=1)
    with capped.app_context():
        outcomes = [request_callback("+996555600001", source="sms").outcome for _ in range(3)]
        outcomes.append(request_callback("+996555600002", source="sms").outcome)
        db.session.commit()
    assert outcomes == ["created", "refreshed", "refreshed", "busy"]


def test_old_windows_are_forgotten(app_ctx):
    long_ago = datetime.now(timezone.utc) - timedelta(days=3)
    assert caps.take("SMS_PER_NUMBER_DAILY", "+996555600001", now=long_ago)
    assert caps.take("SMS_PER_NUMBER_DAILY", "+996555600001")
    db.session.commit()
    assert caps.forget_old() == 1
    assert db.session.scalar(select(func.count()).select_from(CapCounter)) == 1


def test_past_the_hourly_cap_the_caller_hears_or_reads_to_ask_again_in_an_hour(app, app_factory, database_url,
                                                                               broker_url):
    """CALLBACK_HOURLY_CAP=0 (every new request refused, as during an attack): a menu key and CHAL."""
    from hotline.sms.simulate import SmsSimulator

    closed = app_factory(database_url, broker_url, CALLBACK_HOURLY_CAP=0)
    twilio = SignedTwilio(closed.test_client(), closed.config["TWILIO_AUTH_TOKEN"])
    response = twilio.call("/twilio/voice/flow/operator/callback_offer?l=ru", caller="+79261230002", digits="1")
    heard = ET.fromstring(response.data).find(".//Say").text
    read = SmsSimulator(closed, caller="+996555600003").send("чал").reply
    assert heard == "Сейчас слишком много заявок на звонок. Попросите снова через час."
    assert read == "Азыр өтүнүч өтө көп. Бир сааттан кийин кайра жазыңыз."
    with closed.app_context():
        assert db.session.scalar(select(func.count()).select_from(CallbackRequest)) == 0
