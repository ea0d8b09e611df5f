"""Heartbeat: shows a worker is consuming (beat sends one a minute; tests send their own)."""

import socket

from celery import shared_task

from hotline.health.models import record_heartbeat


@shared_task(name="tasks.health.heartbeat")
def heartbeat(nonce: str | None = None) -> None:
    """Record that this worker ran a task."""
    record_heartbeat(socket.gethostname(), nonce)
