"""The statements an SMS makes on the request path: one read, and the writes a person waits on.

Reading: :func:`load_conversation` is one ``SELECT`` (:class:`~hotline.fastsql.FastRead`: one
round trip, no ``BEGIN``/``ROLLBACK``): the conversation, and whether this MessageSid is already
logged (the language the number chose is held in memory). Everything else about an ordinary
message is written later, in batches (:mod:`hotline.sms.log`). What a person is told has happened
(STOP, START, TIL, CHAL) is committed here, before the reply says so.
"""

from flask import current_app
from sqlalchemy import DateTime, String, bindparam, delete, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.sql import Select

from hotline.callbacks.models import CallbackRequest
from hotline.extensions import db
from hotline.messaging.models import SmsMessage, SmsOptOut
from hotline.sms.conversation import Conversation, Menu
from hotline.sms.models import SmsConversation
from hotline.fastsql import FastRead, FastWrite
from hotline.timeutil import utcnow
from hotline.upsert import insert_for

#: Open callback requests a STOP withdraws; one being dialled is left to finish.
CANCELLED_BY_STOP = (CallbackRequest.PENDING, CallbackRequest.SCHEDULED)


def conversation_query() -> Select:
    """The conversation with ``:number`` and the log id of ``:sid`` (if any): always exactly one row,
    even for a number never seen."""
    me = select(bindparam("number", type_=String).label("number")).subquery("me")
    conversation = SmsConversation.__table__
    logged = select(SmsMessage.id).where(SmsMessage.external_id == bindparam("sid", type_=String))
    # the columns a Conversation holds: not the number (asked for) nor updated_at, whose values
    # would only be converted (a date parsed, on SQLite) to be thrown away
    read = [column for column in conversation.columns if column.key not in ("number", "updated_at")]
    return (
        select(*read, logged.scalar_subquery().label("logged_id"))
        .select_from(me)
        .outerjoin(conversation, conversation.c.number == me.c.number)
    )


def load_conversation(reader: FastRead, engine: Engine, number: str, sid: str) -> Conversation:
    """The conversation with ``number`` as message ``sid`` finds it: one statement, one round trip.
    The language the number chose (TIL, or on a call) is held in memory (:mod:`hotline.voice.languages`)."""
    row = reader.one(engine, {"number": number, "sid": sid})
    preferred = current_app.extensions["caller_languages"].get(engine, number)
    return Conversation(
        number=number, script=row["script"], language=row["language"], preferred=preferred,
        region=row["region"], place=row["place"], menu=Menu.from_json(row["menu"]), menu_at=row["menu_at"],
        last_command=row["last_command"], check_rule=row["check_rule"], check_answers=row["check_answers"],
        last_sid=row["last_sid"], last_reply=row["last_reply"],
        window_started_at=row["window_started_at"], replies=row["replies"] or 0, logged_id=row["logged_id"],
    )


def logged_reply(caller: str, inbound_id: int) -> tuple[bool, str | None]:
    """For a retried message already in the log: whether it was answered, and with what."""
    body = db.session.scalar(select(SmsMessage.body).where(
        SmsMessage.caller == caller, SmsMessage.reply_to_id == inbound_id,
        SmsMessage.direction == SmsMessage.OUTBOUND).order_by(SmsMessage.id).limit(1))
    return body is not None, body


def _opt_out_insert(engine: Engine):
    values = {"number": bindparam("number", type_=String), "created_at": bindparam("now", type_=DateTime)}
    return insert_for(SmsOptOut, engine).values(values).on_conflict_do_nothing(index_elements=["number"])


def _callbacks_withdrawn(engine: Engine):
    # "=" for each status rather than IN: an IN list is expanded per execution, not compiled once
    return (update(CallbackRequest)
            .where(CallbackRequest.caller == bindparam("number", type_=String),
                   or_(*(CallbackRequest.status == status for status in CANCELLED_BY_STOP)))
            .values(status=CallbackRequest.CANCELLED, updated_at=bindparam("now", type_=DateTime)))


def _opt_out_delete(engine: Engine):
    return delete(SmsOptOut).where(SmsOptOut.number == bindparam("number", type_=String))


class Promises:
    """The writes a reply tells the person about, committed before the reply is sent.

    One kept connection and statements compiled once, like the read (see :mod:`hotline.fastsql`):
    a STOP costs one transaction, not an ORM session.
    """

    def __init__(self):
        self._opt_out = FastWrite(_opt_out_insert, _callbacks_withdrawn)
        self._opt_in = FastWrite(_opt_out_delete)

    def opt_out(self, number: str) -> bool:
        """Record the opt-out and withdraw open callback requests; returns whether one was withdrawn."""
        values = {"number": number, "now": utcnow()}
        _, withdrawn = self._opt_out.run(db.engine, values, values)
        return withdrawn > 0

    def opt_in(self, number: str) -> None:
        """Remove the opt-out (nothing happens when there was none)."""
        self._opt_in.run(db.engine, {"number": number})

    def save_language(self, number: str, language: str) -> None:
        """Remember the language for the number: the voice menus read the same row."""
        current_app.extensions["caller_languages"].save(db.engine, number, language)
