"""Triggers and policy: the missed-call number's <Reject>, menu keys, SMS, the fallback; one open
request per number, the daily cap in the caller's day, and when the caller should expect the call."""

import threading
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from hotline.callbacks.models import CallbackRequest
from hotline.callbacks.requests import request_callback
from hotline.extensions import db
from tests.twilio_fake import SignedTwilio

MISSED_SID = "CA" + "9" * 32
CALLBACK_NUMBER = "+996312000200"


def xml(response):
    assert response.status_code == 200 and response.mimetype == "text/xml", response.data
    return ET.fromstring(response.data)


@pytest.fixture
def twilio(app, client):
    return SignedTwilio(client, app.config["TWILIO_AUTH_TOKEN"])


def missed(twilio, caller="+79261234567", **extra):
    params = {"CallSid": MISSED_SID, "From": caller, "To": CALLBACK_NUMBER, "CallStatus": "ringing",
              "Direction": "inbound", "AccountSid": "AC" + "1" * 32} | extra
    return twilio.post("/twilio/voice/missed", **params)


def requests_for(caller: str) -> list[CallbackRequest]:
    return list(db.session.scalars(select(CallbackRequest).where(CallbackRequest.caller == caller)))


def close(request: CallbackRequest, status: str = CallbackRequest.COMPLETED) -> None:
    request.status = status
    db.session.commit()


def test_missed_call_is_rejected_unanswered_and_recorded(app_ctx, twilio):
    doc = xml(missed(twilio))
    assert [(verb.tag, verb.attrib) for verb in doc] == [("Reject", {"reason": "busy"})]  # the only verb
    request = requests_for("+79261234567")[0]
    assert (request.source, request.status, request.call_sid) == ("missed_call", "pending", MISSED_SID)
    assert (request.timezone, request.hotline_number) == ("Europe/Moscow", CALLBACK_NUMBER)
    assert request.next_attempt_at is not None


def test_a_second_ring_refreshes_the_open_request(app_ctx, twilio):
    missed(twilio)
    doc = xml(missed(twilio, CallSid="CA" + "8" * 32))
    assert [verb.tag for verb in doc] == ["Reject"]
    assert len(requests_for("+79261234567")) == 1


def test_a_withheld_number_is_rejected_and_not_recorded(app_ctx, twilio):
    doc = xml(missed(twilio, caller="anonymous"))
    assert [verb.tag for verb in doc] == ["Reject"]
    assert db.session.scalars(select(CallbackRequest)).all() == []


@pytest.mark.parametrize(("change", "status"), [
    ({"sign": False}, 403),
    ({"signature": "bm90IGEgc2lnbmF0dXJl"}, 403),
    ({"CallSid": ""}, 400),
    ({"From": ""}, 400),
])
def test_missed_call_refuses_bad_requests(app_ctx, twilio, change, status):
    params = {"CallSid": MISSED_SID, "From": "+79261234567", "To": CALLBACK_NUMBER} | change
    assert twilio.post("/twilio/voice/missed", **params).status_code == status
    assert db.session.scalars(select(CallbackRequest)).all() == []


def test_missed_call_still_rejects_when_the_database_is_down(app_factory, tmp_path, broker_url):
    app = app_factory(f"sqlite:///{tmp_path / 'no-tables.db'}", broker_url)  # schema never built
    twilio = SignedTwilio(app.test_client(), app.config["TWILIO_AUTH_TOKEN"])
    assert [verb.tag for verb in xml(missed(twilio))] == ["Reject"]


def test_a_call_to_the_main_number_is_not_a_request(app_ctx, twilio):
    xml(twilio.call(sid="CA" + "7" * 32, caller="+79261234567"))
    assert db.session.scalars(select(CallbackRequest)).all() == []


def test_menu_key_records_and_says_when(app_ctx, twilio):
    url = "/twilio/voice/flow/operator/callback_offer?l=ru"
    said = [s.text for s in xml(twilio.call(url, caller="+79261234567", digits="1")).iter("Say")]
    assert said[0].startswith("Заявка принята")
    assert said[1].startswith("Мы позвоним")  # soon / today / tomorrow / next working day
    request = requests_for("+79261234567")[0]
    assert (request.source, request.language, request.hotline_number) == ("menu", "ru", "+996312000000")
    said = [s.text for s in xml(twilio.call(url, caller="+79261234567", digits="1")).iter("Say")]
    assert said[0].startswith("Ваша заявка уже есть")
    assert len(requests_for("+79261234567")) == 1


def test_sms_trigger_returns_when_to_expect_the_call(app_ctx):
    monday_night = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)  # 21:00 in Bishkek, 18:00 in Moscow
    request, created = request_callback("+996555123456", source="sms", language="ky", now=monday_night)
    assert created and request.source == "sms"
    result = request_callback("+996555123456", source="sms", now=monday_night)
    assert (result.outcome, result.when) == ("refreshed", "tomorrow")
    assert result.expected_at.isoformat() == "2026-03-03T09:00:00+06:00"  # in the caller's zone
    in_moscow = request_callback("+79261234567", source="sms", now=monday_night)
    assert (in_moscow.outcome, in_moscow.when, in_moscow.expected_at.isoformat()) == (
        "created", "soon", "2026-03-02T18:00:00+03:00")


def test_unknown_source_is_a_programming_error(app_ctx):
    with pytest.raises(ValueError, match="unknown callback source"):
        request_callback("+996555123456", source="telepathy")


@pytest.mark.parametrize(("caller", "first", "next_day"), [
    # Moscow: 23:00, 23:20, 23:40 local; 00:10 is a new day there
    ("+79261234567", "2026-03-02T20:00", "2026-03-02T21:10"),
    # Bishkek: 02:00, 02:20, 02:40 local (already Tuesday); a new day only after 18:00 UTC
    ("+996555123456", "2026-03-02T20:00", "2026-03-03T18:10"),
])
def test_daily_cap_counts_requests_in_the_callers_day(app_ctx, caller, first, next_day):
    start = datetime.fromisoformat(first).replace(tzinfo=timezone.utc)
    for minutes in (0, 20, 40):  # three requests, each called back before the next
        result = request_callback(caller, source="missed_call", now=start + timedelta(minutes=minutes))
        assert result.outcome == "created"
        close(result.request)
    capped = request_callback(caller, source="missed_call", now=start + timedelta(minutes=60))
    if caller.startswith("+7"):  # 00:00 in Moscow: a new day
        assert capped.outcome == "created"
        return
    assert (capped.outcome, capped.request, capped.expected_at, capped.prompts) == (
        "capped", None, None, ("callback.capped",))
    request, created = capped  # the old two-value form still unpacks
    assert (request, created) == (None, False)
    assert len(requests_for(caller)) == 3
    tomorrow = request_callback(caller, source="missed_call", now=datetime.fromisoformat(next_day).replace(
        tzinfo=timezone.utc))
    assert tomorrow.outcome == "created"


def test_capped_caller_is_told_by_voice(app_ctx, twilio):
    for _ in range(app_ctx.config["CALLBACK_DAILY_CAP"]):
        close(request_callback("+996700111222", source="menu").request, CallbackRequest.NO_ANSWER)
    url = "/twilio/voice/flow/operator/callback_offer?l=ky"
    said = [s.text for s in xml(twilio.call(url, caller="+996700111222", digits="1")).iter("Say")]
    assert said[0].startswith("Бүгүн кайра чалуу өтүнүчүн")
    assert len(requests_for("+996700111222")) == 3


def test_an_open_request_is_refreshed_even_past_the_cap(app_ctx):
    for _ in range(2):
        close(request_callback("+996700111333", source="menu").request)
    open_one = request_callback("+996700111333", source="menu", topic="legal_aid").request
    refreshed = request_callback("+996700111333", source="sms", topic="jobs")
    assert (refreshed.outcome, refreshed.request.id, refreshed.request.topic) == ("refreshed", open_one.id, "jobs")


def test_triggers_at_once_for_one_number_leave_one_open_request(app):
    """Eight threads, each with its own connection and transaction (as eight webhooks), ask for the
    same number at the same moment: on PostgreSQL the losers of the insert race get a unique
    violation and refresh the winner's row; on SQLite they wait for its write lock."""
    barrier = threading.Barrier(8)
    results, errors = [], []

    def trigger(topic):
        with app.app_context():
            barrier.wait()
            try:
                results.append(request_callback("+996700555777", source="sms", topic=topic))
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - the assertion below names it
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=trigger, args=(f"topic{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(result.outcome for result in results) == ["created"] + ["refreshed"] * 7
    assert len({result.request_id for result in results}) == 1
    with app.app_context():
        (request,) = requests_for("+996700555777")
        assert request.status == "pending" and request.topic.startswith("topic")


def test_a_refresh_keeps_what_it_is_not_given(app_ctx):
    first = request_callback("+996700555888", source="menu", language="ru", topic="legal_aid",
                             hotline_number="+996312000000")
    again = request_callback("+996700555888", source="sms", language=None, topic="", hotline_number="+996312999999")
    assert (again.outcome, again.request_id) == ("refreshed", first.request_id)
    request = again.request
    # an empty topic is no topic; the number first reached stays the one to call from
    assert (request.language, request.topic, request.hotline_number, request.source) == (
        "ru", "legal_aid", "+996312000000", "menu")
