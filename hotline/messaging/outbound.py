"""Outbound SMS: an outbox row committed first, then a thin Celery task sends it through Twilio.

Web code calls :func:`queue_sms` (or :func:`try_queue_sms`, which also says why not), in its
transaction: the send task is enqueued by name once that commits. Only numbers the hotline serves
(``hotline.phones.why_not_served``) are texted, within ``SMS_PER_CALL`` and
``SMS_PER_NUMBER_DAILY`` (``hotline.caps``). The task calls :func:`send_sms`, which is idempotent:
a message is handed to Twilio at most once, and never to a number the hotline does not serve.
"""

import logging
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select, update

from hotline import caps
from hotline.celery_app import enqueue_after_commit
from hotline.extensions import db
from hotline.messaging.models import SmsMessage, SmsOptOut
from hotline.phones import why_not_served
from hotline.sms.render import RenderedSms
from hotline.twilio import TwilioException, rest_client

log = logging.getLogger(__name__)
SEND_TASK = "tasks.sms.send_sms"


class TransientSendError(RuntimeError):
    """Twilio could not take the message now (5xx, timeout); the task retries later."""


def opted_out(number: str) -> bool:
    return db.session.get(SmsOptOut, number) is not None


NOT_SERVED = "not_served"  # a number the hotline does not text (phones.why_not_served)
#: what a caller hears about the SMS they asked for, by why it was not sent (None: it was queued)
PROMPTS = {None: "sms.sent", NOT_SERVED: "sms.cannot_text", "SMS_PER_CALL": "sms.capped_call",
           "SMS_PER_NUMBER_DAILY": "sms.capped_day"}


@dataclass(frozen=True)
class SmsQueued:
    """What became of an SMS the hotline was asked to send."""

    message: SmsMessage | None  # the pending row; None when it will not be sent
    refused: str | None = None  # None, or why: opted_out | no_sender | not_served | the cap's setting

    @property
    def prompt(self) -> str:
        """What the voice channel says about it."""
        return PROMPTS.get(self.refused, "sms.not_sent")


def queue_sms(caller: str, rendered: RenderedSms, *, hotline_number: str | None,
              call_sid: str | None = None, reply_to_id: int | None = None) -> SmsMessage | None:
    """Write an outbound SMS to the outbox; its sending is enqueued when the session commits.

    Returns None when it will not be sent (:func:`try_queue_sms` says why).
    """
    return try_queue_sms(caller, rendered, hotline_number=hotline_number, call_sid=call_sid,
                         reply_to_id=reply_to_id).message


def try_queue_sms(caller: str, rendered: RenderedSms, *, hotline_number: str | None,
                  call_sid: str | None = None, reply_to_id: int | None = None) -> SmsQueued:
    """:func:`queue_sms`, saying why not when the SMS will not be sent.

    Nothing is written when the number opted out or there is no number to send from, nor past a cap
    (``SMS_PER_CALL`` for ``call_sid``, then ``SMS_PER_NUMBER_DAILY``; each use counted in this
    transaction). A number the hotline does not text gets its row written ``refused``, with the reason.
    """
    sender = hotline_number or current_app.config.get("TWILIO_SMS_FROM")
    if not sender:
        return SmsQueued(None, "no_sender")
    if opted_out(caller):
        return SmsQueued(None, "opted_out")
    message = SmsMessage(
        direction=SmsMessage.OUTBOUND, caller=caller, hotline_number=sender, body=rendered.text,
        encoding=rendered.encoding, segments=rendered.segments, status=SmsMessage.PENDING,
        call_sid=call_sid, reply_to_id=reply_to_id,
    )
    why = why_not_served(caller, current_app.config["CALLBACK_COUNTRIES"])
    if why is not None:
        message.status, message.error = SmsMessage.REFUSED, f"not served: {why}"
        db.session.add(message)
        return SmsQueued(None, NOT_SERVED)
    # the call's cap first: a call past it must not use up the number's day
    if call_sid and not caps.take("SMS_PER_CALL", call_sid):
        return SmsQueued(None, "SMS_PER_CALL")
    if not caps.take("SMS_PER_NUMBER_DAILY", caller):
        return SmsQueued(None, "SMS_PER_NUMBER_DAILY")
    db.session.add(message)
    db.session.flush()  # its id, for the task
    enqueue_after_commit(db.session, SEND_TASK, message.id)  # a broker outage leaves it for the sweeper
    return SmsQueued(message)


def send_sms(message_id: int) -> str:
    """Hand one queued message to Twilio; returns its status. Safe to run twice for one message."""
    claimed = db.session.execute(
        update(SmsMessage).where(SmsMessage.id == message_id, SmsMessage.status == SmsMessage.PENDING)
        .values(status=SmsMessage.SENDING)
    ).rowcount
    db.session.commit()
    message = db.session.get(SmsMessage, message_id)
    if message is None or not claimed:
        return message.status if message else "missing"  # another run has it, or it was sent
    why = why_not_served(message.caller, current_app.config["CALLBACK_COUNTRIES"])
    if why is not None:  # the last line: a row that slipped in (or settings since narrowed) is never sent
        message.status, message.error = SmsMessage.REFUSED, f"not served: {why}"
        db.session.commit()
        log.warning("SMS %s to %s refused: not served (%s)", message_id, message.caller, why)
        return message.status
    base = current_app.config["PUBLIC_BASE_URL"]
    try:
        sent = rest_client().messages.create(
            to=message.caller, from_=message.hotline_number, body=message.body,
            status_callback=f"{base}/twilio/sms/status" if base else None,
        )
    except TwilioException as exc:
        status = getattr(exc, "status", None)
        if status is not None and 400 <= status < 500:
            message.status, message.error = SmsMessage.FAILED, f"{status}: {getattr(exc, 'msg', exc)}"
            db.session.commit()
            return message.status
        message.status, message.error = SmsMessage.PENDING, str(exc)[:500]
        db.session.commit()
        raise TransientSendError(str(exc)) from exc
    message.external_id, message.status = sent.sid, sent.status or SmsMessage.SENDING
    db.session.commit()
    return message.status


def update_status(external_id: str, status: str, error_code: str | None = None) -> bool:
    """Apply Twilio's status callback to our row; False when the message is not ours."""
    values = {"status": status}
    if error_code:
        values["error"] = f"Twilio error {error_code}"
    done = db.session.execute(update(SmsMessage).where(SmsMessage.external_id == external_id).values(**values))
    db.session.commit()
    return bool(done.rowcount)


def queued_ids(limit: int = 500) -> list[int]:
    """Outbound messages still in the outbox (for the sweeper that re-enqueues after a broker outage)."""
    return list(db.session.scalars(select(SmsMessage.id).where(
        SmsMessage.direction == SmsMessage.OUTBOUND, SmsMessage.status == SmsMessage.PENDING,
    ).order_by(SmsMessage.id).limit(limit)))
