"""A steady mix of webhooks at a fixed rate: latency, errors, and the workers' memory after it.

    .venv/bin/python bench/steady.py --database sqlite        # or postgres
    .venv/bin/python bench/steady.py --database postgres --rate 300 --seconds 60

The hotline (``wsgi:app``) under gunicorn with 2 sync workers, as the Procfile runs it, on a fresh
database (SQLite in a temporary file, or the PostgreSQL database ``bench_steady``, dropped and made
again; ``BENCH_POSTGRES_URL`` names another), migrated and seeded. The mix is what callers do: each
call is its incoming webhook, then the main menu (key 3, help), the help menu (key 1, legal aid),
the region (keys 1-9: the offices there), each about 4 seconds after the one before, and its
status callback 4 seconds after that; and one SMS per call, ``KOMOK OSH`` or ``jardam 9`` (so 5
voice requests to 1 SMS). Every call and message is new (CallSids, MessageSids), from 1,000 numbers
that have called before (their language, Kyrgyz, is saved before the run, so a call goes straight to
the main menu, as the requests that follow assume). Requests are correctly signed. The issue's
target: p99 ≤ 50 ms with no errors at 300 requests/s, and each worker's resident memory after the run
≤ 150 MB.

How it is paced (wrk cannot pace, and Debian has no wrk2): request ``k`` is due at ``start + k /
rate``. A pool of threads (``--threads``, 32) takes the requests in turn; each sleeps until its
request is due, then sends it with ``http.client`` on a new connection (gunicorn's sync workers close
every connection anyway). Latency is measured from the time the request was *due*, not the time it
was sent, so a server that falls behind is charged for the requests waiting behind a slow one (no
coordinated omission): if all threads are busy, the next request starts late and its lateness
counts. The schedule starts with a 5-second warm-up at the same rate, not counted (calls already
under way when it starts send their later steps in it). Errors: a socket error, an HTTP status
other than 200/204, or a failure the hotline logged (a failing webhook answers with an apology, and
logs it). It prints p50, p90, p99, p99.9 and the maximum, the rate achieved, the errors, and each
worker's VmRSS (``/proc/<pid>/status``) at start and after the run. The client's own time (Python,
on the same two cores) is inside the figures: they are an upper bound. It also prints the share of
the CPUs other processes used meanwhile (a test suite run beside it disturbs the figures;
``--patience 900`` waits up to 15 minutes for a quiet moment before starting).
"""

import argparse
import http.client
import json
import shutil
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

from webhooks import (NUMBERS, TOKEN, cpu_snapshot, failures_logged, free_port, load, number, others_share, prepare,
                      query, rss_mb, serve, stop, wait_quiet, webhook, workers_of)  # bench/, beside this script

STEP_SECONDS = 4  # between a caller's key presses
#: a call's webhooks after the incoming one: (endpoint path with state, digits or None for the status)
CALL_STEPS = [
    ("/twilio/voice/flow/main/menu?l=ky", lambda n: "3"),  # the URLs the TwiML before each names
    ("/twilio/voice/flow/jardam/menu?l=ky&s=1", lambda n: "1"),
    ("/twilio/voice/flow/regions/choose?l=ky&t=legal_aid&b=jardam.menu&s=2", lambda n: str(1 + n % 9)),
]


def mix(rate: float, seconds: float, series: int, port: int) -> list[tuple[str, bytes, str]]:
    """The requests of ``seconds`` at ``rate``, in the order they are due: (path, body, signature).

    Calls start at rate / 6 a second (5 webhooks each, and one SMS per call); each call's later
    webhooks are placed STEP_SECONDS apart, so many calls are under way at once, as in life."""
    validator = RequestValidator(TOKEN)
    base = f"http://127.0.0.1:{port}"
    events = []  # (nominal time, order, path, params)
    starts = rate / 6
    # calls that start before the run, so that their later steps fill its first seconds
    for n in range(-int(starts * STEP_SECONDS * 4), int(starts * seconds) + 1):
        t = n / starts
        k = n % 1_000_000
        sid = f"CA{series:04x}{k:028x}"
        path, params = webhook("incoming", k, sid)
        events.append((t, 0, path, params))
        for step, (step_path, digits) in enumerate(CALL_STEPS, start=1):
            events.append((t + step * STEP_SECONDS, step, step_path, params | {"Digits": digits(k)}))
        path, status = webhook("status", k, sid)
        events.append((t + 4 * STEP_SECONDS, 4, path, status))
        path, sms = webhook("sms", k, f"SM{series:04x}{k:028x}")
        events.append((t + 0.5 / starts, 5, path, sms))
    events = sorted((e for e in events if 0 <= e[0] < seconds), key=lambda e: e[:2])
    count = int(rate * seconds)
    return [(path, urlencode(params).encode(), validator.compute_signature(base + path, params))
            for _, _, path, params in events[:count]]


def pace(port: int, requests: list, rate: float, threads: int) -> dict:
    """Send ``requests`` at ``rate``; latencies (s) from each request's due time, errors, duration."""
    latencies = [0.0] * len(requests)
    errors: list[str] = []
    next_index = iter(range(len(requests)))
    lock = threading.Lock()
    start = time.monotonic() + 0.2

    def worker():
        while True:
            with lock:
                k = next(next_index, None)
            if k is None:
                return
            due = start + k / rate
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            path, body, signature = requests[k]
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded",
                                                  "X-Twilio-Signature": signature})
                response = conn.getresponse()
                response.read()
                conn.close()
                if response.status not in (200, 204):
                    errors.append(f"{response.status} {path}")
            except OSError as exc:
                errors.append(f"{type(exc).__name__} {path}")
            latencies[k] = time.monotonic() - due

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return {"latencies": latencies, "errors": errors, "seconds": time.monotonic() - start}


def percentile(ordered: list[float], p: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


def remember_language(url: str) -> None:
    """The 1,000 callers called before and chose Kyrgyz (hotline.voice.store.save_language's row)."""
    import sqlalchemy

    engine = sqlalchemy.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text("INSERT INTO caller_preferences (number, language, updated_at) "
                                     "VALUES (:number, 'ky', CURRENT_TIMESTAMP)"),
                     [{"number": number(n)} for n in range(NUMBERS)])
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rate", type=float, default=300, help="requests a second")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=5, help="seconds at the same rate first, not counted")
    parser.add_argument("--threads", type=int, default=32, help="sending threads")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--patience", type=float, default=0,
                        help="seconds to wait, at most, for other processes to use under 10%% of the CPUs first")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="hotline-steady-"))
    env = prepare(args.database, workdir, "postgresql+psycopg://postgres@127.0.0.1:5432/bench_steady")
    remember_language(env["DATABASE_URL"])
    port, log = free_port(), workdir / "hotline.log"
    server = serve(["wsgi:app"], port, env, args.workers, log)
    try:
        schedule = mix(args.rate, args.warmup + args.seconds, 1, port)
        warm = int(args.rate * args.warmup)
        print(f"database={args.database} rate={args.rate:g}/s seconds={args.seconds:g} (after {args.warmup:g} of "
              f"warm-up) workers={args.workers} requests={len(schedule) - warm} {load()}")
        workers = workers_of(server)
        if args.patience:
            wait_quiet([server.pid, *workers], 0.1, args.patience)
        before = {pid: rss_mb(pid) for pid in workers}
        cpu_before = cpu_snapshot([server.pid, *workers])
        result = pace(port, schedule, args.rate, args.threads)
        others = others_share(cpu_before, cpu_snapshot([server.pid, *workers]))
        failed = failures_logged(log)
        after = {pid: rss_mb(pid) for pid in workers}
        ordered = sorted(result["latencies"][warm:])
        figures = {p: percentile(ordered, p) * 1000 for p in (50, 90, 99, 99.9)}
        print(f"achieved {len(schedule) / result['seconds']:.1f} requests/s over {result['seconds']:.1f} s "
              f"(warm-up included)")
        print("latency ms from due time: " + "  ".join(f"p{p:g} {v:.1f}" for p, v in figures.items())
              + f"  max {ordered[-1] * 1000:.1f}")
        print(f"errors (warm-up included): {len(result['errors'])} HTTP or socket, {failed} logged by the hotline"
              + (f"; first: {result['errors'][:3]}" if result["errors"] else ""))
        print("worker RSS MB at start → after the run: "
              + "  ".join(f"{pid}: {before[pid]:.1f} → {after[pid]:.1f}" for pid in workers))
        rows = query(env["DATABASE_URL"], "SELECT (SELECT count(*) FROM calls), (SELECT count(*) FROM call_events), "
                                          "(SELECT count(*) FROM sms_messages WHERE direction = 'inbound'), "
                                          "(SELECT count(*) FROM sms_messages WHERE status = 'capped')")[0]
        print(f"recorded: {rows[0]} calls, {rows[1]} call events, {rows[2]} SMS in ({rows[3]} past the flood cap)")
        print(f"{load()}; other processes used {others:.0%} of the CPUs meanwhile")
        print("JSON " + json.dumps({"database": args.database, "rate": args.rate, "seconds": args.seconds,
                                    "achieved": len(schedule) / result["seconds"], "errors": len(result["errors"]),
                                    "logged_failures": failed, "ms": {str(p): v for p, v in figures.items()},
                                    "max_ms": ordered[-1] * 1000, "rss_mb": list(after.values()),
                                    "others_cpu": others}))
    finally:
        stop(server)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
