"""CPU a webhook request costs in process, the hotline against the bare endpoint: where the time goes.

    .venv/bin/python bench/webhooks_cpu.py [--database sqlite|postgres] [--requests 20000] [--instructions] [--scenarios sms]

The wrk benchmarks (``webhooks.py``, ``webhooks_sms.py``) measure what matters, throughput under
gunicorn, but vary by ±0.15× between runs on 2 shared cores. This one calls each app's WSGI
function directly, one request after another, with the same signed requests (voice: incoming
calls and menu steps; SMS: the conversations of ``webhooks_sms.py``), and divides the process's
CPU time (every thread: the write-behind flushes included, and a last flush inside the timing) by
the number of requests. It varies by about ±15% from run to run (the flushes' batch sizes depend on
timing, and the SMS log's indexes grow), against ±30% for the wrk ratios: enough to see what a
change saves. No server, no sockets: gunicorn's own work (about 150 µs a request here) is in
neither figure.

``--instructions`` counts machine instructions instead of CPU time (valgrind's callgrind, ``apt-get
install -y valgrind``; the script runs itself under it, counting only the measured requests): the
same count in every run, so a change of 1% shows. Under valgrind everything runs 5 to 50 times
slower, so the default is 2,000 requests after 1,000 to warm up, and the write-behind buffers are
flushed every 32 requests (about a flush's batch under load) rather than by their clock. It counts
this process only: on PostgreSQL, the server's work is not in it.
"""

import argparse
import io
import os
import random
import shutil
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
CALLGRIND_OUT = "HOTLINE_CALLGRIND_OUT"  # set when this script runs under callgrind: its output file
BATCH = 32  # --instructions: requests between two flushes of the write-behind buffers
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


def buffers(app) -> list:
    """The app's write-behind buffers (call events, the SMS log); the bare app has none."""
    return [buffer for buffer in (getattr(app.extensions.get("voice"), "events", None),
                                  getattr(app.extensions.get("sms"), "log", None)) if buffer is not None]


def cost_per_request(app, requests: list[tuple], warmup: int) -> float:
    """µs of process CPU a request (or, under callgrind, instructions), after ``warmup`` requests;
    the buffers' last rows flushed inside the count."""
    statuses: dict[str, int] = {}
    counting = os.environ.get(CALLGRIND_OUT)
    if counting:  # flushed by the loop below, every BATCH requests, not by the clock
        for buffer in buffers(app):
            buffer.interval = 10**9

    def start_response(status, headers, exc_info=None):
        statuses[status] = statuses.get(status, 0) + 1

    def run(batch):
        for number, request in enumerate(batch, start=1):
            for _ in app.wsgi_app(environ(*request), start_response):
                pass
            if counting and number % BATCH == 0:
                flush()

    def flush():
        for buffer in buffers(app):
            buffer.flush()

    run(requests[:warmup])
    flush()
    measured = requests[warmup:]
    if counting:
        callgrind("-z")
        callgrind("-i", "on")
    started = time.process_time()
    run(measured)
    flush()
    spent = time.process_time() - started
    if counting:
        callgrind("-i", "off")
        spent = instructions_since_zero(counting)
    if set(statuses) != {"200 OK"}:
        raise SystemExit(f"unexpected answers: {statuses}")
    return (1 if counting else 1e6) * spent / len(measured)


def callgrind(*arguments: str) -> None:
    """Tell the callgrind this process runs under to do something (``callgrind_control``)."""
    subprocess.run(["callgrind_control", *arguments, str(os.getpid())], check=True, capture_output=True)


def instructions_since_zero(out_file: str) -> int:
    """Instructions counted since the last ``-z``: callgrind dumps them to ``out_file.N``."""
    before = set(Path(out_file).parent.glob(Path(out_file).name + ".*"))
    callgrind("-d")
    dumped = set(Path(out_file).parent.glob(Path(out_file).name + ".*")) - before
    if len(dumped) != 1:
        raise SystemExit(f"callgrind wrote {len(dumped)} dumps, not one")
    dump = dumped.pop()
    totals = next(line for line in dump.read_text().splitlines() if line.startswith("totals:"))
    dump.unlink()
    return int(totals.split()[1])


def under_callgrind(arguments: list[str]) -> None:
    """Run this script again under callgrind, counting only what :func:`cost_per_request` measures."""
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        raise SystemExit("--instructions needs valgrind: apt-get install -y valgrind")
    with tempfile.TemporaryDirectory(prefix="hotline-callgrind-") as directory:
        out = str(Path(directory) / "callgrind.out")
        command = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
                   sys.executable, __file__, *arguments]
        done = subprocess.run(command, env=os.environ | {CALLGRIND_OUT: out}, stderr=subprocess.DEVNULL)
    raise SystemExit(done.returncode)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--requests", type=int, help="default 20,000; with --instructions 3,000, the first 1,000 to warm up")
    parser.add_argument("--scenarios", default="voice incoming,voice step,sms", help="comma-separated")
    parser.add_argument("--instructions", action="store_true", help="count instructions under callgrind, not CPU time")
    args = parser.parse_args()
    if args.instructions and not os.environ.get(CALLGRIND_OUT):
        under_callgrind(sys.argv[1:])
    counting = bool(os.environ.get(CALLGRIND_OUT))
    if args.requests is None:
        args.requests = 3000 if counting else 20000
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
    warmup = min(1000 if counting else 3000, args.requests // 3 if counting else args.requests // 4)
    makers = {"voice incoming": lambda: voice_requests("incoming", args.requests),
              "voice step": lambda: voice_requests("step", args.requests),
              "sms": lambda: sms_requests(args.requests, workdir)}
    scenarios = [(name, makers[name]()) for name in args.scenarios.split(",")]
    print(f"database={args.database} requests={args.requests} (after {warmup} to warm up)")
    unit = "k instr" if counting else "µs"
    print(f"{'scenario':16} {'bare ' + unit:>12} {'hotline ' + unit:>15} {'extra ' + unit:>13}")
    for name, requests in scenarios:
        base = cost_per_request(bare, requests, warmup) / (1000 if counting else 1)
        real = cost_per_request(hotline, requests, warmup) / (1000 if counting else 1)
        print(f"{name:16} {base:12.0f} {real:15.0f} {real - base:13.0f}", flush=True)


if __name__ == "__main__":
    main()
