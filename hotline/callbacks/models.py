"""Callback requests: the outbox of calls the hotline owes people (dispatched by Celery).

A request moves pending → scheduled (the dispatcher claimed it and queued a task) → dialing (Twilio
was asked to call) → completed, or back to pending for the next attempt, or to no_answer / failed.
Each call Twilio is asked to make is a :class:`CallbackAttempt`; :class:`DialPacer` spaces the calls
of every worker to the account's calls per second.
"""

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hotline.extensions import db
from hotline.timeutil import utcnow


class CallbackRequest(db.Model):
    """Someone asked to be called back; one open request per number."""

    __tablename__ = "callback_requests"

    PENDING = "pending"  # waiting for its next attempt time, inside the caller's service window
    SCHEDULED = "scheduled"  # claimed by the dispatcher, a place_callback task is queued
    DIALING = "dialing"  # Twilio has been asked to place the call; its status callbacks decide
    COMPLETED = "completed"  # the call was answered
    NO_ANSWER = "no_answer"  # every attempt went unanswered or busy
    FAILED = "failed"  # the number cannot be called (Twilio refused it)
    CANCELLED = "cancelled"  # withdrawn by the caller (STOP) or an operator
    REFUSED = "refused"  # a number the hotline does not call (phones.why_not_served): never dialled
    OPEN = (PENDING, SCHEDULED, DIALING)

    # how the request came
    SOURCES = ("menu", "operator_hours", "sms", "missed_call", "fallback", "operator", "give_up")

    id: Mapped[int] = mapped_column(primary_key=True)
    caller: Mapped[str] = mapped_column(String(20), index=True)  # E.164; one open request per number
    language: Mapped[str | None] = mapped_column(String(2))
    topic: Mapped[str | None] = mapped_column(String(80))  # the topic or menu they asked about
    source: Mapped[str] = mapped_column(String(20))
    call_sid: Mapped[str | None] = mapped_column(String(64))  # the call that asked, if any
    status: Mapped[str] = mapped_column(String(20), default=PENDING, index=True)  # the dispatcher's scan
    attempts: Mapped[int] = mapped_column(default=0)  # calls Twilio was asked to make (the retry ladder)
    next_attempt_at: Mapped[datetime | None] = mapped_column(index=True)  # due requests, by time
    last_error: Mapped[str | None] = mapped_column(Text)  # also why a refused request was refused
    assigned_to: Mapped[str | None] = mapped_column(String(80))  # operator's login
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # -- dispatch (migration cb11bac00001) --
    timezone: Mapped[str | None] = mapped_column(String(40))  # the caller's zone, from the number
    hotline_number: Mapped[str | None] = mapped_column(String(20))  # the number they reached; we call from it
    claimed_until: Mapped[datetime | None] = mapped_column()  # scheduled/dialing: after this the claim is stale
    external_id: Mapped[str | None] = mapped_column(String(64))  # CallSid of the latest outbound call
    dial_errors: Mapped[int] = mapped_column(default=0, server_default="0")  # Twilio errors in a row (backoff)

    calls: Mapped[list["CallbackAttempt"]] = relationship(
        back_populates="request", order_by="CallbackAttempt.id", passive_deletes=True)

    __table_args__ = (
        # one open request per number, even when two triggers race
        Index("uq_callback_requests_open_caller", "caller", unique=True,
              sqlite_where=status.in_(OPEN), postgresql_where=status.in_(OPEN)),
        # the dispatcher: pending requests whose time has come, oldest first
        Index("ix_callback_requests_due", "status", "next_attempt_at"),
    )


class CallbackAttempt(db.Model):
    """One call Twilio was asked to place for a request, and how it ended."""

    __tablename__ = "callback_attempts"

    REQUESTED = "requested"  # we are asking Twilio (or asked, and the answer was lost)
    ERROR = "error"  # Twilio did not take the call (5xx, connection refused): not counted
    REFUSED = "refused"  # Twilio refused the number (4xx): the request failed
    LOST = "lost"  # no final status arrived before the claim ran out
    # otherwise Twilio's CallStatus: queued, ringing, in-progress, completed, busy, no-answer, failed, canceled

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("callback_requests.id", ondelete="CASCADE"), index=True)  # a request's history
    number: Mapped[int] = mapped_column()  # the request's attempt count when this call was asked for
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)  # CallSid
    status: Mapped[str] = mapped_column(String(20), default=REQUESTED)
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column()
    duration_seconds: Mapped[int | None] = mapped_column()

    request: Mapped[CallbackRequest] = relationship(back_populates="calls")


class DialPacer(db.Model):
    """The next free dialing slot of a Twilio account, shared by every worker (see ``pacer.py``)."""

    __tablename__ = "dial_pacers"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # the Twilio account SID
    next_slot: Mapped[float] = mapped_column(Float)  # Unix time of the first slot nobody holds
