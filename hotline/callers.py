"""What the hotline remembers about a number, whichever way it reached us: the language it chose, the
region it chose, and the answer it heard last.

Both channels read and write the same row: a language chosen on a call answers the next SMS in it,
and ``TIL`` by SMS sets the next call's. A region chosen on a call is the region the next call's
offices are read for; the answer heard last is offered first on the next call. One read by primary
key, in the request's transaction; every write goes into the request's transaction too, committed
before the answer; nothing is held in a process's memory.
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
    region: Mapped[str | None] = mapped_column(String(40))  # a region code of data/regions.yaml
    last_node: Mapped[str | None] = mapped_column(String(80))  # "flow.node": the answer heard last
    last_topic: Mapped[str | None] = mapped_column(String(40))  # its topic (the offices of a region)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def preference(number: str | None) -> CallerPreference | None:
    """Everything remembered about ``number`` (one read by primary key), or None."""
    return db.session.get(CallerPreference, number) if number is not None else None


def saved_language(number: str | None) -> str | None:
    """The language this number chose before, if any."""
    found = preference(number)
    return found.language if found else None


def saved_region(number: str | None) -> str | None:
    """The region this number chose before, if any."""
    found = preference(number)
    return found.region if found else None


def _remember(number: str | None, lang: str, **values) -> None:
    """Upsert ``values`` for ``number``; a new row takes ``lang`` as its language."""
    if number is None:
        return
    now = utcnow()
    statement = insert_for(CallerPreference).values(**{"number": number, "language": lang, **values, "updated_at": now})
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["number"], set_={**values, "updated_at": statement.excluded.updated_at}))
    found = db.session.identity_map.get(db.session.identity_key(CallerPreference, number))
    if found is not None:  # a row read earlier in this request must not hide the write
        db.session.expire(found)


def save_language(number: str | None, lang: str) -> None:
    """Remember ``lang`` for the number (in the request's transaction)."""
    _remember(number, lang, language=lang)


def save_region(number: str | None, region: str, lang: str) -> None:
    """Remember ``region`` for the number (a new row takes ``lang``, the call's language)."""
    _remember(number, lang, region=region)


def save_last(number: str | None, node: str, topic: str | None, lang: str) -> None:
    """Remember the answer the number heard last, and its topic (a region's offices need it)."""
    _remember(number, lang, last_node=node, last_topic=topic)
