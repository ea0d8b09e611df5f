"""What the hotline remembers about a number, whichever way it reached us: the language it chose.

Both channels read and write the same row: a language chosen on a call answers the next SMS in it,
and ``TIL`` by SMS sets the next call's. One read by primary key, in the request's transaction;
nothing is held in a process's memory.
"""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from hotline.extensions import db
from hotline.timeutil import utcnow
from hotline.upsert import insert_for


class CallerPreference(db.Model):
    """A number's remembered choices."""

    __tablename__ = "caller_preferences"

    number: Mapped[str] = mapped_column(String(20), primary_key=True)  # E.164
    language: Mapped[str] = mapped_column(String(2))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def saved_language(number: str | None) -> str | None:
    """The language this number chose before, if any."""
    if number is None:
        return None
    preference = db.session.get(CallerPreference, number)
    return preference.language if preference else None


def save_language(number: str | None, lang: str) -> None:
    """Remember ``lang`` for the number (in the request's transaction)."""
    if number is None:
        return
    statement = insert_for(CallerPreference).values(number=number, language=lang, updated_at=utcnow())
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["number"], set_={"language": lang, "updated_at": statement.excluded.updated_at}))
