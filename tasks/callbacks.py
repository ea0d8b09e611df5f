"""Callback dispatch tasks (thin wrappers over hotline.callbacks)."""

from celery import shared_task

from hotline.callbacks import dialing, dispatch as dispatcher


@shared_task(name="tasks.callbacks.dispatch")
def dispatch(queue: str | None = None) -> dict:
    """Beat's periodic run: recover stale claims, claim due requests, queue ``place_callback`` for
    each (on ``queue``, the default queue when None)."""
    return dispatcher.dispatch_due(queue=queue)


@shared_task(name="tasks.callbacks.place_callback")
def place_callback(request_id: int) -> str:
    """Ask Twilio to call one person back (idempotent: a second copy dials nothing)."""
    return dialing.place_callback(request_id)
