"""The statements a call makes itself: one each, no read before a write (the rest is write-behind).

The language a number chose is not read here: each process holds them (:mod:`hotline.voice.languages`).
"""

from flask import current_app

from hotline.extensions import db
from hotline.timeutil import utcnow
from hotline.upsert import insert_for
from hotline.voice.models import Call, Voicemail


def saved_language(caller: str | None) -> str | None:
    """The language this number chose before, if any."""
    if caller is None:
        return None
    return current_app.extensions["caller_languages"].get(db.engine, caller)


def save_language(caller: str | None, lang: str) -> None:
    """Remember ``lang`` for the number: the next call starts in it."""
    if caller is not None:
        current_app.extensions["caller_languages"].save(db.engine, caller, lang)


def update_call_status(sid: str, status: str, duration: int | None, caller: str | None = None) -> None:
    """Apply Twilio's status callback: one upsert, since the call's own row may still be in a buffer."""
    now = utcnow()
    values = {"status": status}
    if duration is not None:
        values["duration_seconds"] = duration
    if status not in (Call.QUEUED, Call.RINGING, Call.IN_PROGRESS):
        values["ended_at"] = now
    # the row may not be written yet (a call shorter than a flush): then this makes it, and the
    # buffered insert fills in what the webhook knew (hotline.voice.events)
    statement = insert_for(Call).values(external_id=sid, caller=caller, started_at=now, **values)
    db.session.execute(statement.on_conflict_do_update(index_elements=["external_id"], set_=values))
    db.session.commit()


def store_voicemail(sid: str, caller: str | None, recording_sid: str, url: str | None, duration: int | None) -> None:
    """Keep a recording's address; a repeated callback for the same recording changes nothing."""
    statement = insert_for(Voicemail).values(
        call_sid=sid, caller=caller, recording_sid=recording_sid, recording_url=url,
        duration_seconds=duration, created_at=utcnow(),
    ).on_conflict_do_nothing(index_elements=["recording_sid"])
    db.session.execute(statement)
    db.session.commit()
