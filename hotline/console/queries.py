"""What the console's pages read, as functions returning a ``select()`` (pages paginate, count or
execute them; tests run them directly)."""

from datetime import datetime

from sqlalchemy import Select, exists, func, select

from hotline.callbacks.models import CallbackAttempt, CallbackRequest
from hotline.console.models import AuditEntry
from hotline.health.models import Heartbeat
from hotline.messaging.models import SmsMessage
from hotline.voice.models import Call, CallEvent, Voicemail

FAILED_SMS = (SmsMessage.FAILED, SmsMessage.UNDELIVERED)


def calls(since: datetime | None = None, until: datetime | None = None, language: str | None = None,
          outcome: str | None = None, caller: str | None = None) -> Select:
    """Calls started in [since, until), newest first; only those with a step of ``outcome`` (the
    caller gave up, asked for an operator, left a message...) when given."""
    query = select(Call)
    if since is not None:
        query = query.where(Call.started_at >= since)
    if until is not None:
        query = query.where(Call.started_at < until)
    if language:
        query = query.where(Call.language == language)
    if caller:
        query = query.where(Call.caller == caller)
    if outcome:
        query = query.where(exists().where(CallEvent.call_sid == Call.external_id, CallEvent.outcome == outcome))
    return query.order_by(Call.started_at.desc(), Call.id.desc())


def call_events(call_sid: str) -> Select:
    """A call's steps in order."""
    return select(CallEvent).where(CallEvent.call_sid == call_sid).order_by(CallEvent.step, CallEvent.id)


def sms_of_call(call_sid: str) -> Select:
    """What a call sent by SMS ("press 1 to get this by SMS")."""
    return select(SmsMessage).where(SmsMessage.call_sid == call_sid).order_by(SmsMessage.id)


def voicemails_of_call(call_sid: str) -> Select:
    return select(Voicemail).where(Voicemail.call_sid == call_sid).order_by(Voicemail.id)


def callbacks_of_call(call_sid: str) -> Select:
    return select(CallbackRequest).where(CallbackRequest.call_sid == call_sid).order_by(CallbackRequest.id)


def open_callbacks() -> Select:
    """The callback queue: open requests, the longest waiting first."""
    return (select(CallbackRequest).where(CallbackRequest.status.in_(CallbackRequest.OPEN))
            .order_by(CallbackRequest.created_at, CallbackRequest.id))


def attempts_of(request_id: int) -> Select:
    return select(CallbackAttempt).where(CallbackAttempt.request_id == request_id).order_by(CallbackAttempt.id)


def conversations() -> Select:
    """The latest message id of each number that texted or was texted, the latest conversation first."""
    latest = func.max(SmsMessage.id)
    return select(latest).group_by(SmsMessage.caller).order_by(latest.desc())


def message_counts(callers: list[str]) -> Select:
    """(number, messages) of each of ``callers``."""
    return select(SmsMessage.caller, func.count()).where(SmsMessage.caller.in_(callers)).group_by(SmsMessage.caller)


def messages_of(caller: str) -> Select:
    """A number's messages, newest first (a reply follows the message it answers)."""
    return select(SmsMessage).where(SmsMessage.caller == caller).order_by(SmsMessage.id.desc())


def failed_deliveries(since: datetime) -> Select:
    """Outbound SMS that Twilio could not deliver (or we could not send), newest first."""
    return (select(SmsMessage).where(SmsMessage.direction == SmsMessage.OUTBOUND,
                                     SmsMessage.status.in_(FAILED_SMS), SmsMessage.updated_at >= since)
            .order_by(SmsMessage.id.desc()))


def count(query: Select) -> Select:
    """``SELECT count(*)`` of any of the above."""
    return select(func.count()).select_from(query.order_by(None).subquery())


def last_heartbeat() -> Select:
    """When a worker last ran its heartbeat task (beat sends one a minute)."""
    return select(func.max(Heartbeat.seen_at))


def audit_entries(target: str | None = None, actor: str | None = None, action: str | None = None) -> Select:
    """The audit log, newest first; of one target (``callback:12``), actor or action when given."""
    query = select(AuditEntry)
    if target:
        query = query.where(AuditEntry.target == target)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if action:
        query = query.where(AuditEntry.action == action)
    return query.order_by(AuditEntry.id.desc())
