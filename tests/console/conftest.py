"""Console fixtures: an administrator and two operators, clients logged in as each, and rows of
calls, callbacks and SMS written the way the webhooks write them."""

import re
from datetime import timedelta

import pytest
from werkzeug.security import generate_password_hash

from hotline.callbacks.models import CallbackAttempt, CallbackRequest
from hotline.console.models import Operator
from hotline.extensions import db
from hotline.messaging.models import SmsMessage
from hotline.timeutil import utcnow
from hotline.voice.models import Call, CallEvent, Voicemail

PASSWORD = "correct horse battery"
PASSWORD_HASH = generate_password_hash(PASSWORD, method="scrypt")  # once: scrypt is slow by design
CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, path: str, **extra) -> str:
    """The CSRF token of the form on ``path`` (as a browser would read it)."""
    response = client.get(path, **extra)
    match = CSRF.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {path} ({response.status_code})"
    return match.group(1)


def log_in(client, name: str, password: str = PASSWORD, **extra):
    token = csrf_token(client, "/console/login", **extra)
    return client.post("/console/login", data={"csrf_token": token, "name": name, "password": password}, **extra)


def post_form(client, path: str, form_page: str, **data):
    """POST ``data`` to ``path`` with the CSRF token of ``form_page``."""
    return client.post(path, data={"csrf_token": csrf_token(client, form_page), **data})


class Store:
    """The test's own reads and writes, each in an app context of its own: a request made while the
    test holds an app context would share it (its ``g``, its session) and see stale rows."""

    def __init__(self, app):
        self.app = app

    def run(self, function, *args, **kwargs):
        with self.app.app_context():
            result = function(*args, **kwargs)
            db.session.expunge_all()  # loaded rows stay readable once the context is gone
            return result

    def scalar(self, statement):
        return self.run(lambda: db.session.scalar(statement))

    def scalars(self, statement) -> list:
        return self.run(lambda: db.session.scalars(statement).all())

    def get(self, model, key):
        return self.run(lambda: db.session.get(model, key))

    def update(self, model, key, **values):
        def change():
            row = db.session.get(model, key)
            for name, value in values.items():
                setattr(row, name, value)
            db.session.commit()
        self.run(change)

    def call(self, *args, **kwargs):
        return self.run(add_call, *args, **kwargs).external_id

    def callback(self, *args, **kwargs) -> int:
        return self.run(add_callback, *args, **kwargs)

    def sms(self, *args, **kwargs) -> int:
        return self.run(add_sms, *args, **kwargs)

    def voicemail(self, *args, **kwargs):
        self.run(add_voicemail, *args, **kwargs)


@pytest.fixture
def store(app):
    return Store(app)


@pytest.fixture
def operators(store):
    """aida (administrator), bakyt and chynara (operators); all read the console in English."""
    def create():
        people = [Operator(name="aida", role=Operator.ADMIN, language="en", password_hash=PASSWORD_HASH),
                  Operator(name="bakyt", role=Operator.OPERATOR, language="en", password_hash=PASSWORD_HASH),
                  Operator(name="chynara", role=Operator.OPERATOR, language="en", password_hash=PASSWORD_HASH)]
        db.session.add_all(people)
        db.session.commit()
        return {person.name: person.id for person in people}
    return store.run(create)


def _client_of(app, name):
    client = app.test_client()
    response = log_in(client, name)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


@pytest.fixture
def admin(app, operators):
    return _client_of(app, "aida")


@pytest.fixture
def operator(app, operators):
    return _client_of(app, "bakyt")


@pytest.fixture
def other_operator(app, operators):
    return _client_of(app, "chynara")


def add_call(sid="CA" + "1" * 32, caller="+996555123456", language="ky", ago=timedelta(minutes=10),
             steps=(("main.language", "1", "language", "main.menu"), ("main.menu", "3", "route", "services.regions"),
                    ("services.regions", "5", "route", "services.offices"),
                    ("services.offices", None, "give_up", None)),
             seconds_per_step=7, status=Call.COMPLETED) -> Call:
    """A call with its steps, ``seconds_per_step`` apart, ended after the last one."""
    started = utcnow() - ago
    call = Call(external_id=sid, caller=caller, hotline_number="+996312000000", language=language, status=status,
                started_at=started, ended_at=started + timedelta(seconds=seconds_per_step * len(steps)),
                duration_seconds=seconds_per_step * len(steps))
    db.session.add(call)
    for step, (node, digits, outcome, next_node) in enumerate(steps):
        db.session.add(CallEvent(call_sid=sid, step=step, at=started + timedelta(seconds=seconds_per_step * step),
                                 node=node, digits=digits, outcome=outcome, next_node=next_node))
    db.session.commit()
    db.session.refresh(call)
    return call


def add_callback(caller="+996555123456", ago=timedelta(hours=2), status=CallbackRequest.PENDING, attempts=(),
                 **values) -> int:
    """A callback request ``ago`` old, with attempts given as (Twilio status, error) pairs."""
    created = utcnow() - ago
    values = {"source": "menu", "language": "ky", "timezone": "Asia/Bishkek"} | values
    request = CallbackRequest(caller=caller, status=status, created_at=created, updated_at=created,
                              next_attempt_at=created, attempts=len(attempts), **values)
    db.session.add(request)
    db.session.flush()
    for number, (twilio_status, error) in enumerate(attempts, start=1):
        db.session.add(CallbackAttempt(request_id=request.id, number=number, status=twilio_status, error=error,
                                       external_id=f"CA{request.id:04}{number:028}", started_at=created))
    db.session.commit()
    return request.id


def add_sms(caller, body, direction=SmsMessage.INBOUND, status=SmsMessage.RECEIVED, ago=timedelta(minutes=5),
            **values) -> int:
    at = utcnow() - ago
    message = SmsMessage(caller=caller, body=body, direction=direction, status=status, created_at=at,
                         updated_at=at, **values)
    db.session.add(message)
    db.session.commit()
    return message.id


def add_voicemail(call_sid, caller="+996555123456", seconds=14):
    db.session.add(Voicemail(call_sid=call_sid, caller=caller, recording_sid="RE" + call_sid[2:],
                             recording_url="https://api.twilio.com/rec", duration_seconds=seconds))
    db.session.commit()
