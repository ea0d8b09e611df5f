"""What an SMS reads and writes, on ``db.session``; the webhook commits it all before it answers.

One message is one transaction:

1. :func:`lock_conversation`: ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` the number's row. It is
   the message's first statement, so it holds the number's row lock on PostgreSQL (SQLite's one
   write lock) until the commit: a second message from the same number, on another process or
   machine, waits for this one and then reads what it left (an open menu, a pending question, the
   flood counter). A lock rather than a version column, because the loser of a compare-and-set
   would have to be answered again from the start, and a lock makes it simply wait its turn.
2. :func:`earlier_reply`: a Twilio retry (its MessageSid is in the log) gets the reply it got.
3. The answer, and what it promises (an opt-out, a language, a callback request).
4. :func:`record_message`: the message and its reply; :func:`save_conversation`: the state after it.
"""

from sqlalchemy import delete, select, update

from hotline.callbacks.models import CallbackRequest
from hotline.extensions import db
from hotline.messaging.models import SmsMessage, SmsOptOut
from hotline.sms.conversation import Update
from hotline.sms.models import SmsConversation
from hotline.timeutil import utcnow
from hotline.upsert import insert_for

#: Open callback requests a STOP withdraws; one being dialled is left to finish.
CANCELLED_BY_STOP = (CallbackRequest.PENDING, CallbackRequest.SCHEDULED)


def lock_conversation(number: str) -> SmsConversation:
    """The number's conversation row (made if new), locked until the transaction ends."""
    statement = insert_for(SmsConversation).values(number=number, replies=0, updated_at=utcnow())
    statement = statement.on_conflict_do_update(index_elements=["number"], set_={"number": statement.excluded.number})
    return db.session.scalars(statement.returning(SmsConversation),
                              execution_options={"populate_existing": True}).one()


def earlier_reply(sid: str, caller: str) -> tuple[bool, str | None]:
    """Whether message ``sid`` is in the log already (a Twilio retry), and the reply it got (None: none)."""
    inbound = db.session.scalar(select(SmsMessage.id).where(SmsMessage.external_id == sid))
    if inbound is None:
        return False, None
    reply = db.session.scalar(select(SmsMessage.body).where(  # by caller: the index the log has
        SmsMessage.caller == caller, SmsMessage.reply_to_id == inbound,
        SmsMessage.direction == SmsMessage.OUTBOUND).order_by(SmsMessage.id).limit(1))
    return True, reply


def record_message(inbound: SmsMessage, reply: SmsMessage | None) -> None:
    """The message and its reply (linked to it), into the log."""
    db.session.add(inbound)
    if reply is not None:
        db.session.flush()  # the message's id, for its reply's link
        reply.reply_to_id = inbound.id
        db.session.add(reply)


def save_conversation(row: SmsConversation, update: Update) -> None:
    """The conversation as the message leaves it (written at the commit, under the row's lock)."""
    for name, value in update.row().items():
        setattr(row, name, value)


def opt_out(number: str) -> bool:
    """Record the opt-out and withdraw open callback requests; returns whether one was withdrawn."""
    now = utcnow()
    db.session.execute(insert_for(SmsOptOut).values(number=number, created_at=now)
                       .on_conflict_do_nothing(index_elements=["number"]))
    withdrawn = db.session.execute(
        update(CallbackRequest)
        .where(CallbackRequest.caller == number, CallbackRequest.status.in_(CANCELLED_BY_STOP))
        .values(status=CallbackRequest.CANCELLED, updated_at=now)
        .execution_options(synchronize_session=False))
    return withdrawn.rowcount > 0


def opt_in(number: str) -> None:
    """Remove the opt-out (nothing happens when there was none)."""
    db.session.execute(delete(SmsOptOut).where(SmsOptOut.number == number))
