"""Callback requests: the outbox of calls the hotline owes people (dispatched by Celery)."""

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hotline.extensions import db
from hotline.timeutil import utcnow


class CallbackRequest(db.Model):
    """Someone asked to be called back; one open request per number."""

    __tablename__ = "callback_requests"

    PENDING = "pending"  # waiting for the caller's service window
    SCHEDULED = "scheduled"  # claimed by the dispatcher, a place_callback task is queued
    DIALING = "dialing"  # Twilio has been asked to place the call
    COMPLETED = "completed"  # the call was answered
    NO_ANSWER = "no_answer"  # every attempt went unanswered or busy
    FAILED = "failed"  # the number cannot be called (Twilio refused it)
    CANCELLED = "cancelled"  # withdrawn by the caller (STOP) or an operator
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
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(index=True)  # due requests, by time
    last_error: Mapped[str | None] = mapped_column(Text)
    assigned_to: Mapped[str | None] = mapped_column(String(80))  # operator's login
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        # one open request per number, even when two triggers race
        Index("uq_callback_requests_open_caller", "caller", unique=True,
              sqlite_where=status.in_(OPEN), postgresql_where=status.in_(OPEN)),
    )
