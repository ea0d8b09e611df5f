"""CPU a webhook request costs in process, the hotline against the bare endpoint: where the time goes.

    .venv/bin/python bench/webhooks_cpu.py [--database sqlite|postgres] [--requests 20000]

The wrk benchmarks (``webhooks.py``, ``webhooks_sms.py``) measure what matters, throughput under
gunicorn, but vary by ±0.15× between runs on 2 shared cores. This one calls each app's WSGI
function directly, one request after another, with the same signed requests (voice: incoming
calls and menu steps; SMS: the conversations of ``webhooks_sms.py``), and divides the process's
CPU time (every thread: the write-behind flushes included, and a last flush inside the timing) by
the number of requests. It varies by about ±15% from run to run (the flushes' batch sizes depend on
timing, and the SMS log's indexes grow), against ±30% for the wrk ratios: enough to see what a
change saves. No server, no sockets: gunicorn's own work (about 150 µs a request here) is in
neither figure.
"""

import argparse
import io
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import webhooks  # noqa: E402  (bench/, beside this script)
import webhooks_sms  # noqa: E402
from fresh_db import fresh_database  # noqa: E402

HOST = "127.0.0.1:8000"
BASE = f"http://{HOST}"


def environ(path: str, query: str, body: bytes, signature: str) -> dict:
    """What gunicorn hands the app for one POST (the body already in memory)."""
    return {"REQUEST_METHOD": "POST", "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000", "HTTP_HOST": HOST, "wsgi.url_scheme": "http", "SERVER_PROTOCOL": "HTTP/1.1",
            "CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr, "REMOTE_ADDR": "127.0.0.1",
            "HTTP_X_TWILIO_SIGNATURE": signature}


def voice_requests(scenario: str, count: int) -> list[tuple]:
    requests = []
    for line in webhooks.requests_for(scenario, BASE, count):
        target, body, signature = line.split("\t")
        path, _, query = target.partition("?")
        requests.append((path, query, body.encode(), signature))
    return requests


def sms_requests(count: int, workdir: Path) -> list[tuple]:
    path = workdir / "sms.txt"
    webhooks_sms.write_requests(path, f"{BASE}/twilio/sms", count, seed=5)
    return [("/twilio/sms", "", body.encode(), signature)
            for body, signature in (line.split("\t") for line in path.read_text(encoding="utf-8").splitlines())]


def cpu_per_request(app, requests: list[tuple], warmup: int) -> float:
    """µs of process CPU a request, after ``warmup`` requests; buffers flushed inside the timing."""
    statuses: dict[str, int] = {}

    def start_response(status, headers, exc_info=None):
        statuses[status] = statuses.get(status, 0) + 1

    def run(batch):
        for request in batch:
            for _ in app.wsgi_app(environ(*request), start_response):
                pass

    run(requests[:warmup])
    measured = requests[warmup:]
    started = time.process_time()
    run(measured)
    for name in ("voice", "sms"):  # the write-behind buffers' last rows are part of the cost
        extension = app.extensions.get(name)
        if extension is not None:
            (extension.events if name == "voice" else extension.log).flush()
    spent = time.process_time() - started
    if set(statuses) != {"200 OK"}:
        raise SystemExit(f"unexpected answers: {statuses}")
    return 1e6 * spent / len(measured)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--requests", type=int, default=20000)
    args = parser.parse_args()
    random.seed(7)
    workdir = Path(tempfile.mkdtemp(prefix="hotline-cpu-"))
    url = fresh_database(args.database, workdir, "postgresql+psycopg://postgres@127.0.0.1:5432/bench_cpu")
    os.environ.update(DATABASE_URL=url, TWILIO_AUTH_TOKEN=webhooks.TOKEN, FLASK_APP="wsgi",
                      CELERY_BROKER_URL=f"sqla+sqlite:///{workdir / 'broker.db'}", AUDIO_DIR=str(workdir / "audio"))
    for command in (["db", "upgrade"], ["seed"]):
        subprocess.run([str(BIN / "flask"), *command], cwd=ROOT, check=True, capture_output=True)

    from bench.bare_app import app as bare
    from hotline import create_app

    hotline = create_app()
    warmup = min(3000, args.requests // 4)
    scenarios = [("voice incoming", voice_requests("incoming", args.requests)),
                 ("voice step", voice_requests("step", args.requests)),
                 ("sms", sms_requests(args.requests, workdir))]
    print(f"database={args.database} requests={args.requests} (after {warmup} to warm up)")
    print(f"{'scenario':16} {'bare µs':>8} {'hotline µs':>10} {'extra µs':>9}")
    for name, requests in scenarios:
        base = cpu_per_request(bare, requests, warmup)
        real = cpu_per_request(hotline, requests, warmup)
        print(f"{name:16} {base:8.0f} {real:10.0f} {real - base:9.0f}")


if __name__ == "__main__":
    main()
