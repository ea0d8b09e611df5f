"""The dial pacer: slots 1/rate apart for every worker together, never two dials in one slot."""

import threading
import time

import pytest

from hotline.callbacks.pacer import reserve_slot
from hotline.extensions import db


def test_slots_are_spaced_and_never_earlier_than_now(app_ctx):
    now = 1_000_000.0
    slots = [reserve_slot("AC-test", 4.0, now=now) for _ in range(5)]
    assert slots == [now, now + 0.25, now + 0.5, now + 0.75, now + 1.0]
    # idle for a while: no credit is saved up, the next slot is "now" again
    assert reserve_slot("AC-test", 4.0, now=now + 60) == now + 60
    assert reserve_slot("AC-other", 4.0, now=now) == now  # accounts are paced separately


def test_no_limit_means_no_wait(app_ctx):
    assert reserve_slot("AC-test", 0, now=5.0) == 5.0


@pytest.mark.parametrize("threads", [8])
def test_concurrent_workers_share_one_schedule(app, threads):
    """Eight sessions take 80 slots at once: all distinct, exactly 1/rate apart."""
    rate, per_thread, slots, errors = 50.0, 10, [], []
    start = time.time()

    def take():
        try:
            with app.app_context():
                for _ in range(per_thread):
                    slots.append(reserve_slot("AC-concurrent", rate))
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    workers = [threading.Thread(target=take) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    slots.sort()
    assert len(slots) == len(set(slots)) == threads * per_thread
    gaps = [b - a for a, b in zip(slots, slots[1:])]
    assert min(gaps) == pytest.approx(1 / rate, abs=1e-6)  # never closer than one slot
    assert slots[0] >= start - 0.01
    assert slots[-1] - slots[0] == pytest.approx((threads * per_thread - 1) / rate, abs=0.25)
