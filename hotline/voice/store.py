"""The statements a call makes itself: one each, no read before a write (the rest is write-behind)."""

from hotline.extensions import db
from hotline.timeutil import utcnow
from hotline.upsert import insert_for
from hotline.voice.models import Call, CallerPreference, Voicemail


# The one query every incoming call makes: run on a raw pooled DBAPI connection, since SQLAlchemy's
# Core/ORM layers cost more than the indexed lookup itself (measured: bench/webhooks.py).
_SAVED_LANGUAGE = f"SELECT language FROM {CallerPreference.__tablename__} WHERE number = {{}}"
_PLACEHOLDER = {"qmark": "?", "format": "%s", "pyformat": "%s", "numeric": ":1", "named": ":number"}


def saved_language(caller: str | None) -> str | None:
    """The language this number chose before, if any."""
    if caller is None:
        return None
    engine = db.engine
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        placeholder = _PLACEHOLDER[engine.dialect.paramstyle]
        cursor.execute(_SAVED_LANGUAGE.format(placeholder),
                       {"number": caller} if placeholder == ":number" else (caller,))
        row = cursor.fetchone()
        cursor.close()
        connection.commit()  # end the read transaction before the connection goes back to the pool
    finally:
        connection.close()
    return row[0] if row else None


def save_language(caller: str | None, lang: str) -> None:
    """Remember ``lang`` for the number: the next call starts in it."""
    if caller is None:
        return
    statement = insert_for(CallerPreference).values(number=caller, language=lang, updated_at=utcnow())
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["number"], set_={"language": lang, "updated_at": utcnow()}))
    db.session.commit()


def update_call_status(sid: str, status: str, duration: int | None, caller: str | None = None) -> None:
    """Apply Twilio's status callback: one upsert, since the call's own row may still be in a buffer."""
    values = {"status": status}
    if duration is not None:
        values["duration_seconds"] = duration
    if status not in (Call.QUEUED, Call.RINGING, Call.IN_PROGRESS):
        values["ended_at"] = utcnow()
    statement = insert_for(Call).values(external_id=sid, caller=caller, started_at=utcnow(), **values)
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
