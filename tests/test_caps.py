"""Caps that hold under bursts: counted in the request's transaction, on any number of processes.

Real gunicorn (2 sync workers) on the suite's database; messages sent at once by several clients.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from hotline.extensions import db
from hotline.messaging.models import SmsMessage
from hotline.sms.models import SmsConversation
from tests.servers import Twilio, gunicorn

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
