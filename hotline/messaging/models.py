"""SMS messages in both directions: what came in, what went out, and what each cost."""

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hotline.extensions import db
from hotline.timeutil import utcnow


class SmsMessage(db.Model):
    """One SMS. Inbound rows are keyed by Twilio's MessageSid; outbound rows get theirs on sending."""

    __tablename__ = "sms_messages"

    INBOUND, OUTBOUND = "inbound", "outbound"
    PENDING = "pending"  # outbound, in our outbox, not yet handed to Twilio (the send task's claim)
    SENDING = "sending"  # claimed by a send task, or handed to Twilio and waiting for its status
    QUEUED, SENT, DELIVERED = "queued", "sent", "delivered"  # Twilio's statuses
    UNDELIVERED, FAILED = "undelivered", "failed"  # Twilio's failures, or our send failed for good
    RECEIVED = "received"  # inbound
    UNMATCHED = "unmatched"  # inbound that matched no command or open menu (answered with the command list)
    CAPPED = "capped"  # inbound past SMS_REPLIES_PER_HOUR: the limit notice, or no reply at all
    REPLIED = "replied"  # outbound, sent as the TwiML answer to an inbound message (no status callback)
    REFUSED = "refused"  # outbound to a number the hotline does not text (phones.why_not_served): never sent

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)  # MessageSid
    direction: Mapped[str] = mapped_column(String(10))
    caller: Mapped[str] = mapped_column(String(20), index=True)  # the person's number (E.164)
    hotline_number: Mapped[str | None] = mapped_column(String(20))  # our number
    body: Mapped[str] = mapped_column(Text)
    normalized: Mapped[str | None] = mapped_column(Text)  # inbound: the text as matched
    command: Mapped[str | None] = mapped_column(String(40))  # inbound: the command it matched
    encoding: Mapped[str | None] = mapped_column(String(8))  # GSM-7 | UCS-2
    segments: Mapped[int | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(20))
    error: Mapped[str | None] = mapped_column(Text)  # also why a refused message was refused
    call_sid: Mapped[str | None] = mapped_column(String(64))  # outbound from a call's "press 1 for SMS"
    reply_to_id: Mapped[int | None] = mapped_column()  # outbound reply to this inbound row
    # indexed for the unmatched messages only (flask report unmatched): nothing else reads by time
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        # the outbox: the few messages still waiting to be sent, for the sweeper (queued_ids); the
        # log's other rows, two for every SMS answered, never enter it
        Index("ix_sms_messages_outbox", "id", sqlite_where=(status == PENDING) & (direction == OUTBOUND),
              postgresql_where=(status == PENDING) & (direction == OUTBOUND)),
        Index("ix_sms_messages_unmatched", "created_at", sqlite_where=status == UNMATCHED,
              postgresql_where=status == UNMATCHED),
    )


class SmsOptOut(db.Model):
    """A number that texted STOP (ТОКТОТ, СТОП): no outbound SMS until it texts START (БАШТА)."""

    __tablename__ = "sms_opt_outs"

    number: Mapped[str] = mapped_column(String(20), primary_key=True)  # E.164
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
