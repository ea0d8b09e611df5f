"""The sweeper: the database is the truth, so anything left waiting (a broker outage) is sent again;
and the caps' counters of windows long past are deleted."""

from celery import shared_task

from hotline.caps import forget_old
from hotline.celery_app import enqueue
from hotline.messaging.outbound import SEND_TASK, queued_ids


@shared_task(name="tasks.sweeper.sweep")
def sweep() -> dict:
    """Re-enqueue outbound SMS still queued; sending is idempotent, so a duplicate costs nothing."""
    ids = queued_ids()
    for message_id in ids:
        enqueue(SEND_TASK, message_id)
    return {"sms": len(ids), "cap_counters_deleted": forget_old()}
