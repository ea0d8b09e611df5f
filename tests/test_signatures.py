"""Hostile requests to every ``/twilio/*`` route, over real HTTP to gunicorn: each is refused (400 or
403, or 431 from gunicorn itself) and leaves nothing behind, no row in any table and no message in
the broker.

The requests are written byte by byte on a socket: Werkzeug's test client would normalise the very
headers these cases are about (a non-ASCII byte, an empty ``Host``). A correctly signed request, last,
shows that the same server does answer and record.
"""

import os
import socket
import sqlite3
import subprocess
import time
from contextlib import closing, contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import delete, func, select
from twilio.request_validator import RequestValidator

from hotline.extensions import db
from tests.conftest import DIRECTORY_TABLES, ROOT
from tests.servers import free_port, gunicorn_command
from tests.servers import gunicorn as serve

TOKEN = "signatures-test-token"
PUBLIC = "https://hotline.example.org"  # PUBLIC_BASE_URL of the server behind a proxy
HEALTHZ_TOKEN = "signatures-health-token"
ROUTES = [
    "/twilio/voice",
    "/twilio/voice/flow/main/menu",
    "/twilio/voice/status",
    "/twilio/voice/fallback",
    "/twilio/voice/missed",
    "/twilio/voice/recording",
    "/twilio/voice/callback/1",
    "/twilio/voice/callback/1/status?attempt=1",
    "/twilio/sms",
    "/twilio/sms/status",
]
# A form that, signed, would record a call, its events, an SMS and a callback request.
FORM = {
    "AccountSid": "AC" + "1" * 32, "CallSid": "CA" + "5" * 32, "MessageSid": "SM" + "5" * 32,
    "From": "+79261234567", "To": "+996312000000", "CallStatus": "in-progress", "Direction": "inbound",
    "Digits": "1", "Body": "CHAL", "NumSegments": "1", "MessageStatus": "delivered", "CallDuration": "30",
    "RecordingSid": "RE" + "5" * 32, "RecordingUrl": "https://api.twilio.com/recording", "RecordingDuration": "9",
}


def sign(url: str, token: str = TOKEN) -> bytes:
    return RequestValidator(token).compute_signature(url, FORM).encode("ascii")


def post(port: int, path: str, signature: bytes | None, host: bytes | None = None) -> tuple[int, bytes]:
    """POST ``FORM`` to ``path`` with exactly these header bytes; the status and body that came back."""
    body = urlencode(FORM).encode("ascii")
    headers = [b"Host: " + (f"127.0.0.1:{port}".encode() if host is None else host)]
    if signature is not None:
        headers.append(b"X-Twilio-Signature: " + signature)
    headers += [b"Content-Type: application/x-www-form-urlencoded", b"Content-Length: %d" % len(body),
                b"Connection: close"]
    return exchange(port, b"POST " + path.encode("ascii") + b" HTTP/1.1\r\n" + b"\r\n".join(headers) + b"\r\n\r\n" + body)


def exchange(port: int, raw: bytes) -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(raw)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


@contextmanager
def gunicorn(database_url: str, broker_url: str, **env):
    """:func:`tests.servers.gunicorn` (2 workers), yielding its port."""
    with serve(database_url, broker_url, SECRET_KEY="signatures-test-secret", **env) as server:
        yield server.port


@pytest.fixture(scope="module")
def brokers(tmp_path_factory) -> Path:
    """A directory of broker files, one per server: nothing may ever be written in them."""
    return tmp_path_factory.mktemp("signature-brokers")


def broker(directory: Path, name: str) -> str:
    return f"sqla+sqlite:///{directory / name}.db"


@pytest.fixture(scope="module")
def proxied(app, database_url, brokers):
    """The server as deployed: behind a proxy, signatures checked on PUBLIC_BASE_URL."""
    with gunicorn(database_url, broker(brokers, "proxied"), TWILIO_AUTH_TOKEN=TOKEN, PUBLIC_BASE_URL=PUBLIC,
                  HEALTHZ_TOKEN=HEALTHZ_TOKEN) as port:
        yield port


@pytest.fixture(scope="module")
def direct(app, database_url, brokers):
    """The server as in development: no PUBLIC_BASE_URL, so the URL checked is built from ``Host``."""
    with gunicorn(database_url, broker(brokers, "direct"), TWILIO_AUTH_TOKEN=TOKEN, PUBLIC_BASE_URL="") as port:
        yield port


@pytest.fixture(scope="module")
def tokenless(app, database_url, brokers):
    """A server whose TWILIO_AUTH_TOKEN was left empty (development: it falls back to the placeholder)."""
    with gunicorn(database_url, broker(brokers, "tokenless"), TWILIO_AUTH_TOKEN="", PUBLIC_BASE_URL="") as port:
        yield port


# 431: gunicorn's own limit on a header (8 KB) refuses the longest signature before the app sees it
REFUSED = (400, 403, 431)


def own(port: int) -> str:
    return f"http://127.0.0.1:{port}"


# case: (server, the Host header (None: the server's own address), the signature for a path and port)
CASES = {
    "missing": ("proxied", None, lambda path, port: None),
    "empty": ("proxied", None, lambda path, port: b""),
    "non_ascii": ("proxied", None, lambda path, port: b"\xe9" + sign(PUBLIC + path)[1:]),
    "overlong_1kb": ("proxied", None, lambda path, port: sign(PUBLIC + path) * 24),
    "overlong_10kb": ("proxied", None, lambda path, port: b"A" * 10 * 1024),
    "another_path": ("proxied", None, lambda path, port: sign(PUBLIC + "/twilio/elsewhere")),
    "another_host": ("proxied", None, lambda path, port: sign("https://attacker.example.org" + path)),
    "another_token": ("proxied", None, lambda path, port: sign(PUBLIC + path, token="not-" + TOKEN)),
    "own_host_behind_a_proxy": ("proxied", None, lambda path, port: sign(own(port) + path)),
    "host_port_out_of_range": ("direct", b"127.0.0.1:99999", lambda path, port: sign("http://127.0.0.1:99999" + path)),
    "host_port_not_a_number": ("direct", b"127.0.0.1:abc", lambda path, port: sign("http://127.0.0.1:abc" + path)),
    "host_empty": ("direct", b"", lambda path, port: sign("http://" + path)),
    "host_empty_signed_for_the_server": ("direct", b"", lambda path, port: sign(own(port) + path)),
    "token_left_empty": ("tokenless", None, lambda path, port: sign(own(port) + path, token="")),
}


@pytest.fixture(scope="module")
def emptied(app):
    """Every table but the directory emptied once, before the table of cases."""
    with app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in DIRECTORY_TABLES:
                db.session.execute(delete(table))
        db.session.commit()


def written(app) -> dict[str, int]:
    """The tables (but the directory) that hold rows, and how many."""
    with app.app_context():
        tables = [table for table in db.metadata.sorted_tables if table.name not in DIRECTORY_TABLES]
        counts = {table.name: db.session.scalar(select(func.count()).select_from(table)) for table in tables}
        db.session.rollback()
    return {name: count for name, count in counts.items() if count}


def broker_messages(directory: Path) -> dict[str, int]:
    """Messages in each broker file (kombu's SQLAlchemy transport keeps them in ``kombu_message``)."""
    found = {}
    for path in directory.glob("*.db"):
        with closing(sqlite3.connect(path)) as conn:
            if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'kombu_message'").fetchone():
                found[path.stem] = conn.execute("SELECT count(*) FROM kombu_message").fetchone()[0]
    return {name: count for name, count in found.items() if count}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("path", ROUTES)
def test_hostile_requests_are_refused_and_leave_nothing(request, app, brokers, emptied, path, case):
    server, host, signature = CASES[case]
    port = request.getfixturevalue(server)
    queued = broker_messages(brokers)  # {} unless a case before this one failed
    status, body = post(port, path, signature(path, port), host)
    assert status in REFUSED, body[:300]
    assert written(app) == {}
    assert broker_messages(brokers) == queued


def test_nothing_arrives_late(app, brokers, emptied, proxied, direct, tokenless):
    """No row or task turns up after the answers (from a thread writing behind them, say)."""
    queued = broker_messages(brokers)
    assert written(app) == {}
    time.sleep(0.5)
    assert written(app) == {}
    assert broker_messages(brokers) == queued == {}


def test_a_deployment_without_its_token_does_not_start(database_url, brokers):
    """Its TWILIO_AUTH_TOKEN left empty, a server with a PUBLIC_BASE_URL refuses to run at all."""
    port = free_port()
    env = os.environ | {"DATABASE_URL": database_url, "CELERY_BROKER_URL": broker(brokers, "refused"),
                        "TWILIO_AUTH_TOKEN": "", "PUBLIC_BASE_URL": PUBLIC}
    done = subprocess.run(gunicorn_command(port), cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    # stopped, not booting worker after worker (4, "App failed to load", unless the two workers'
    # exits race in gunicorn's shutdown, which then ends with 1)
    assert done.returncode != 0, done.stderr[-2000:]
    assert "hotline cannot start: TWILIO_AUTH_TOKEN is not set, and PUBLIC_BASE_URL is" in done.stderr


def test_healthz_tells_only_the_token_what_is_wrong(proxied):
    get = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    assert exchange(proxied, get + b"\r\n") == (200, b'{"ok":true}\n')
    odd = get + b"Authorization: Bearer \xe9\xff" + HEALTHZ_TOKEN.encode() + b"\r\n\r\n"
    assert exchange(proxied, odd) == (200, b'{"ok":true}\n')
    status, body = exchange(proxied, get + b"Authorization: Bearer " + HEALTHZ_TOKEN.encode() + b"\r\n\r\n")
    assert status == 200 and b'"database"' in body and b'"caps_tripped":[]' in body


@pytest.mark.parametrize(("server", "base"), [("proxied", PUBLIC), ("direct", None)])
def test_a_signed_call_is_answered_and_recorded(request, app, server, base):
    """The control: the same server, the same form, signed as Twilio signs it."""
    port = request.getfixturevalue(server)
    status, body = post(port, "/twilio/voice", sign((base or f"http://127.0.0.1:{port}") + "/twilio/voice"))
    assert status == 200, body[:300]
    assert body.startswith(b"<?xml") and b"<Response>" in body
    assert written(app).get("calls")  # committed before the answer: there at once
