"""Every page, full (50 rows, an administrator's full numbers), weighs under 100 KB with its assets."""

from datetime import timedelta

import pytest

from hotline.callbacks.models import CallbackRequest
from hotline.console.models import AuditEntry
from hotline.extensions import db
from hotline.messaging.models import SmsMessage
from hotline.timeutil import utcnow
from hotline.voice.models import Call, CallEvent

LIMIT = 100_000
ASSETS = ["/console/static/console.css", "/console/static/favicon.svg"]


def fill():
    """60 of everything a list shows (a page holds 50), with long texts where a row has text."""
    now = utcnow()
    for n in range(60):
        sid, number = f"CA{n:032}", f"+9965550{n:05}"
        db.session.add(Call(external_id=sid, caller=number, language="ky", status="completed",
                            started_at=now - timedelta(minutes=n), duration_seconds=95))
        db.session.add_all(CallEvent(call_sid="CA" + "0" * 32, step=n * 10 + s, node="benefits.food_aid", digits="1",
                                     outcome="route", next_node="main.menu", detail="topic=food_aid region=osh",
                                     at=now) for s in range(1) if n < 40)
        db.session.add(CallbackRequest(caller=number, source="menu", status="pending", topic="benefits.food_aid",
                                       language="ky", timezone="Europe/Moscow", attempts=2,
                                       last_error="attempt 2: no-answer", created_at=now - timedelta(hours=n)))
        inbound = SmsMessage(caller=number, body="КӨМӨК ОШ " * 8, direction="inbound", status="unmatched",
                             normalized=f"komok osh {n}", created_at=now)
        db.session.add(inbound)
        db.session.flush()
        db.session.add(SmsMessage(caller=number, body="Ош облусу: Социалдык фонд 0322 25 63 56. " * 3,
                                  direction="outbound", status="undelivered", error="30003", reply_to_id=inbound.id,
                                  segments=3, encoding="UCS-2", created_at=now, updated_at=now))
        db.session.add(AuditEntry(actor="aida", action="view_numbers", target="page:/console/calls/",
                                  after={"numbers": [f"+9965550{m:05}" for m in range(50)]}))
    db.session.commit()


@pytest.fixture
def full_pages(store, operators):
    store.run(fill)
    conversation = store.scalar(db.select(SmsMessage.id).where(SmsMessage.caller == "+996555000001").limit(1))
    callback = store.scalar(db.select(db.func.min(CallbackRequest.id)))
    entry = store.scalar(db.select(db.func.min(AuditEntry.id)))
    return ["/console/", "/console/calls/", f"/console/calls/CA{0:032}", "/console/callbacks/", f"/console/callbacks/{callback}",
            "/console/conversations/", f"/console/conversations/{conversation}",
            "/console/conversations/unmatched?days=30", "/console/audit/", f"/console/audit/{entry}", "/console/settings",
            "/console/login"]


def test_every_page_weighs_under_100_kb(admin, full_pages, capsys):
    assets = 0
    for path in ASSETS:
        with admin.get(path) as response:  # a static file's response holds the file open until closed
            assets += len(response.data)
    weights = {}
    for path in full_pages:
        response = admin.get(path)
        assert response.status_code == 200, path
        weights[path] = len(response.data) + assets
    with capsys.disabled():
        print("\npage weights (bytes, with the stylesheet and icon):",
              ", ".join(f"{path} {size:,}" for path, size in weights.items()))
    assert max(weights.values()) < LIMIT, weights
