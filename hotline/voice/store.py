"""What a call reads and writes, on ``db.session``: the webhook commits it all before it answers.

What a number chose (its language, its region, the answer it heard last) is :mod:`hotline.callers`'
(both channels share it); the names are here too, so a call's code reads from one place.

Each function is one statement. Twilio's retries are idempotent through the unique keys: the
call's ``CallSid``, an event's ``(CallSid, step)``, a voicemail's ``RecordingSid``.
"""

from sqlalchemy import case, func, update

from hotline.callers import (  # noqa: F401  (a call's reads and writes of the number's row, in one place)
    preference, save_language, save_last, save_region, saved_language, saved_region,
)
from hotline.extensions import db
from hotline.timeutil import utcnow
from hotline.upsert import insert_for
from hotline.voice.models import Call, CallEvent, Voicemail


def record_call(sid: str, caller: str | None, hotline_number: str | None, language: str | None,
                direction: str = "inbound") -> None:
    """A call's row, once whatever Twilio retries.

    The row may be there already: Twilio's status callback can come first, and says only the number,
    the status and the duration. What the webhook knows fills it in: the direction, who is on the
    other end (a callback's status names the hotline as ``From``), the number dialled, the language
    and when it started. Its status stays (the callback's is newer).
    """
    now = utcnow()
    statement = insert_for(Call).values(external_id=sid, caller=caller, hotline_number=hotline_number,
                                        language=language, direction=direction, status=Call.IN_PROGRESS,
                                        started_at=now)
    new = statement.excluded
    db.session.execute(statement.on_conflict_do_update(index_elements=["external_id"], set_={
        "direction": new.direction,
        "caller": func.coalesce(new.caller, Call.caller),
        "hotline_number": func.coalesce(new.hotline_number, Call.hotline_number),
        "language": func.coalesce(Call.language, new.language),
        "started_at": case((new.started_at < Call.started_at, new.started_at), else_=Call.started_at),
    }))


def set_call_language(sid: str, lang: str) -> None:
    """The language chosen during the call, on the call's row."""
    db.session.execute(update(Call).where(Call.external_id == sid).values(language=lang))


def record_event(sid: str, step: int, node: str, outcome: str, digits: str | None = None,
                 next_node: str | None = None, detail: str | None = None) -> bool:
    """One step of the call; False when the row is already there (Twilio retried the step)."""
    statement = insert_for(CallEvent).values(
        call_sid=sid, step=step, node=node, outcome=outcome, digits=digits[:20] if digits else None, next_node=next_node,
        detail=detail[:200] if detail else None, at=utcnow(),
    ).on_conflict_do_nothing(index_elements=["call_sid", "step"]).returning(CallEvent.id)
    return db.session.execute(statement).first() is not None


def update_call_status(sid: str, status: str, duration: int | None, caller: str | None = None) -> None:
    """Apply Twilio's status callback: one upsert, since it can come before the call's own row."""
    now = utcnow()
    values = {"status": status}
    if duration is not None:
        values["duration_seconds"] = duration
    if status not in (Call.QUEUED, Call.RINGING, Call.IN_PROGRESS):
        values["ended_at"] = now
    statement = insert_for(Call).values(external_id=sid, caller=caller, started_at=now, **values)
    db.session.execute(statement.on_conflict_do_update(index_elements=["external_id"], set_=values))


def store_voicemail(sid: str, caller: str | None, recording_sid: str, url: str | None, duration: int | None) -> None:
    """Keep a recording's address; a repeated callback for the same recording changes nothing."""
    statement = insert_for(Voicemail).values(
        call_sid=sid, caller=caller, recording_sid=recording_sid, recording_url=url,
        duration_seconds=duration, created_at=utcnow(),
    ).on_conflict_do_nothing(index_elements=["recording_sid"])
    db.session.execute(statement)
