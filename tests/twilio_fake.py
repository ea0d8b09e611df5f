"""Talking to our webhooks as Twilio does (signed requests), and a fake Twilio REST server.

``SignedTwilio`` posts form requests with a correct ``X-Twilio-Signature``; ``FakeTwilio`` is a
small HTTP server on 127.0.0.1 that answers the REST calls we make (messages, calls) the way
Twilio does and records them, so tests assert on what was asked of Twilio. Given an auth token and
an outcome for a call, it then plays the call as Twilio would: signed status callbacks to the
call's ``StatusCallback`` and, when the person "answers", a request for the call's TwiML ``Url``.
"""

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, parse_qsl, urlencode

import requests
from twilio.request_validator import RequestValidator

#: Outcomes a fake call can have: the person answers (``completed``), or Twilio's final statuses.
CALL_OUTCOMES = ("completed", "busy", "no-answer", "failed")


class SignedTwilio:
    """Signed webhook requests through a Flask test client."""

    def __init__(self, client, auth_token: str, base: str = "http://localhost"):
        self.client, self.validator, self.base = client, RequestValidator(auth_token), base

    def post(self, path: str, sign: bool = True, signature: str | None = None, **params):
        params = {k: str(v) for k, v in params.items() if v is not None}
        headers = {}
        if sign:
            headers["X-Twilio-Signature"] = signature or self.validator.compute_signature(self.base + path, params)
        return self.client.post(path, data=params, headers=headers)

    def call(self, path: str = "/twilio/voice", *, sid: str = "CA" + "0" * 32, caller: str = "+79261234567",
             to: str = "+996312000000", digits: str | None = None, **extra):
        """A voice webhook for call ``sid`` from ``caller``, with ``digits`` if a key was pressed."""
        return self.post(path, CallSid=sid, From=caller, To=to, Digits=digits, AccountSid="AC" + "1" * 32,
                         CallStatus="in-progress", Direction="inbound", **extra)

    def sms(self, body: str, *, sid: str | None = None, caller: str = "+996555123456", to: str = "+996312000000"):
        return self.post("/twilio/sms", MessageSid=sid or "SM" + uuid.uuid4().hex, From=caller, To=to, Body=body,
                         AccountSid="AC" + "1" * 32, NumSegments="1")


class FakeTwilio:
    """A fake of Twilio's REST API: records requests, answers 201 with SIDs (or queued failures).

    ``auth_token`` and ``outcomes`` (number → outcomes of its next calls, see :data:`CALL_OUTCOMES`;
    ``default_outcome`` for the rest) make it play each call back to our webhooks, signed.
    ``webhooks`` records what it posted and what came back.
    """

    def __init__(self, auth_token: str | None = None, default_outcome: str | None = None):
        self.requests: list[dict] = []
        self.failures: list[tuple[int, dict]] = []  # responses to give before succeeding
        self.slow = 0.0  # seconds to wait before answering (a REST call that times out)
        # called with (path, form, answer) before a 201 goes back: a status callback that beats the answer
        self.before_answer = None
        self.auth_token, self.default_outcome = auth_token, default_outcome
        self.outcomes: dict[str, list[str]] = {}
        self.webhooks: list[dict] = []
        self.lock = threading.Lock()
        self.players: list[threading.Thread] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length).decode()
                form = dict(parse_qsl(raw))
                with fake.lock:
                    fake.requests.append({"path": self.path, "form": form, "auth": self.headers.get("Authorization"),
                                          "lists": parse_qs(raw)})
                    failure = fake.failures.pop(0) if fake.failures else None
                if fake.slow:
                    time.sleep(fake.slow)
                status, body = failure if failure else (201, fake.answer(self.path, form))
                if status == 201 and fake.before_answer:
                    fake.before_answer(self.path, form, body)
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                if status == 201 and self.path.endswith("/Calls.json"):
                    fake.play(body["sid"], form, parse_qs(raw).get("StatusCallbackEvent", []))

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, path: str, form: dict) -> dict:
        if path.endswith("/Messages.json"):
            return {"sid": "SM" + uuid.uuid4().hex, "status": "queued", "to": form.get("To"),
                    "from": form.get("From"), "body": form.get("Body"), "num_segments": "1"}
        if path.endswith("/Calls.json"):
            return {"sid": "CA" + uuid.uuid4().hex, "status": "queued", "to": form.get("To"), "from": form.get("From")}
        return {"code": 20404, "message": "not found", "status": 404}

    def fail_next(self, status: int, code: int = 20500, message: str = "error") -> None:
        self.failures.append((status, {"code": code, "message": message, "status": status}))

    def messages(self) -> list[dict]:
        return [r["form"] for r in self.requests if r["path"].endswith("/Messages.json")]

    def calls(self) -> list[dict]:
        """The forms of every calls.create we were asked for, in order."""
        with self.lock:
            return [r["form"] for r in self.requests if r["path"].endswith("/Calls.json")]

    # -- playing a call back to our webhooks ------------------------------------------------

    def play(self, sid: str, form: dict, events: list[str]) -> None:
        """Play call ``sid`` as Twilio would, in a thread (the REST answer has already gone)."""
        with self.lock:
            queue = self.outcomes.get(form.get("To"))
            outcome = queue.pop(0) if queue else self.default_outcome
        if outcome is None or self.auth_token is None:
            return
        player = threading.Thread(target=self._play, args=(sid, form, events, outcome), daemon=True)
        with self.lock:
            self.players.append(player)
        player.start()

    def _play(self, sid: str, form: dict, events: list[str], outcome: str) -> None:
        call = {"CallSid": sid, "AccountSid": "AC" + "1" * 32, "From": form.get("From"), "To": form.get("To"),
                "Direction": "outbound-api", "ApiVersion": "2010-04-01"}
        status_url = form.get("StatusCallback")

        def status(call_status: str, event: str, **extra):
            if status_url and event in events:
                self.webhook(status_url, call | {"CallStatus": call_status, "CallbackSource": "call-progress-events"}
                             | extra)

        status("queued", "initiated")
        status("ringing", "ringing")
        if outcome == "completed":
            self.webhook(form["Url"], call | {"CallStatus": "in-progress"})
            status("in-progress", "answered")
            status("completed", "completed", CallDuration="42")
        else:
            status(outcome, "completed", CallDuration="0")

    def webhook(self, url: str, params: dict) -> requests.Response:
        """POST ``params`` to ``url`` signed with our auth token; recorded in ``webhooks``."""
        signature = RequestValidator(self.auth_token).compute_signature(url, params)
        try:
            response = requests.post(url, data=params, headers={"X-Twilio-Signature": signature}, timeout=30)
            result = {"status": response.status_code, "body": response.text}
        except requests.RequestException as exc:
            response, result = None, {"status": None, "body": repr(exc)}
        with self.lock:
            self.webhooks.append({"url": url, "params": params} | result)
        return response

    def wait_for_players(self, seconds: float = 30) -> None:
        """Wait until every call played so far has sent its last webhook."""
        with self.lock:
            players = list(self.players)
        for player in players:
            player.join(seconds)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.wait_for_players()
        self.server.shutdown()
        self.server.server_close()


def form_body(params: dict) -> str:
    return urlencode(params)
