"""Where one webhook's time goes: cProfile over many requests in process, through Flask's test client.

    .venv/bin/python bench/profile_webhook.py --endpoint sms --database sqlite     # or postgres
    .venv/bin/python bench/profile_webhook.py --endpoint incoming --requests 3000 --top 30

The same fresh database and the same signed requests as ``bench/webhooks.py`` (``--endpoint``:
incoming, menu, region, sms, status), but no server: after 300 requests to warm up, ``--requests``
more are sent through ``app.test_client()`` and timed, then as many again under cProfile; the first
ones are then timed on the durable baseline (``bench/baselines.py``) through its test client. It
prints the time a request spent in each library (the profiled functions' own time, grouped by the
package of their file: the database driver, SQLAlchemy, Flask and werkzeug, twilio, the hotline's
own code ...), the hotline's functions by cumulative time (what each step of the webhook costs, all
it calls included) and all functions by their own time. cProfile roughly doubles the time of small
Python calls, so the shares are a guide; the times without the profiler are printed first.
"""

import argparse
import cProfile
import os
import pstats
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from webhooks import ENDPOINTS, NUMBERS, ROOT, prepare, signed_line, sid_for, webhook  # bench/, beside this script


def group(filename: str, function: str) -> str:
    """The library a profiled function belongs to, from its file name (a C function's: its name)."""
    path = filename.replace("\\", "/")
    if path == "~":
        for library in ("sqlite3", "psycopg", "_hashlib", "hmac"):
            if library in function:
                return f"{library} (C)"
        return "other C functions (str, dict, re ...)"
    if path.startswith("<"):
        return "python stdlib"
    if "/site-packages/" in path:
        return path.split("/site-packages/")[1].split("/")[0].split(".")[0]
    if path.startswith(str(ROOT)):
        return path[len(str(ROOT)) + 1:].split("/")[0]
    return "python stdlib"


def durable_baseline(requests: list, warm: int) -> float:
    """Seconds a request to ``bench/baselines.py``'s durable app takes through its test client."""
    import baselines

    client = baselines.durable.test_client()
    for path, params, _ in requests[:warm]:
        client.post(path, data=params)
    started = time.perf_counter()
    for path, params, _ in requests[warm:]:
        client.post(path, data=params)
    return (time.perf_counter() - started) / (len(requests) - warm)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoint", choices=ENDPOINTS, default="sms")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="hotline-profile-"))
    try:
        env = prepare(args.database, workdir, "postgresql+psycopg://postgres@127.0.0.1:5432/bench_profile")
        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        from wsgi import app

        client = app.test_client()
        warm, count = 300, args.requests
        requests = []
        for n in range(warm + 2 * count):
            path, params = webhook(args.endpoint, n, sid_for(args.endpoint, 1, n), series=n // (5 * NUMBERS))
            _, _, signature = signed_line("http://localhost", path, params).split("\t")
            requests.append((path, params, signature))

        def send(batch):
            for path, params, signature in batch:
                response = client.post(path, data=params, headers={"X-Twilio-Signature": signature})
                assert response.status_code in (200, 204), (response.status_code, response.get_data(as_text=True))

        send(requests[:warm])
        started = time.perf_counter()
        send(requests[warm:warm + count])
        plain = (time.perf_counter() - started) / count
        profile = cProfile.Profile()
        profile.enable()
        send(requests[warm + count:])
        profile.disable()
        stats = pstats.Stats(profile)
        durable = durable_baseline(requests[:warm + count], warm)
        per_library = defaultdict(float)
        total = 0.0
        for (filename, _, function), (_, _, own, _, _) in stats.stats.items():
            per_library[group(filename, function)] += own
            total += own
        print(f"{args.endpoint} on {args.database}: {plain * 1e6:.0f} µs a request without the profiler, "
              f"{total / count * 1e6:.0f} µs with it; the durable baseline {durable * 1e6:.0f} µs in the same way")
        print("own time by library, per request under the profiler:")
        for library, own in sorted(per_library.items(), key=lambda item: -item[1]):
            print(f"  {own / count * 1e6:7.0f} µs {own / total:6.1%}  {library}")
        print(f"the app's own functions by cumulative time, per request under the profiler (top {args.top}):")
        own_code = str(ROOT / "hotline")
        rows = [(cumulative, calls, f"{Path(filename).relative_to(ROOT)}:{line} {function}")
                for (filename, line, function), (_, calls, _, cumulative, _) in stats.stats.items()
                if filename.startswith(own_code)]
        for cumulative, calls, where in sorted(rows, reverse=True)[:args.top]:
            print(f"  {cumulative / count * 1e6:7.0f} µs {calls / count:5.1f}×  {where}")
        print(f"all functions by own time, per request under the profiler (top {args.top}):")
        rows = [(own, calls, f"{group(filename, function)}: {Path(filename).name}:{line} {function}")
                for (filename, line, function), (_, calls, own, _, _) in stats.stats.items()]
        for own, calls, where in sorted(rows, reverse=True)[:args.top]:
            print(f"  {own / count * 1e6:7.0f} µs {calls / count:5.1f}×  {where}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
