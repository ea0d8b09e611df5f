"""Bad input, generated (hypothesis): whatever a correctly signed request carries, the hotline answers
a 4xx or valid TwiML, never a 500, and nothing inside fails on the way.

Every request goes through the real webhook (signature, form parsing, the pipeline, the database) of
an app on the suite's database. "Nothing fails inside" is read from the log: the views turn an
exception into a spoken or texted apology (a caller must never hear Twilio's error message), so a
200 alone would hide a crash; every ``hotline`` record at ERROR level fails the example.

Malformed *signatures* are tests/test_signatures.py's; malformed data files, tests/*/test_loader.py's.
"""

import logging
import string
import uuid
import xml.etree.ElementTree as ET
from datetime import datetime
from urllib.parse import quote, urlencode

import pytest
from flask import request
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from twilio.request_validator import RequestValidator
from werkzeug.exceptions import HTTPException

from hotline.callbacks.models import CallbackAttempt, CallbackRequest
from hotline.extensions import db
from hotline.sms.segments import count_segments
from hotline.sms.views import MAX_BODY

# a failing example with a 20 KB field is long to print, and worth printing
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")
#: Modest budgets keep the suite fast; each example is one or two real webhooks.
EXAMPLES = settings(max_examples=200, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
CALLERS = ["+996555100001", "+996700100002", "+79261000003", "+77011000004", "+996312100005"]


class ErrorLog(logging.Handler):
    """Collects the ``hotline`` log's ERROR records (an exception a view turned into an apology)."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)

    def take(self) -> list[str]:
        """The records so far, formatted with their tracebacks; the list is emptied."""
        taken = [logging.Formatter("%(name)s: %(message)s").format(record) for record in self.records]
        self.records.clear()
        return taken


@pytest.fixture
def errors():
    handler = ErrorLog()
    logger = logging.getLogger("hotline")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


@pytest.fixture
def hotline(app, app_factory, database_url, broker_url):
    """An app on the suite's database with the flood cap out of the way (hundreds of messages come
    from a few numbers, so that conversations carry state: open menus, checks half answered)."""
    return app_factory(database_url, broker_url, SMS_REPLIES_PER_HOUR=10**9)


def signed_post(app, path: str, form=None, *, raw: bytes | None = None, content_type: str | None = None):
    """POST ``form`` (a dict) or ``raw`` bytes to ``path``, signed as Twilio signs: the URL as called
    and the form as the server will parse it (werkzeug's own parser, so odd bytes sign as they read)."""
    url = "http://localhost" + path
    if raw is not None:
        content_type = "application/x-www-form-urlencoded" if content_type is None else content_type
        with app.test_request_context(path, method="POST", data=raw, content_type=content_type):
            try:
                params = request.form.copy()
            except HTTPException:  # too big to read: the server will refuse it before any signature
                params = {}
        body = raw
    else:
        params, body = form, urlencode(form)
        content_type = "application/x-www-form-urlencoded"
    signature = RequestValidator(app.config["TWILIO_AUTH_TOKEN"]).compute_signature(url, params)
    return app.test_client().post(path, data=body, content_type=content_type,
                                  headers={"X-Twilio-Signature": signature})


def assert_answered(response, errors: ErrorLog, what) -> ET.Element | None:
    """4xx, 204, or 200 with a TwiML document; and nothing failed inside. The parsed TwiML, if any."""
    if currently_in_test_context():  # how often each route answered what, for --hypothesis-show-statistics
        event(f"{str(what[0]).split('?')[0][:40] if isinstance(what, tuple) else 'sms'} {response.status_code}")
    failures = errors.take()
    assert not failures, f"{what}: failed inside:\n" + "\n".join(failures)
    assert response.status_code != 403, f"{what}: the signature was not found ours (the test's fault)"
    if 400 <= response.status_code < 500 or response.status_code == 204:
        return None
    assert response.status_code == 200, (what, response.status_code, response.data[:500])
    assert response.mimetype == "text/xml", (what, response.mimetype)
    document = ET.fromstring(response.data)
    assert document.tag == "Response", (what, response.data[:500])
    return document


# -- SMS bodies -------------------------------------------------------------------------------

KEYWORDS = ["BALA", "БАЛА", "KOMOK", "КӨМӨК", "komok 5 3 4000", "JARDAM", "ЖАРДАМ", "JUMUSH", "ROSSIYA",
            "SOOLUK", "CHAL", "ЧАЛ", "TIL", "TIL 2", "MENU", "МЕНЮ", "START", "PENSIYA", "MAYIP",
            "DOKUMENT", "UY", "ҮЙ", "PSIHOLOG", "AZYK", "KOMOK OSH", "bala talas", "1", "2", "9", "0"]
CYRILLIC = st.characters(min_codepoint=0x400, max_codepoint=0x4FF)
EMOJI = st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF)
CONTROL = st.characters(min_codepoint=0, max_codepoint=0x1F) | st.characters(min_codepoint=0x7F, max_codepoint=0x9F)
PHONE_TEXT = st.sampled_from(list(string.digits + " #*+-.,")) | CYRILLIC | EMOJI | CONTROL
BODIES = st.one_of(
    st.text(),  # anything Unicode has (no lone surrogates: they cannot be sent)
    st.text(PHONE_TEXT, max_size=40),
    st.builds(lambda word, rest: f"{word} {rest}", st.sampled_from(KEYWORDS), st.text(PHONE_TEXT, max_size=30)),
    st.builds(lambda word, n: f"{word} {n}", st.sampled_from(KEYWORDS),
              st.integers(-10**30, 10**30).map(str)),
    st.text(min_size=MAX_BODY - 10, max_size=MAX_BODY + 10),  # Twilio's longest, and past it
    st.sampled_from(["", " ", "\x00", "\u200b", "\ufeff", "\r\n", "ـ", "🇰🇬", "Ⅻ", "٣", "ǅ", "ß" * 200]),
)


@given(caller=st.sampled_from(CALLERS), body=BODIES)
@example(caller=CALLERS[0], body="\x00")
@example(caller=CALLERS[0], body="komok 99999999999999999999999 -1 ٣")
@example(caller=CALLERS[1], body="ЖАРДАМ 🇰🇬" * 100)
@example(caller=CALLERS[1], body="б" * MAX_BODY)
@example(caller=CALLERS[2], body="é" * (MAX_BODY + 1))
@EXAMPLES
def test_any_text_gets_one_short_answer(hotline, errors, caller, body):
    """Any message: 200 with at most one ``<Message>`` within the segment budget, or 400 only for what
    Twilio never sends (a body past its limit, a NUL); the normaliser, parser, router and renderer
    never raise."""
    response = signed_post(hotline, "/twilio/sms", {"MessageSid": "SM" + uuid.uuid4().hex, "From": caller,
                                                    "To": "+996312000000", "Body": body})
    document = assert_answered(response, errors, body)
    if len(body) > MAX_BODY or "\x00" in body:
        assert response.status_code == 400
        return
    assert document is not None, (body, response.status_code, response.data)
    messages = document.findall("./Message")
    assert len(messages) <= 1 and [child.tag for child in document] == ["Message"] * len(messages)
    for message in messages:
        reply = "".join(message.itertext())
        assert reply.strip(), body
        assert count_segments(reply).segments <= hotline.config["SMS_MAX_SEGMENTS"], (body, reply)


# -- every /twilio/* route, any form ------------------------------------------------------------

SID = st.builds(lambda prefix, hexes: prefix + hexes, st.sampled_from(["CA", "SM", "RE", "MM", ""]),
                st.text("0123456789abcdef", min_size=32, max_size=32))
NUMBERS = st.one_of(
    st.sampled_from(CALLERS + ["+996312000000", "anonymous", "client:anna", "sip:x@y", "+", "+0", "00996555100001",
                               "996555100001", "+999999999999999999999", "+1 (555) 010-0000", "266696687"]),
    st.text(string.digits + "+#*", max_size=25),
)
DIGITS = st.one_of(st.sampled_from(["1", "2", "9", "0", "*", "#", "", "12#*ab", "٣", "１", "99999999999999999999",
                                    "-1", "1e999", "0x10", " 1", "1\n", "\x00"]),
                   st.text(string.digits + "#*", max_size=30))
ABSURD_NUMBER = st.one_of(st.integers(-10**40, 10**40).map(str), st.sampled_from(["", "nan", "inf", "1.5", "٣", "¹", "-0"]))
ANY_TEXT = st.one_of(st.text(max_size=40), st.text(min_size=1, max_size=3000), st.just("x" * 20_000))
FIELD_VALUES = {
    "CallSid": st.one_of(SID, ANY_TEXT),
    "MessageSid": st.one_of(SID, ANY_TEXT),
    "RecordingSid": st.one_of(SID, ANY_TEXT),
    "AccountSid": st.one_of(st.just("AC" + "1" * 32), ANY_TEXT),
    "From": st.one_of(NUMBERS, ANY_TEXT),
    "To": st.one_of(NUMBERS, ANY_TEXT),
    "Digits": st.one_of(DIGITS, ANY_TEXT),
    "Body": ANY_TEXT,
    "CallStatus": st.one_of(st.sampled_from(["queued", "ringing", "in-progress", "completed", "busy", "no-answer",
                                             "failed", "canceled", ""]), ANY_TEXT),
    "MessageStatus": st.one_of(st.sampled_from(["queued", "sent", "delivered", "undelivered", "failed"]), ANY_TEXT),
    "Direction": st.one_of(st.sampled_from(["inbound", "outbound-api", "outbound-dial"]), ANY_TEXT),
    "DialCallStatus": st.one_of(st.sampled_from(["completed", "busy", "no-answer", "failed"]), ANY_TEXT),
    "CallDuration": ABSURD_NUMBER, "RecordingDuration": ABSURD_NUMBER, "ErrorCode": st.one_of(ABSURD_NUMBER, ANY_TEXT),
    "RecordingUrl": st.one_of(st.just("https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"), ANY_TEXT),
    "SpeechResult": ANY_TEXT, "NumSegments": ABSURD_NUMBER,
}
#: What Twilio sends, the union over every route; an example drops some fields and spoils others.
GOOD_FORM = {"AccountSid": "AC" + "1" * 32, "To": "+996312000000", "CallStatus": "in-progress",
             "Direction": "inbound", "Body": "bala", "MessageStatus": "delivered", "RecordingSid": "RE" + "2" * 32,
             "RecordingUrl": "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1",
             "RecordingDuration": "12", "CallDuration": "30", "Digits": "1", "DialCallStatus": "no-answer"}
CALL_SIDS = ["CA" + str(n) * 32 for n in range(3)]  # a few calls, so steps meet the rows earlier steps left


@st.composite
def spoiled_forms(draw) -> dict:
    """Twilio's form with a few fields missing, a few replaced by anything, a few added."""
    form = GOOD_FORM | {"CallSid": draw(st.sampled_from(CALL_SIDS)), "MessageSid": "SM" + uuid.uuid4().hex,
                        "From": draw(st.sampled_from(CALLERS))}
    for name in draw(st.lists(st.sampled_from(sorted(form)), max_size=3, unique=True)):
        del form[name]
    for name in draw(st.lists(st.sampled_from(sorted(FIELD_VALUES)), max_size=3, unique=True)):
        form[name] = draw(FIELD_VALUES[name])
    return form | draw(st.dictionaries(st.text(max_size=20), st.text(max_size=60), max_size=2))


FORMS = st.one_of(
    spoiled_forms(),
    spoiled_forms(),
    st.fixed_dictionaries({}, optional=FIELD_VALUES),
    st.dictionaries(st.one_of(st.sampled_from(sorted(FIELD_VALUES)), st.text(max_size=20)), st.text(max_size=60),
                    max_size=8),
)

QUERY_VALUES = st.one_of(st.sampled_from(["ky", "ru", "en", "legal_aid", "talas", "main.menu", "x.y.z", "1", "999",
                                          "99999", "-1", "family_size:5,has_livestock:n", "a:" + "b" * 700]),
                         st.text(max_size=30))
QUERIES = st.one_of(
    st.dictionaries(st.sampled_from(list("ltrpfbans") + ["attempt", "x"]), QUERY_VALUES, max_size=6).map(urlencode),
    st.text(string.ascii_letters + string.digits + "=&%;+-._~!", max_size=60),  # raw, maybe not even key=value
)
SEGMENT = st.text(string.ascii_letters + string.digits + "_-.", min_size=1, max_size=30) | st.text(
    CYRILLIC, min_size=1, max_size=5)


def takes_no_key(node) -> bool:
    """A node that neither gathers nor waits for a <Dial>, <Record> or check answer (Twilio posts to
    one after a silent <Record>; see test_a_step_on_a_node_that_takes_no_key_is_answered)."""
    return node.gather is None and node.action not in ("eligibility", "operator", "voicemail")


def _known_nodes(keyless: bool = False) -> list[tuple[str, str]]:
    from ivr_flows import load_flows

    flows = load_flows()
    return [(flow.name, node.id) for flow in flows.flows.values() for node in flow.nodes.values()
            if takes_no_key(node) == keyless]


FLOW_NODES = st.one_of(*[st.sampled_from(_known_nodes())] * 3, st.sampled_from(_known_nodes(keyless=True)),
                       st.tuples(SEGMENT, SEGMENT))
REQUEST_IDS = st.one_of(st.just("{request}"), st.sampled_from(["{request}", "0", "1", "2147483648", "9" * 40]),
                        st.integers(0, 10**30).map(str))


@st.composite
def twilio_paths(draw) -> str:
    """One of the ten ``/twilio/*`` routes (menu steps the most), with a query string (and path parts) good, odd or absent."""
    route = draw(st.sampled_from([
        "/twilio/voice", "/twilio/voice/flow", "/twilio/voice/flow", "/twilio/voice/flow", "/twilio/voice/status", "/twilio/voice/fallback",
        "/twilio/voice/missed", "/twilio/voice/recording", "/twilio/voice/callback", "/twilio/voice/callback/status",
        "/twilio/sms", "/twilio/sms/status"]))
    if route == "/twilio/voice/flow":
        flow, node = draw(FLOW_NODES)
        route = f"{route}/{quote(flow, safe='')}/{quote(node, safe='')}"
    elif route.startswith("/twilio/voice/callback"):
        route = route.replace("callback", "callback/" + draw(REQUEST_IDS))
    if route.endswith("/status") and "callback" in route:
        query = draw(st.one_of(st.just("attempt={attempt}"), QUERIES))
    else:
        query = draw(st.one_of(st.just(""), st.just("l=ky&s=2"), st.just("l=ru"), QUERIES))
    return route + (f"?{query}" if query else "")


@pytest.fixture
def callback_ids(hotline):
    """A callback request and its attempt, so the callback routes get past "no such request" too."""
    with hotline.app_context():
        request = CallbackRequest(caller="+79261000003", source="missed_call", timezone="Europe/Moscow",
                                  next_attempt_at=datetime(2026, 1, 1), status=CallbackRequest.DIALING, attempts=1)
        db.session.add(request)
        db.session.flush()
        attempt = CallbackAttempt(request_id=request.id, number=1, started_at=datetime(2026, 1, 1))
        db.session.add(attempt)
        db.session.commit()
        ids = {"request": str(request.id), "attempt": str(attempt.id)}
        db.session.remove()
    return ids


def _fill(path: str, ids: dict) -> str:
    return path.replace("{request}", ids["request"]).replace("{attempt}", ids["attempt"])


CALL = {"CallSid": CALL_SIDS[0], "From": CALLERS[0], "To": "+996312000000"}


@given(path=twilio_paths(), form=FORMS)
@example(path="/twilio/voice/callback/99999999999999999999/status?attempt={attempt}",
         form=CALL | {"CallStatus": "busy"})
@example(path="/twilio/voice/callback/{request}/status?attempt=999999999999", form=CALL | {"CallStatus": "busy"})
@example(path="/twilio/voice/callback/2147483648", form=CALL)
@example(path="/twilio/voice/status", form=CALL | {"CallStatus": "completed", "CallDuration": "¹"})
@example(path="/twilio/voice/status", form=CALL | {"CallStatus": "completed", "CallDuration": "9" * 30})
@example(path="/twilio/voice/status", form=CALL | {"CallStatus": "completed", "CallSid": "CA" + "1" * 100})
@example(path="/twilio/voice/recording", form=CALL | {"RecordingSid": "RE1", "RecordingDuration": "9" * 30})
@example(path="/twilio/voice/recording", form=CALL | {"RecordingSid": "RE1", "RecordingUrl": "x\x00"})
@example(path="/twilio/voice/flow/main/menu?l=ky&s=1", form=CALL | {"Digits": "12#*ab"})
@example(path="/twilio/voice/flow/main/menu?l=ky&s=1", form=CALL | {"Digits": "\x00"})
@example(path="/twilio/voice/missed", form=CALL | {"CallSid": "CA\x00"})
@example(path="/twilio/voice/fallback", form=CALL | {"From": "+79261000003\x00"})
@example(path="/twilio/voice/fallback", form=CALL | {"CallSid": "CA" + "1" * 100})
@example(path="/twilio/sms", form={"MessageSid": "SM1", "From": CALLERS[0], "To": "+9963\x00", "Body": "bala"})
@EXAMPLES
def test_any_signed_form_on_any_route_is_4xx_or_twiml(hotline, errors, callback_ids, path, form):
    path = _fill(path, callback_ids)
    assert_answered(signed_post(hotline, path, form), errors, (path, form))


@given(path=twilio_paths(), raw=st.one_of(
    st.binary(max_size=300),
    st.builds(lambda name, junk: name + b"=" + junk, st.sampled_from([b"CallSid", b"Body", b"From", b"To", b"Digits"]),
              st.binary(max_size=100)),
    st.builds(lambda name, junk, form: urlencode(form).encode().replace(name + b"=", name + b"=" + junk, 1),
              st.sampled_from([b"CallSid", b"Body", b"From", b"Digits", b"To", b"CallStatus", b"MessageSid"]),
              st.sampled_from([b"%FF%FE", b"\xff\xfe", b"%C0%80", b"%ED%A0%80", b"\xd0", b"%", b"%%", b"%0", b"&&=&",
                               b"%00", b"\x00", b"+", b"%2B"]) | st.binary(max_size=40),
              spoiled_forms()),
    st.just(b"Body=" + b"%D0%B0" * 40_000),  # 240 KB of form: past the form memory limit
))
@EXAMPLES
def test_any_bytes_as_a_form_on_any_route_is_4xx_or_twiml(hotline, errors, callback_ids, path, raw):
    """Invalid UTF-8, broken percent escapes, bodies too big to parse: signed over the form as it is read."""
    path = _fill(path, callback_ids)
    assert_answered(signed_post(hotline, path, raw=raw), errors, (path, raw[:200]))


@pytest.mark.parametrize(("flow", "node"), _known_nodes(keyless=True))
def test_a_step_on_a_node_that_takes_no_key_is_answered(hotline, errors, flow, node):
    response = signed_post(hotline, f"/twilio/voice/flow/{flow}/{node}?l=ky&s=3",
                           {"CallSid": "CA" + "5" * 32, "From": CALLERS[0], "To": "+996312000000"})
    document = assert_answered(response, errors, (flow, node))
    assert document is not None and document[-1].tag in ("Hangup", "Gather", "Redirect", "Dial")


def test_a_long_number_typed_then_star_goes_back(hotline, errors):
    """A number question (the birth date) ends at "#", so Digits can be as long as the caller's patience;
    25 keys and "*" mean "back", as any "*" in a typed number does."""
    path = "/twilio/voice/flow/children/birth_grant_check?l=ky&s=1"
    document = assert_answered(signed_post(hotline, path, CALL | {"Digits": "1" * 25 + "*"}), errors, path)
    assert document is not None and "Кечиресиз" not in ET.tostring(document, encoding="unicode")


@pytest.mark.parametrize("content_type", ["multipart/form-data; boundary=x", "application/json", "text/plain", ""])
def test_a_body_that_is_no_form_is_4xx_or_twiml(hotline, errors, content_type):
    for path in ("/twilio/voice", "/twilio/sms", "/twilio/voice/flow/main/menu?l=ky", "/twilio/voice/status"):
        response = signed_post(hotline, path, raw=b'{"CallSid": "CA1"}--x\r\n', content_type=content_type)
        assert_answered(response, errors, (path, content_type))
