"""The statements a call makes: one each, no read before a write."""

from sqlalchemy import select, update

from hotline.extensions import db
from hotline.timeutil import utcnow
from hotline.upsert import insert_for
from hotline.voice.models import Call, CallerPreference, Voicemail


def record_call(sid: str, caller: str | None, hotline_number: str | None, direction: str = "inbound") -> None:
    """Insert the call once; Twilio's retries of the same CallSid change nothing."""
    statement = insert_for(Call).values(
        external_id=sid, caller=caller, hotline_number=hotline_number, direction=direction,
        status=Call.IN_PROGRESS, started_at=utcnow(),
    ).on_conflict_do_nothing(index_elements=["external_id"])
    db.session.execute(statement)
    db.session.commit()


def saved_language(caller: str | None) -> str | None:
    """The language this number chose before, if any."""
    if caller is None:
        return None
    return db.session.scalar(select(CallerPreference.language).where(CallerPreference.number == caller))


def save_language(caller: str | None, sid: str, lang: str) -> None:
    """Remember ``lang`` for the number (and on the call)."""
    if caller is not None:
        statement = insert_for(CallerPreference).values(number=caller, language=lang, updated_at=utcnow())
        db.session.execute(statement.on_conflict_do_update(
            index_elements=["number"], set_={"language": lang, "updated_at": utcnow()}))
    db.session.execute(update(Call).where(Call.external_id == sid).values(language=lang))
    db.session.commit()


def update_call_status(sid: str, status: str, duration: int | None) -> bool:
    """Apply Twilio's status callback; False if the call is not ours."""
    values = {"status": status}
    if duration is not None:
        values["duration_seconds"] = duration
    if status not in (Call.QUEUED, Call.RINGING, Call.IN_PROGRESS):
        values["ended_at"] = utcnow()
    done = db.session.execute(update(Call).where(Call.external_id == sid).values(**values)).rowcount
    db.session.commit()
    return bool(done)


def store_voicemail(sid: str, caller: str | None, recording_sid: str, url: str | None, duration: int | None) -> None:
    """Keep a recording's address; a repeated callback for the same recording changes nothing."""
    statement = insert_for(Voicemail).values(
        call_sid=sid, caller=caller, recording_sid=recording_sid, recording_url=url,
        duration_seconds=duration, created_at=utcnow(),
    ).on_conflict_do_nothing(index_elements=["recording_sid"])
    db.session.execute(statement)
    db.session.commit()
