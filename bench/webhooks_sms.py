"""The SMS webhook under load, against a bare endpoint returning constant TwiML, in the same run.

Run by hand: ``.venv/bin/python bench/webhooks_sms.py [--seconds 10] [--rounds 2] [--databases sqlite,postgresql] [--app real|no-database|no-read|signature]``.

For each database (SQLite in a temporary file; PostgreSQL in the database ``bench_sms``, or the
one ``BENCH_POSTGRES_URL`` names, dropped, created again and migrated) it starts
two gunicorns with 2 sync workers each, the way the Procfile runs the hotline: one serving a bare
Flask app whose ``POST /twilio/sms`` returns a constant ``<Message>``, one serving the real app
(``wsgi:app``: signature check, the conversation read, routing, rendering, the batched log). Both
are driven by ``wrk`` (``apt-get install -y wrk``) with 16 connections, replaying the same file of
realistic, correctly signed messages: every MessageSid unique, conversations of one to three
messages from 20,000 numbers (a keyword with a region, a bare digit answering a menu, Russian
and Latin spellings, free text, now and then CHAL, TIL or STOP). It prints requests/s, p50 and p99
for each, and the ratio; the issue's target is ratio ≥ 0.6 and p99 ≤ 25 ms. Afterwards it checks
that the real app logged every message it answered.
"""

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

from fresh_db import fresh_database  # bench/, beside this script

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
TOKEN = "bench-auth-token"
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_sms"  # or BENCH_POSTGRES_URL
CONNECTIONS = 16
CONSTANT_REPLY = "Hotline: BALA, KOMOK, JARDAM, JUMUSH, ROSSIYA, DEN SOOLUK, CHAL, TIL"

#: (weight, messages one number sends in turn)
CONVERSATIONS = [
    (12, ["KOMOK OSH", "1"]), (10, ["JARDAM TALAS"]), (8, ["bala"]), (8, ["комок ош", "1"]),
    (8, ["жардам", "9", "1"]), (6, ["помощь бишкек"]), (6, ["JUMUSH", "4", "1"]), (5, ["?", "3"]),
    (5, ["den sooluk nookat"]), (5, ["ROSSIYA"]), (4, ["бала Нарында"]), (4, ["Jardam  talas!"]),
    (4, ["salam, jardam kerek"]), (3, ["Здравствуйте, подскажите куда обратиться по поводу пособия на ребенка в Оше"]),
    (3, ["hello"]), (3, ["2"]), (2, ["пособие", "1"]), (1, ["CHAL"]), (1, ["TIL"]), (1, ["STOP"]),
]

LUA = r"""
local requests, index, step = {}, 1, 1
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  local threads = tonumber(args[2])
  local n = 0
  for line in io.lines(args[1]) do
    if n % threads == id then
      local body, signature = line:match("([^\t]*)\t(.*)")
      requests[#requests + 1] = wrk.format("POST", "/twilio/sms", {
        ["Content-Type"] = "application/x-www-form-urlencoded", ["X-Twilio-Signature"] = signature}, body)
    end
    n = n + 1
  end
end
function request()
  local r = requests[index]
  index = index + 1
  if index > #requests then index = 1 end
  return r
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests": %d, "seconds": %f, "p50_ms": %f, "p99_ms": %f, ' ..
    '"errors": %d, "non_2xx": %d}\n', summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def bare_app():
    """The baseline: Flask, one route, a constant TwiML reply (gunicorn ``'webhooks_sms:bare_app()'``)."""
    from flask import Flask, Response
    from twilio.twiml.messaging_response import MessagingResponse

    app = Flask("bare")
    reply = MessagingResponse()
    reply.message(CONSTANT_REPLY)
    body = str(reply)

    @app.post("/twilio/sms")
    def sms():
        return Response(body, mimetype="text/xml")

    return app


def write_requests(path: Path, url: str, count: int, seed: int) -> None:
    """``count`` signed requests, one per line: urlencoded body, a tab, the signature."""
    from twilio.request_validator import RequestValidator

    validator = RequestValidator(TOKEN)
    rng = random.Random(seed)
    weights, scripts = zip(*CONVERSATIONS)
    lines: list[str] = []
    number = 0
    while len(lines) < count:
        # 500 conversations at a time: their first messages, then their second ones, so a reply to
        # a menu arrives a few hundred requests after the menu, as a person's would
        block = []
        for _ in range(500):
            number += 1
            block.append((f"+99670{seed % 10}{number % 1_000_000:06d}"[:13], rng.choices(scripts, weights)[0]))
        for turn in range(3):
            for caller, script in block:
                if turn < len(script):
                    params = {"MessageSid": "SM" + uuid.UUID(int=rng.getrandbits(128)).hex, "From": caller,
                              "To": "+996312000000", "Body": script[turn], "AccountSid": "AC" + "1" * 32,
                              "NumSegments": "1"}
                    lines.append(f"{urlencode(params)}\t{validator.compute_signature(url, params)}")
    path.write_text("\n".join(lines[:count]) + "\n", encoding="utf-8")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(target: str, port: int, cwd: Path, env: dict) -> subprocess.Popen:
    command = [str(VENV_BIN / "gunicorn"), *(["-c", os.environ["GUNICORN_CONF"]] if os.environ.get("GUNICORN_CONF") else []), "--workers", "2", "--bind", f"127.0.0.1:{port}",
               "--log-level", "warning", "--graceful-timeout", "10", target]
    server = subprocess.Popen(command, cwd=cwd, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn {target} exited with {server.returncode}")
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"gunicorn {target} did not start on port {port}")


def stop(server: subprocess.Popen) -> None:
    server.terminate()  # gunicorn's graceful stop: workers finish, the log buffer flushes at exit
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def run_wrk(port: int, requests_file: Path, script: Path, seconds: float) -> dict:
    threads = 2
    command = ["wrk", f"-t{threads}", f"-c{CONNECTIONS}", f"-d{round(seconds)}s", "--timeout", "5s", "-s", str(script),
               f"http://127.0.0.1:{port}/twilio/sms", "--", str(requests_file), str(threads)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"wrk failed: {done.stderr or done.stdout}")
    output = done.stdout
    result = json.loads(next(line for line in output.splitlines() if line.startswith("RESULT "))[7:])
    result["rps"] = result["requests"] / result["seconds"]
    return result


def prepare_database(name: str, workdir: Path) -> str:
    """An empty, migrated, seeded database; returns its URL."""
    url = fresh_database("sqlite" if name == "sqlite" else "postgres", workdir, POSTGRES)
    env = os.environ | {"DATABASE_URL": url, "FLASK_APP": "wsgi"}
    for step in (["db", "upgrade"], ["seed"]):
        subprocess.run([str(VENV_BIN / "flask"), *step], cwd=ROOT, env=env, check=True, capture_output=True)
    return url


def logged_messages(url: str) -> tuple[int, int]:
    """(inbound rows, reply rows) in the real app's database after the run."""
    from sqlalchemy import create_engine, text

    from hotline.config import normalise_database_url

    engine = create_engine(normalise_database_url(url))
    with engine.connect() as conn:
        counts = dict(conn.execute(text("SELECT direction, count(*) FROM sms_messages GROUP BY direction")).all())
    engine.dispose()
    return counts.get("inbound", 0), counts.get("outbound", 0)


def bench_database(name: str, seconds: float, rounds: int, workdir: Path, app: str = "real") -> list[tuple[dict, dict]]:
    url = prepare_database(name, workdir)
    bare_port, real_port = free_port(), free_port()
    env = os.environ | {"DATABASE_URL": url, "TWILIO_AUTH_TOKEN": TOKEN,
                        "PUBLIC_BASE_URL": f"http://127.0.0.1:{real_port}",
                        "CELERY_BROKER_URL": f"sqla+sqlite:///{workdir / 'broker.db'}"}
    script = workdir / "sms.lua"
    script.write_text(LUA, encoding="utf-8")
    expected = int(9000 * seconds) + 20000  # more than either server answers in the time: no repeats
    files = {}
    for label, seed in (("warmup", 1), *((f"round{r}", 2 + r) for r in range(rounds))):
        files[label] = workdir / f"{name}-{label}.txt"
        write_requests(files[label], f"http://127.0.0.1:{real_port}/twilio/sms",
                       5000 if label == "warmup" else expected, seed)
    bare = start_gunicorn("webhooks_sms:bare_app()", bare_port, ROOT / "bench", env)
    if app == "real":
        real = start_gunicorn("wsgi:app", real_port, ROOT, env)
    else:  # from bench/, with the project importable
        real = start_gunicorn(f"taken_apart:sms({app!r})", real_port, ROOT / "bench",
                              env | {"PYTHONPATH": str(ROOT)})
    results = []
    answered = 0
    try:
        run_wrk(bare_port, files["warmup"], script, 2)
        answered += min(run_wrk(real_port, files["warmup"], script, 2)["requests"], 5000)
        for r in range(rounds):
            bare_result = run_wrk(bare_port, files[f"round{r}"], script, seconds)
            real_result = run_wrk(real_port, files[f"round{r}"], script, seconds)
            answered += min(real_result["requests"], expected)
            results.append((bare_result, real_result))
    finally:
        stop(bare)
        stop(real)
    inbound, replies = logged_messages(url)
    print(f"  {name}: {inbound:,} messages and {replies:,} replies logged for ~{answered:,} requests sent "
          "(the warm-up's included; a request cut off by wrk's stop may be missing)")
    return results


def report(name: str, results: list[tuple[dict, dict]], app: str = "real") -> None:
    label = "real /twilio/sms" if app == "real" else f"{app} /twilio/sms"
    for number, (bare, real) in enumerate(results, start=1):
        ratio = real["rps"] / bare["rps"]
        for what, result in (("bare constant TwiML", bare), (label, real)):
            problems = f", {result['errors']} errors, {result['non_2xx']} non-2xx" if result["errors"] or result["non_2xx"] else ""
            print(f"  {name:>10} round {number}  {what:<24} {result['rps']:8.0f} req/s  "
                  f"p50 {result['p50_ms']:6.2f} ms  p99 {result['p99_ms']:6.2f} ms{problems}")
        verdict = "ok" if ratio >= 0.6 and real["p99_ms"] <= 25 else "BELOW TARGET"
        print(f"  {name:>10} round {number}  ratio {ratio:.2f} (target ≥ 0.6, p99 ≤ 25 ms): {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--app", choices=["real", "no-database", "no-read", "signature"], default="real",
                        help="the real app, or with part of its work taken out, for measuring only (bench/taken_apart.py)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    sys.path.insert(0, str(ROOT))
    print(f"{os.cpu_count()} CPUs; gunicorn 2 sync workers per app; wrk 2 threads, {CONNECTIONS} connections, "
          f"{args.seconds:g} s per run")
    for name in args.databases.split(","):
        with tempfile.TemporaryDirectory(prefix="bench-sms-") as workdir:
            results = bench_database(name, args.seconds, args.rounds, Path(workdir), args.app)
        report(name, results, args.app)


if __name__ == "__main__":
    main()
