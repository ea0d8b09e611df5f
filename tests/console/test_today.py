"""Today: counts since the office's midnight, who waits longest, failed deliveries, the worker."""

from datetime import timedelta

from hotline.health.models import Heartbeat
from hotline.messaging.models import SmsMessage
from hotline.timeutil import utcnow


def test_today_counts_and_what_needs_a_person(operator, store):
    store.call("CA" + "1" * 32, ago=timedelta(minutes=5))
    store.call("CA" + "2" * 32, ago=timedelta(days=2))  # not today
    store.sms("+996555000001", "BALA")
    store.sms("+996555000001", "reply", direction=SmsMessage.OUTBOUND, status=SmsMessage.REPLIED)
    store.sms("+996555000002", "Офис: 0312 62 62 10", direction=SmsMessage.OUTBOUND, status=SmsMessage.UNDELIVERED,
              error="30003")
    store.callback("+996555000009", ago=timedelta(hours=30))
    store.callback("+996555000008", ago=timedelta(hours=1))
    html = operator.get("/console/").get_data(as_text=True)
    for text in ("<strong>1</strong> calls", "<strong>1</strong> SMS received", "<strong>2</strong> SMS sent",
                 "<strong>2</strong> open callbacks", "<strong>1</strong> SMS not delivered", "30003",
                 "No worker has ever run."):
        assert text in html, text
    assert html.index("•09") < html.index("•08")  # the longest waiting first
    assert "30 hours" in html  # waiting


def test_the_worker_heartbeat(operator, store):
    store.run(lambda: _beat(utcnow() - timedelta(seconds=42)))
    html = operator.get("/console/").get_data(as_text=True)
    assert "Worker last ran 42 seconds ago" in html and 'class="alarm"' not in html
    store.run(lambda: _beat(utcnow() - timedelta(minutes=10), replace=True))
    assert 'class="alarm"' in operator.get("/console/").get_data(as_text=True)


def _beat(at, replace=False):
    from sqlalchemy import delete

    from hotline.extensions import db
    if replace:
        db.session.execute(delete(Heartbeat))
    db.session.add(Heartbeat(worker="w1", seen_at=at))
    db.session.commit()
