"""Each webhook's throughput and latency, against two baselines measured in the same run.

    .venv/bin/python bench/webhooks.py --database sqlite        # or postgres
    .venv/bin/python bench/webhooks.py --database postgres --endpoints incoming,sms --seconds 20

Three gunicorns, each with 2 sync workers (as the Procfile runs the hotline), on one fresh database
(SQLite in a temporary file, or the PostgreSQL database ``bench_webhooks``, dropped and made again;
``BENCH_POSTGRES_URL`` names another), migrated and seeded:

- ``bare``: constant TwiML (``bench/baselines.py``);
- ``durable``: constant TwiML after inserting and committing one row through ``db.session``;
- ``hotline``: ``wsgi:app``.

For each endpoint, ``wrk`` (``apt-get install -y wrk``; 2 threads, 16 connections, ``--seconds``
each) drives the two baselines and then the hotline with the same file of correctly signed requests
(``bench/wrk_requests.lua`` sends every line once), after a 2-second warm-up of the hotline on other
requests. Every request is new to the hotline: a new CallSid or MessageSid, from 1,000 numbers (half
+996, half +7), another 1,000 for each measurement and warm-up, so that no number sends more than
the default flood cap of 10 SMS replies an hour (the script counts capped messages). Endpoints:

- ``incoming``: ``POST /twilio/voice``, a new call (no language saved yet: the language menu);
- ``menu``: ``POST /twilio/voice/flow/main/menu?l=ky&s=1``, keys 1-7 of the main menu;
- ``region``: ``POST /twilio/voice/flow/regions/choose?l=ky&t=legal_aid&b=jardam.menu&s=3``, keys 1-9:
  the free legal aid offices of that region, read out;
- ``sms``: ``POST /twilio/sms``, ``KOMOK OSH`` and ``jardam 9`` in turn;
- ``status``: ``POST /twilio/voice/status``, ``completed``, for calls the ``incoming`` runs recorded.

It prints requests/s, p50 and p99 for each server, the hotline's ratio to the durable baseline
(the issue's target: at least 0.5 on the worst endpoint) and to the bare one, and the share of the
two CPUs that other processes used meanwhile ("others": a test suite run beside it; more than a few
per cent and the row is disturbed: ``--tries 5`` waits for a quiet moment and measures an endpoint
again, up to 5 times, while any of its three rows is over ``--max-others``, 10 %). The baselines do
not care if a request repeats; the hotline must never run out of requests (it says so if it does:
raise ``--requests``). Errors are wrk's (socket errors, HTTP status 400 and over) plus the hotline's
logged failures (a failing webhook answers 200 with an apology, and logs it). The broker is Redis
(database 11, emptied first; ``BENCH_BROKER_URL`` names another); the audio directory is empty, so
prompts are ``<Say>``.
"""

import argparse
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

from fresh_db import fresh_database  # bench/, beside this script

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TOKEN = "bench-auth-token"
NUMBERS = 1000
HOTLINE_NUMBER = "+996312000000"
ACCOUNT = "AC" + "1" * 32
SMS_BODIES = ["KOMOK OSH", "jardam 9"]
ENDPOINTS = ["incoming", "menu", "region", "sms", "status"]


def number(n: int, series: int = 0) -> str:
    """One of the series' 1,000 callers: half on a Kyrgyz mobile, half on a Russian one."""
    n %= NUMBERS
    return f"+996700{series % 100:02d}{n:04d}" if n % 2 else f"+7926{series % 100:02d}{n:05d}"


def call_form(sid: str, caller: str, **extra) -> dict:
    return {"CallSid": sid, "From": caller, "To": HOTLINE_NUMBER, "AccountSid": ACCOUNT,
            "CallStatus": "in-progress", "Direction": "inbound", **extra}


def webhook(endpoint: str, n: int, sid: str, series: int = 0) -> tuple[str, dict]:
    """The path and form of request ``n`` to ``endpoint``, for the call or message ``sid``, from one
    of the series' numbers."""
    caller = number(n, series)
    if endpoint == "incoming":
        return "/twilio/voice", call_form(sid, caller)
    if endpoint == "menu":
        return "/twilio/voice/flow/main/menu?l=ky&s=1", call_form(sid, caller, Digits=str(1 + n % 7))
    if endpoint == "region":
        return ("/twilio/voice/flow/regions/choose?l=ky&t=legal_aid&b=jardam.menu&s=3",
                call_form(sid, caller, Digits=str(1 + n % 9)))
    if endpoint == "sms":
        return "/twilio/sms", {"MessageSid": sid, "From": caller, "To": HOTLINE_NUMBER, "AccountSid": ACCOUNT,
                               "Body": SMS_BODIES[(n // NUMBERS) % 2], "NumSegments": "1"}
    if endpoint == "status":
        return "/twilio/voice/status", call_form(sid, caller, CallStatus="completed", CallDuration=str(20 + n % 200))
    raise ValueError(endpoint)


def sid_for(endpoint: str, series: int, n: int) -> str:
    """A SID of Twilio's shape (two letters, 32 hex digits), unique to the series and ``n``."""
    return ("SM" if endpoint == "sms" else "CA") + f"{series:04x}{n:028x}"


def signed_line(base: str, path: str, params: dict) -> str:
    """``path <TAB> form <TAB> X-Twilio-Signature``: one line of ``bench/wrk_requests.lua``'s file."""
    signature = RequestValidator(TOKEN).compute_signature(base + path, params)
    return f"{path}\t{urlencode(params)}\t{signature}"


def write_requests(path: Path, base: str, endpoint: str, series: int, count: int,
                   sids: list[str] | None = None) -> Path:
    """``count`` signed requests to ``endpoint`` (new SIDs of ``series``, or ``sids`` in turn)."""
    lines = []
    for n in range(count):
        sid = sids[n % len(sids)] if sids else sid_for(endpoint, series, n)
        lines.append(signed_line(base, *webhook(endpoint, n, sid, series)))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(target: list[str], port: int, env: dict, workers: int, log: Path) -> subprocess.Popen:
    """gunicorn serving ``target`` (its last arguments) on ``port``, once it answers."""
    command = [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
               "--log-level", "warning", *target]
    with log.open("ab") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{' '.join(target)} exited: see {log}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return proc
        except urllib.error.HTTPError:
            return proc  # it answers (the baselines have no /healthz)
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{' '.join(target)} did not start on port {port}")


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)


def workers_of(proc: subprocess.Popen) -> list[int]:
    """The pids of a gunicorn master's workers (its children)."""
    children = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(proc.pid):
            children.append(int(status.parent.name))
    return sorted(children)


def rss_mb(pid: int) -> float:
    """VmRSS of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def prepare(database: str, workdir: Path, postgres_default: str) -> dict:
    """A migrated, seeded database with the durable baseline's table; the servers' environment."""
    broker = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/11")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMS_", "PUBLIC_BASE_URL", "HOTLINE_ENV"))} | {
        "DATABASE_URL": fresh_database(database, workdir, postgres_default), "TWILIO_AUTH_TOKEN": TOKEN,
        "CELERY_BROKER_URL": broker, "AUDIO_DIR": str(workdir / "audio"), "FLASK_APP": "wsgi",
    }
    if broker.startswith("redis://"):
        import redis

        redis.Redis.from_url(broker).flushdb()
    for command in (["db", "upgrade"], ["seed"]):
        subprocess.run([str(BIN / "flask"), *command], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([sys.executable, "-c", "import baselines; baselines.create_table()"], cwd=ROOT / "bench",
                   env=env, check=True)
    return env


def drive(port: int, requests_file: Path, seconds: float, connections: int, pids: list[int] = ()) -> dict:
    """wrk for ``seconds`` on ``port``: requests/s, p50, p99, errors, and the share of the CPUs that
    others used meanwhile (``pids``: the servers' processes, ours)."""
    before = cpu_snapshot(pids)
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency",
         "-s", str(ROOT / "bench" / "wrk_requests.lua"), f"http://127.0.0.1:{port}", "--", str(requests_file), "2"],
        capture_output=True, text=True, check=True).stdout
    result = json.loads(next(line for line in out.splitlines() if line.startswith("JSON "))[5:])
    result["rps"] = result["requests"] / result["seconds"]
    after = cpu_snapshot(pids)
    result["others_cpu"], result["others_named"] = others_share(before, after), busiest_others(before, after)
    return result


def failures_logged(log: Path) -> int:
    """The hotline's logged webhook failures so far (each was answered with an apology)."""
    text = log.read_text(errors="replace") if log.exists() else ""
    return text.count("webhook failed") + text.count("could not log the failed message")


def query(url: str, sql: str) -> list[tuple]:
    import sqlalchemy

    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(sqlalchemy.text(sql))]
    finally:
        engine.dispose()


def load() -> str:
    return "load " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def cpu_snapshot(pids: list[int]) -> tuple:
    """(when, CPU seconds the machine was busy, CPU seconds of it ours, every other process's CPU
    seconds by (pid, name)): ours are ``pids``, every PostgreSQL process, the kernel's threads (its
    writeback), this process and its finished children (wrk). The rest is someone else's, e.g. a
    test suite running beside the benchmark (see :func:`others_share`)."""
    tick = os.sysconf("SC_CLK_TCK")
    # interrupts are left out: most are the benchmark's own network traffic, and no process is charged for them
    user, nice, system, _idle, _iowait, _irq, _softirq, steal = map(int, Path("/proc/stat").read_text().split()[1:9])
    ours, others = 0.0, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        name, _, fields = _read(stat).rpartition(")")
        fields = fields.split()
        if len(fields) < 13:
            continue
        pid, name = int(stat.parent.name), name.partition("(")[2]
        seconds = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        if pid in pids or name == "postgres" or fields[1] in ("0", "2"):  # kernel threads: our disk writes too
            ours += seconds
        elif pid != os.getpid():
            others[pid, name] = seconds
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    mine = me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime
    return time.monotonic(), (user + nice + system + steal) / tick, ours + mine, others


def others_share(before: tuple, after: tuple) -> float:
    """The share of the machine's CPUs that processes not ours used between two snapshots."""
    elapsed = (after[0] - before[0]) * os.cpu_count()
    return max(0.0, (after[1] - before[1]) - (after[2] - before[2])) / elapsed


def busiest_others(before: tuple, after: tuple, count: int = 3) -> str:
    """The other processes that used the most CPU between two snapshots (those that ended unseen are
    not named), e.g. ``pytest 31%, chromium 4%``."""
    elapsed = (after[0] - before[0]) * os.cpu_count()
    used = {key: seconds - before[3].get(key, 0.0) for key, seconds in after[3].items()}
    top = sorted(used.items(), key=lambda item: -item[1])[:count]
    return ", ".join(f"{name} {seconds / elapsed:.0%}" for (_, name), seconds in top if seconds / elapsed >= 0.01)


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:  # the process ended
        return ""


def wait_quiet(pids: list[int], max_others: float, patience: float = 900) -> float:
    """Wait (at most ``patience`` seconds) for 3 seconds in which others use under ``max_others`` of
    the CPUs; returns their share in the last 3 seconds."""
    deadline = time.monotonic() + patience
    while True:
        before = cpu_snapshot(pids)
        time.sleep(3)
        share = others_share(before, cpu_snapshot(pids))
        if share < max_others or time.monotonic() > deadline:
            return share


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--endpoints", default=",".join(ENDPOINTS), help="comma-separated, of " + ", ".join(ENDPOINTS))
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=30000, help="prepared requests per endpoint (never repeated)")
    parser.add_argument("--tries", type=int, default=1,
                        help="measure an endpoint again, up to this many times, while others disturb it")
    parser.add_argument("--max-others", type=float, default=0.1,
                        help="the share of the CPUs others may use before a measurement counts as disturbed")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install -y wrk)")
    workdir = Path(tempfile.mkdtemp(prefix="hotline-bench-"))
    env = prepare(args.database, workdir, "postgresql+psycopg://postgres@127.0.0.1:5432/bench_webhooks")
    ports = {name: free_port() for name in ("bare", "durable", "hotline")}
    log = workdir / "hotline.log"
    servers = {
        "bare": serve(["--chdir", "bench", "baselines:bare"], ports["bare"], env, args.workers, workdir / "bare.log"),
        "durable": serve(["--chdir", "bench", "baselines:durable"], ports["durable"], env, args.workers,
                         workdir / "durable.log"),
        "hotline": serve(["wsgi:app"], ports["hotline"], env, args.workers, log),
    }
    base = f"http://127.0.0.1:{ports['hotline']}"
    pids = [pid for server in servers.values() for pid in [server.pid, *workers_of(server)]]
    results, series = [], 0
    try:
        print(f"database={args.database} workers={args.workers} connections={args.connections} "
              f"seconds={args.seconds} {load()}")
        print(f"{'endpoint':9} {'server':8} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} "
              f"{'÷durable':>8} {'÷bare':>6} {'others':>6}")
        for endpoint in args.endpoints.split(","):
            for attempt in range(args.tries):
                series += 2
                if args.tries > 1:
                    wait_quiet(pids, args.max_others)
                measured = measure(endpoint, series, base, ports, pids, env, log, workdir, args)
                disturbed = max(result["others_cpu"] for result in measured.values()) > args.max_others
                for name, result in measured.items():
                    errors = result["errors"] + result["http_errors"]
                    print(f"{endpoint:9} {name:8} {result['rps']:7.0f} {result['p50_ms']:7.2f} "
                          f"{result['p99_ms']:7.2f} {errors:6d} {result['rps'] / measured['durable']['rps']:8.2f} "
                          f"{result['rps'] / measured['bare']['rps']:6.2f} {result['others_cpu']:6.0%}"
                          + (f" ({result['others_named']})" if result["others_named"] else "")
                          + ("  (requests ran out: some were sent twice)" if result["wrapped"] and name == "hotline"
                             else ""))
                results.append({"endpoint": endpoint, "disturbed": disturbed, **measured})
                if not disturbed:
                    break
                print(f"{endpoint:9} disturbed: others used more than {args.max_others:.0%} of the CPUs")
        if "sms" in args.endpoints:
            capped = query(env["DATABASE_URL"], "SELECT count(*) FROM sms_messages WHERE status = 'capped'")[0][0]
            print(f"SMS past the flood cap: {capped}")
        print(f"{load()}")
        print("JSON " + json.dumps({"database": args.database, "results": results}))
    finally:
        for server in servers.values():
            stop(server)
        shutil.rmtree(workdir, ignore_errors=True)


def measure(endpoint: str, series: int, base: str, ports: dict, pids: list[int], env: dict, log: Path,
            workdir: Path, args) -> dict:
    """Warm the hotline up on one series of requests, then drive the three servers with the next."""
    sids = None
    if endpoint == "status":  # callbacks for the calls the incoming runs recorded
        sids = [row[0] for row in query(env["DATABASE_URL"], "SELECT external_id FROM calls ORDER BY id")]
    warm = write_requests(workdir / "warm.tsv", base, endpoint, series - 1, 3000, sids and sids[::-1])
    drive(ports["hotline"], warm, 2, args.connections)
    lines = write_requests(workdir / f"{endpoint}.tsv", base, endpoint, series, args.requests, sids)
    failed_before = failures_logged(log)
    measured = {name: drive(ports[name], lines, args.seconds, args.connections, pids)
                for name in ("bare", "durable", "hotline")}
    measured["hotline"]["errors"] += failures_logged(log) - failed_before
    return measured


if __name__ == "__main__":
    main()
