"""The call log: filters, pages, and each call's timeline."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from hotline.console.models import AuditEntry
from hotline.messaging.models import SmsMessage
from hotline.timeutil import utcnow
from hotline.voice.models import Call

SID = "CA" + "1" * 32


def test_the_timeline_shows_each_menu_key_time_sms_and_voicemail(operator, store):
    store.call(SID)
    store.sms("+996555123456", "Ош: Социалдык фонд 0312 62 62 10", direction=SmsMessage.OUTBOUND,
              status=SmsMessage.DELIVERED, call_sid=SID, segments=2, encoding="UCS-2")
    store.voicemail(SID, seconds=14)
    html = operator.get(f"/console/calls/{SID}").get_data(as_text=True)
    for text in ("main.language", "main.menu", "services.regions", "services.offices", "give_up",
                 "<kbd>3</kbd>", "→ services.regions", "0:07", "2 segments", "Социалдык фонд", "0:14"):
        assert text in html, text
    assert html.count('<span class="spent">0:07</span>') == 4  # 7 s on each step, the last until the call ended
    assert "+996 555 ••• •56" in html and "123 456" not in html


def test_an_unknown_call_is_404(operator):
    assert operator.get("/console/calls/CAnothing").status_code == 404


def test_the_log_is_newest_first_and_masked_for_operators(operator, store):
    store.call("CA" + "a" * 32, caller="+996555111111", ago=timedelta(hours=3))
    store.call("CA" + "b" * 32, caller="+79261234567", ago=timedelta(hours=1))
    html = operator.get("/console/calls/").get_data(as_text=True)
    assert html.index("+7 926 ••• ••67") < html.index("+996 555 ••• •11")
    assert "2 calls" in html


def test_an_administrator_sees_full_numbers_and_the_view_is_audited(admin, store):
    store.call(SID, caller="+996555123456")
    html = admin.get("/console/calls/").get_data(as_text=True)
    assert "+996 555 123 456" in html
    entry = store.scalar(select(AuditEntry).where(AuditEntry.action == "view_numbers"))
    assert entry.actor == "aida" and entry.target == "page:/console/calls/" and entry.after == {"numbers": ["+996555123456"]}


@pytest.mark.parametrize("query, shown", [
    ({"language": "ru"}, ["CAru"]),
    ({"outcome": "give_up"}, ["CAky"]),
    ({"outcome": "operator"}, ["CAru"]),
    ({"number": "0555 111 111"}, ["CAky"]),  # any spelling of the number
    ({"number": "+79261234567"}, ["CAru"]),
    ({"since": "2001-01-01", "until": "2001-01-02"}, []),
    ({"since": "TODAY", "until": "TODAY"}, ["CAky", "CAru"]),
])
def test_filters(operator, store, query, shown):
    store.call("CAky", caller="+996555111111", language="ky")
    store.call("CAru", caller="+79261234567", language="ru",
               steps=(("main.menu", "0", "operator", "main.operator"), ("main.operator", None, "dial", None)))
    today = (utcnow() + timedelta(hours=6)).date().isoformat()  # the office's day (Bishkek, UTC+6)
    query = {name: today if value == "TODAY" else value for name, value in query.items()}
    html = operator.get("/console/calls/", query_string=query).get_data(as_text=True)
    assert sorted(sid for sid in ("CAky", "CAru") if f"/console/calls/{sid}" in html) == shown


@pytest.mark.parametrize("query, error", [
    ({"number": "not a number"}, "Not a phone number."),
    ({"since": "2026-05-02", "until": "2026-05-01"}, "The end is before the start."),
    ({"since": "yesterday"}, "Not a valid date value."),
    ({"language": "fr"}, "Not a valid choice."),
])
def test_a_bad_filter_says_why_and_shows_no_calls(operator, store, query, error):
    store.call(SID)
    response = operator.get("/console/calls/", query_string=query)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and error in html and f"/console/calls/{SID}" not in html


def test_pages_of_fifty(operator, store):
    def many():
        from hotline.extensions import db
        start = utcnow() - timedelta(hours=2)
        db.session.add_all(Call(external_id=f"CA{n:032}", caller="+996555000000", started_at=start + timedelta(seconds=n))
                           for n in range(60))
        db.session.commit()
    store.run(many)
    first = operator.get("/console/calls/", query_string={"language": ""}).get_data(as_text=True)
    assert first.count('href="/console/calls/CA') == 50 and "Page 1 of 2" in first
    assert f"CA{59:032}" in first and f"CA{9:032}" not in first
    second = operator.get("/console/calls/?page=2").get_data(as_text=True)
    assert second.count('href="/console/calls/CA') == 10 and f"CA{0:032}" in second
