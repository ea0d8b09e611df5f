"""Drain 10,000 due callback requests through real Celery workers against the fake Twilio.

    .venv/bin/python bench/callbacks_drain.py                                  # SQLite + SQLite broker
    .venv/bin/python bench/callbacks_drain.py --database postgres --broker redis://127.0.0.1:6379/14

Every ``--tick`` seconds this process queues a dispatch task (beat's role, at a faster tick); worker
processes run it and ``place_callback``, paced together by the database pacer to ``--rate`` calls a
second. The fake Twilio records every calls.create; each carries its request id in its URL, so the
bench proves 0 lost and 0 duplicated by counting calls per request, and checks the pace (the most
calls in any one second, the smallest gap between two). A PostgreSQL database is dropped and made
again (``BENCH_POSTGRES_URL``, default ``…/bench_callbacks``).
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select  # noqa: E402

from hotline import create_app  # noqa: E402
from hotline.callbacks.dispatch import DISPATCH_TASK  # noqa: E402
from hotline.callbacks.models import CallbackAttempt, CallbackRequest  # noqa: E402
from hotline.celery_app import enqueue  # noqa: E402
from hotline.extensions import db  # noqa: E402
from tests.twilio_fake import FakeTwilio  # noqa: E402

from fresh_db import fresh_database  # bench/, beside this script

ROOT = Path(__file__).resolve().parent.parent
TOKEN, ACCOUNT = "bench-auth-token", "AC" + "b" * 32
REQUEST_ID = re.compile(r"/twilio/voice/callback/(\d+)\?")


class TimedFakeTwilio(FakeTwilio):
    """The fake Twilio, noting when each call was asked for."""

    def __init__(self):
        super().__init__()
        self.dialled: list[tuple[float, str]] = []  # (time, Url)

    def answer(self, path: str, form: dict) -> dict:
        if path.endswith("/Calls.json"):
            with self.lock:
                self.dialled.append((time.time(), form.get("Url", "")))
        return super().answer(path, form)


def prepare_database(kind: str, workdir: Path) -> str:
    return fresh_database(kind, workdir, "postgresql+psycopg://postgres@127.0.0.1:5432/bench_callbacks")


def settings(database: str, broker: str, fake_url: str, rate: float) -> dict:
    """The environment both this process and the workers read (names as in hotline/config.py)."""
    return {"DATABASE_URL": database, "CELERY_BROKER_URL": broker, "TWILIO_API_BASE": fake_url,
            "TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_AUTH_TOKEN": TOKEN, "PUBLIC_BASE_URL": "http://bench.invalid",
            "TWILIO_CALLER_ID": "+996312000100", "CALLBACK_HOURS": "mon-sun 00:00-24:00",
            "TWILIO_CALLS_PER_SECOND": str(rate)}


def seed(count: int) -> None:
    """``count`` pending requests, all due, each from its own number."""
    due = datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(minutes=1)
    rows = [{"caller": f"+7926{n:07d}", "source": "missed_call", "status": "pending", "timezone": "Europe/Moscow",
             "next_attempt_at": due, "attempts": 0, "dial_errors": 0, "created_at": due, "updated_at": due}
            for n in range(count)]
    for start in range(0, count, 2000):
        db.session.execute(insert(CallbackRequest), rows[start:start + 2000])
    db.session.commit()


def start_workers(env: dict, workers: int, concurrency: int, queue: str) -> list[subprocess.Popen]:
    command = [sys.executable, "-m", "celery", "-A", "tasks.worker", "worker", "--pool=prefork",
               f"--concurrency={concurrency}", "-Q", queue, "--loglevel=WARNING", "--without-gossip",
               "--without-mingle", "--without-heartbeat"]
    return [subprocess.Popen(command + ["-n", f"bench{n}@%h"], cwd=ROOT, env=os.environ | env)
            for n in range(workers)]


def stop_workers(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def pace(times: list[float]) -> tuple[int, float]:
    """The most calls that started within any one second, and the smallest gap between two."""
    times = sorted(times)
    most, first = 0, 0
    for last, moment in enumerate(times):
        while moment - times[first] >= 1.0:
            first += 1
        most = max(most, last - first + 1)
    gaps = [b - a for a, b in zip(times, times[1:])]
    return most, min(gaps) if gaps else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=200.0, help="TWILIO_CALLS_PER_SECOND")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--broker", default="", help="default: the embedded SQLite broker")
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--concurrency", type=int, default=8, help="pool processes per worker")
    parser.add_argument("--tick", type=float, default=1.0, help="seconds between dispatcher runs")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, TimedFakeTwilio() as fake:
        workdir = Path(tmp)
        database = prepare_database(args.database, workdir)
        broker = args.broker or f"sqla+sqlite:///{workdir / 'broker.db'}"
        env = settings(database, broker, fake.url, args.rate)
        os.environ.update(env)
        app = create_app()
        queue = "bench-callbacks"
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            seed(args.requests)
        procs = start_workers(env, args.workers, args.concurrency, queue)
        began, runs = time.time(), 0
        try:
            with app.app_context():
                # beat's role: a dispatch task every tick, run by the workers like any other task
                while len(fake.dialled) < args.requests and time.time() - began < args.requests / args.rate * 3 + 60:
                    enqueue(DISPATCH_TASK, queue, queue=queue)
                    runs += 1
                    time.sleep(args.tick)
                time.sleep(2)  # a late duplicate would show up now
        finally:
            stop_workers(procs)
        with app.app_context():
            dialing = db.session.scalar(select(func.count()).where(CallbackRequest.status == "dialing"))
            attempt_rows = db.session.scalar(select(func.count(CallbackAttempt.id)))
            db.session.remove()
            db.engine.dispose()

    times = [t for t, _ in fake.dialled]
    per_request = Counter(int(m.group(1)) for _, url in fake.dialled if (m := REQUEST_ID.search(url)))
    lost = args.requests - len(per_request)
    duplicated = sum(count - 1 for count in per_request.values())
    span = max(times) - min(times) if len(times) > 1 else 0.0
    most, smallest_gap = pace(times)
    print(f"{args.requests:,} requests, {args.database} + {broker.split(':', 1)[0]} broker, "
          f"{args.workers}×{args.concurrency} worker processes, rate {args.rate:g}/s, {runs} dispatcher runs")
    print(f"calls asked of Twilio: {len(times):,} in {span:.1f} s = {len(times) / span if span else 0:.1f} calls/s "
          f"(first call {min(times) - began:.1f} s after start)")
    print(f"lost: {lost}   duplicated: {duplicated}   requests dialing in the database: {dialing:,}   "
          f"attempt rows: {attempt_rows:,}")
    print(f"pace: at most {most} calls in any 1 s (limit {args.rate:g}); smallest gap {smallest_gap * 1000:.2f} ms "
          f"(slot {1000 / args.rate:.2f} ms)")
    if lost or duplicated:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
