"""Calls and every step a caller takes, so paths and drop-offs can be read later.

Twilio's geography fields (FromCity, FromZip ...) are not stored: the hotline needs the number, the
language and the path, nothing more about where a caller is.
"""

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hotline.extensions import db
from hotline.timeutil import utcnow


class Call(db.Model):
    """One phone call, in or out, keyed by Twilio's CallSid."""

    __tablename__ = "calls"

    # Twilio's status values, as received from the status callback
    QUEUED, RINGING, IN_PROGRESS = "queued", "ringing", "in-progress"  # not over yet
    COMPLETED = "completed"  # answered and ended normally
    BUSY, NO_ANSWER, FAILED, CANCELED = "busy", "no-answer", "failed", "canceled"  # never connected

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)  # CallSid (retries are idempotent)
    direction: Mapped[str] = mapped_column(String(10), default="inbound")  # inbound | outbound
    caller: Mapped[str | None] = mapped_column(String(20), index=True)  # E.164; NULL when withheld
    hotline_number: Mapped[str | None] = mapped_column(String(20))  # the number dialled (To)
    language: Mapped[str | None] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(20), default=IN_PROGRESS)
    duration_seconds: Mapped[int | None] = mapped_column()
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)  # the console lists by day
    ended_at: Mapped[datetime | None] = mapped_column()


class CallEvent(db.Model):
    """One step of a call: the node it was on, the key pressed, what happened, where it went.

    Written in the webhook's own transaction. It refers to the call by CallSid rather than by a
    foreign key: Twilio's status callback can arrive before the call's first webhook, and either
    may make the call's row.
    """

    __tablename__ = "call_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), index=True)  # a call's path, in order
    # the call's step (0: the incoming webhook), carried in each action URL: a Twilio retry of the
    # same step finds its row already there (None: rows from before steps were numbered)
    step: Mapped[int | None] = mapped_column()
    at: Mapped[datetime] = mapped_column(default=utcnow)
    node: Mapped[str] = mapped_column(String(80))  # "flow.node" (drop-off per menu: hotline.voice.report)
    digits: Mapped[str | None] = mapped_column(String(20))
    # start | route | other | no_response | back | operator | language | give_up | dial | record | arrive
    outcome: Mapped[str] = mapped_column(String(20))
    next_node: Mapped[str | None] = mapped_column(String(80))
    detail: Mapped[str | None] = mapped_column(String(200))  # e.g. "topic=legal_aid region=osh"

    __table_args__ = (Index("uq_call_events_call_sid_step", "call_sid", "step", unique=True),)


class Voicemail(db.Model):
    """A message left after the tone; the recording stays at Twilio, we keep its address."""

    __tablename__ = "voicemails"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), index=True)
    caller: Mapped[str | None] = mapped_column(String(20))
    recording_sid: Mapped[str | None] = mapped_column(String(64), unique=True)  # status callbacks repeat
    recording_url: Mapped[str | None] = mapped_column(Text)
    duration_seconds: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
