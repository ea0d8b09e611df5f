"""Real servers for tests that must run as production runs: ``gunicorn wsgi:app`` in a subprocess, and
a client that posts signed Twilio webhooks to it over HTTP.

Each server is started in a process group of its own, so :meth:`Gunicorn.kill` can end it the way a
crash or an out-of-memory kill would: SIGKILL to the master and every worker at once, no shutdown
handlers, no flush.
"""

import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import uuid
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

from tests.conftest import NO_AUDIO, ROOT
from tests.workers import wait_until

TOKEN = "servers-test-token"
ACCOUNT = "AC" + "1" * 32


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Gunicorn:
    port: int
    proc: subprocess.Popen

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        """SIGKILL the master and its workers together, as a crash would."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()


def gunicorn_command(port: int, workers: int = 2) -> list[str]:
    """The command line; no control socket: its default path is one per user, and these servers run
    side by side."""
    return [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
            "--no-control-socket", "wsgi:app"]


@contextmanager
def gunicorn(database_url: str, broker_url: str, workers: int = 2, **env):
    """``gunicorn --workers N wsgi:app`` on a free port with the app's settings ``env`` (signatures with
    :data:`TOKEN`); yields a :class:`Gunicorn` once it answers. Its log is printed when the block ends."""
    port = free_port()
    settings = os.environ | {
        "DATABASE_URL": database_url, "CELERY_BROKER_URL": broker_url, "AUDIO_DIR": NO_AUDIO,
        "SECRET_KEY": "servers-test-secret", "TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_AUTH_TOKEN": TOKEN,
        "PUBLIC_BASE_URL": "",
    } | env
    with tempfile.TemporaryFile(mode="w+") as log:
        proc = subprocess.Popen(gunicorn_command(port, workers), cwd=ROOT, env=settings, stdout=log, stderr=subprocess.STDOUT, text=True,
                                start_new_session=True)
        server = Gunicorn(port, proc)
        try:
            wait_until(lambda: _answers(server), seconds=60, what="gunicorn to answer")
            yield server
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    server.kill()
            log.seek(0)
            print(log.read())


def _answers(server: Gunicorn) -> bool:
    if server.proc.poll() is not None:
        raise AssertionError(f"gunicorn exited with {server.proc.returncode} before answering")
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        connection.request("GET", "/healthz")
        connection.getresponse().read()
    except OSError:
        return False
    finally:
        connection.close()  # a refused or reset try too: an unclosed socket is a ResourceWarning (an error)
    return True


class Twilio:
    """Posts webhooks to a server as Twilio does: signed with :data:`TOKEN`, one connection each."""

    def __init__(self, server: Gunicorn):
        self.server = server
        self.validator = RequestValidator(TOKEN)

    def post(self, path: str, **form) -> tuple[int, bytes]:
        form = {name: str(value) for name, value in form.items() if value is not None}
        signature = self.validator.compute_signature(self.server.base + path, form)
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        try:
            connection.request("POST", path, body=urlencode(form), headers={
                "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def sms(self, body: str, caller: str, sid: str | None = None) -> str | None:
        """Text ``body`` from ``caller``: the reply's text (None: no reply). Fails on anything but 200."""
        status, data = self.post("/twilio/sms", MessageSid=sid or "SM" + uuid.uuid4().hex, From=caller,
                                 To="+996312000000", Body=body, AccountSid=ACCOUNT, NumSegments="1")
        assert status == 200, (status, data)
        message = ET.fromstring(data).find("./Message")
        return None if message is None else "".join(message.itertext())

    def call(self, path: str, sid: str, caller: str, digits: str | None = None) -> ET.Element:
        """A voice webhook of call ``sid``; the TwiML that came back. Fails on anything but 200."""
        status, data = self.post(path, CallSid=sid, From=caller, To="+996312000000", Digits=digits,
                                 AccountSid=ACCOUNT, CallStatus="in-progress", Direction="inbound")
        assert status == 200, (status, data)
        return ET.fromstring(data)
