"""A real Celery worker for tests: ``celery -A tasks.worker worker`` in a subprocess."""

import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager

from tests.conftest import ROOT


@contextmanager
def celery_worker(database_url: str, broker_url: str, queue: str = "celery", **env):
    """Run a worker on ``queue`` with the app's settings overridden by ``env``; stop it afterwards.

    Its log goes to a file (a pipe nobody reads would fill and stall the worker) and is printed
    when the block ends, so a failing test shows what the worker did.
    """
    settings = os.environ | {"DATABASE_URL": database_url, "CELERY_BROKER_URL": broker_url} | env
    with tempfile.TemporaryFile(mode="w+") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "tasks.worker", "worker", "--pool=solo",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-Q", queue, "--loglevel=INFO"],
            cwd=ROOT, env=settings, stdout=log, stderr=subprocess.STDOUT, text=True,
        )
        try:
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            log.seek(0)
            print(log.read())


def wait_until(predicate, seconds: float = 60, interval: float = 0.2, what: str = "the condition"):
    """Poll ``predicate`` until it returns something truthy; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"{what} did not happen within {seconds}s")
