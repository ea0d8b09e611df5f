"""Outbound SMS: the task takes a message id; ``hotline.messaging.outbound`` holds the logic."""

from celery import shared_task

from hotline.messaging import outbound


@shared_task(name="tasks.sms.send_sms", autoretry_for=(outbound.TransientSendError,),
             retry_backoff=10, retry_backoff_max=900, retry_jitter=True, max_retries=8)
def send_sms(message_id: int) -> str:
    """Send one queued message through Twilio (idempotent: a second run sends nothing)."""
    return outbound.send_sms(message_id)
