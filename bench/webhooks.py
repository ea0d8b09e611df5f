"""Webhook throughput and latency against a bare constant-TwiML endpoint, in the same run.

    .venv/bin/python bench/webhooks.py --database sqlite      # or postgres
    .venv/bin/python bench/webhooks.py --database postgres --scenarios incoming,step --seconds 15
    .venv/bin/python bench/webhooks.py --database postgres --app no-database   # measuring only

Both apps are served the same way (gunicorn, the same workers) and driven by ``wrk`` (Debian's
package: ``apt-get install wrk``) at 16 connections with prepared, correctly signed requests.
Scenarios: ``incoming`` (a new call: the call row, the caller's language, the first menu) and
``step`` (key presses through the menus, including office lists by region and language switches).
Prints requests/s, p50 and p99 for each, and the ratio to the bare endpoint. ``--app no-database``
serves the hotline with its database work taken out (``bench/taken_apart.py``), to see what that
work costs.
"""

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

from fresh_db import fresh_database  # bench/, beside this script

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TOKEN = "bench-auth-token"
CALLERS = ["+79261234567", "+996555123456", "+77011234567", "+996700111222"]
STEPS = [  # (path with state, digits): what callers press, weighted toward the office lists
    ("/twilio/voice/flow/main/menu?l=ky", "3"),
    ("/twilio/voice/flow/main/menu?l=ru", "1"),
    ("/twilio/voice/flow/jardam/menu?l=ky", "1"),
    ("/twilio/voice/flow/regions/choose?l=ky&t=legal_aid&b=jardam.menu", "4"),
    ("/twilio/voice/flow/regions/choose?l=ru&t=legal_aid&b=jardam.menu", "9"),
    ("/twilio/voice/flow/regions/offices?l=ky&t=legal_aid&r=osh&b=jardam.menu", "3"),
    ("/twilio/voice/flow/jobs/menu?l=ky", "2"),
    ("/twilio/voice/flow/regions/choose?l=ky&t=training&b=jobs.menu", "2"),
    ("/twilio/voice/flow/russia/menu?l=ky", "4"),
    ("/twilio/voice/flow/benefits/menu?l=ru", "3"),
    ("/twilio/voice/flow/main/menu?l=ky", "8"),
    ("/twilio/voice/flow/children/menu?l=ky", ""),
]


def signed_line(base: str, path: str, params: dict) -> str:
    signature = RequestValidator(TOKEN).compute_signature(base + path, params)
    return f"{path}\t{urlencode(params)}\t{signature}"


def requests_for(scenario: str, base: str, count: int = 20000) -> list[str]:
    lines = []
    for n in range(count):
        sid = f"CA{n:032x}"
        params = {"CallSid": sid, "From": random.choice(CALLERS), "To": "+996312000000",
                  "AccountSid": "AC" + "1" * 32, "CallStatus": "in-progress", "Direction": "inbound"}
        if scenario == "incoming":
            lines.append(signed_line(base, "/twilio/voice", params))
        else:
            path, digits = random.choice(STEPS)
            if digits:
                params["Digits"] = digits
            lines.append(signed_line(base, path, params))
    return lines


def serve(app: str, port: int, env: dict, workers: int, threads: int) -> subprocess.Popen:
    command = [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
               "--log-level", "warning", app]
    if threads > 1:
        command[1:1] = ["--worker-class", "gthread", "--threads", str(threads)]
    proc = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except urllib.error.HTTPError:
            return proc  # it answers (the bare app has no /healthz)
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{app} did not start on port {port}")


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)


def drive(port: int, lines: list[str], seconds: int, connections: int, workdir: Path) -> dict:
    requests_file = workdir / f"requests-{port}.tsv"
    requests_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency",
         "-s", str(ROOT / "bench" / "wrk_requests.lua"), f"http://127.0.0.1:{port}", "--", str(requests_file)],
        capture_output=True, text=True, check=True).stdout
    result = json.loads(next(line for line in out.splitlines() if line.startswith("JSON "))[5:])
    result["rps"] = result["requests"] / result["seconds"]
    return result


def prepare_database(kind: str, workdir: Path) -> str:
    return fresh_database(kind, workdir, "postgresql+psycopg://postgres@127.0.0.1:5432/bench_voice")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--scenarios", default="incoming,step")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1, help="gthread threads per worker (1: sync workers)")
    parser.add_argument("--app", choices=["real", "no-database"], default="real",
                        help="the real app, or without its database work (measuring only: bench/taken_apart.py)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    random.seed(7)
    workdir = Path(tempfile.mkdtemp(prefix="hotline-bench-"))
    env = os.environ | {
        "DATABASE_URL": prepare_database(args.database, workdir), "TWILIO_AUTH_TOKEN": TOKEN,
        "CELERY_BROKER_URL": f"sqla+sqlite:///{workdir / 'broker.db'}", "AUDIO_DIR": str(workdir / "audio"),
        "FLASK_APP": "wsgi",
    }
    for command in (["db", "upgrade"], ["seed"]):
        subprocess.run([str(BIN / "flask"), *command], cwd=ROOT, env=env, check=True, capture_output=True)
    bare, real = 18081, 18082
    servers = [serve("bench.bare_app:app", bare, env, args.workers, args.threads),
               serve("wsgi:app" if args.app == "real" else "bench.taken_apart:voice_without_database()",
                     real, env, args.workers, args.threads)]
    try:
        print(f"database={args.database} app={args.app} workers={args.workers} threads={args.threads} "
              f"connections={args.connections} seconds={args.seconds}")
        print(f"{'scenario':10} {'endpoint':8} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} {'ratio':>6}")
        for scenario in args.scenarios.split(","):
            lines = requests_for(scenario, f"http://127.0.0.1:{real}")
            drive(real, lines[:2000], 2, args.connections, workdir)  # warm up the caches
            baseline = drive(bare, lines, args.seconds, args.connections, workdir)
            measured = drive(real, lines, args.seconds, args.connections, workdir)
            for name, result in (("bare", baseline), ("hotline", measured)):
                ratio = result["rps"] / baseline["rps"]
                print(f"{scenario:10} {name:8} {result['rps']:8.0f} {result['p50_ms']:7.2f} {result['p99_ms']:7.2f} "
                      f"{result['errors'] + result['non2xx']:6d} {ratio:6.2f}")
    finally:
        for server in servers:
            stop(server)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
