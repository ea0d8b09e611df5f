"""Talking to our webhooks as Twilio does (signed requests), and a fake Twilio REST server.

``SignedTwilio`` posts form requests with a correct ``X-Twilio-Signature``; ``FakeTwilio`` is a
small HTTP server on 127.0.0.1 that answers the REST calls we make (messages, calls) the way
Twilio does and records them, so tests assert on what was asked of Twilio.
"""

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode

from twilio.request_validator import RequestValidator


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
    """A fake of Twilio's REST API: records requests, answers 201 with SIDs (or queued failures)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.failures: list[tuple[int, dict]] = []  # responses to give before succeeding
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length", 0))
                form = dict(parse_qsl(self.rfile.read(length).decode()))
                fake.requests.append({"path": self.path, "form": form, "auth": self.headers.get("Authorization")})
                if fake.failures:
                    status, body = fake.failures.pop(0)
                else:
                    status, body = 201, fake.answer(self.path, form)
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

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

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def form_body(params: dict) -> str:
    return urlencode(params)
