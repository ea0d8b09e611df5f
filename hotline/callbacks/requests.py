"""Recording a callback request: one open request per number, a daily cap, and when to expect it.

Only an explicit trigger calls :func:`request_callback` (a key pressed, ``CHAL`` texted, a missed
call to the callback number): a shared or borrowed phone is never rung because it once called the
main number. The web code only writes the row; the dispatcher (``dispatch.py``) finds it.
"""

from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from hotline.callbacks.models import CallbackRequest
from hotline.callbacks.windows import (
    as_utc, callback_hours, caller_timezone, to_utc_naive, when,
)
from hotline.extensions import db

CREATED, REFRESHED, CAPPED = "created", "refreshed", "capped"


@dataclass(frozen=True)
class CallbackResult:
    """What became of a trigger. Unpacks as ``request, created`` (the original return value).

    ``request`` is None when the daily cap refused a new one; ``expected_at`` is when the call should
    come, in the caller's time zone (None when capped); ``when`` says it in words for the prompts.
    """

    request: CallbackRequest | None
    outcome: str  # created | refreshed | capped
    expected_at: datetime | None
    when: str | None  # soon | today | tomorrow | later

    @property
    def created(self) -> bool:
        return self.outcome == CREATED

    @property
    def prompts(self) -> tuple[str, ...]:
        """What the voice channel says about it: accepted (or already there), then when."""
        if self.outcome == CAPPED:
            return ("callback.capped",)
        first = "callback.recorded" if self.created else "callback.refreshed"
        return (first, f"callback.when.{self.when}")

    def __iter__(self):
        return iter((self.request, self.created))


def request_callback(caller: str, *, source: str, language: str | None = None, topic: str | None = None,
                     call_sid: str | None = None, hotline_number: str | None = None,
                     now: datetime | None = None) -> CallbackResult:
    """Record that ``caller`` (E.164) wants a call back. Commits, because the caller is told right after.

    An open request for the number is refreshed (topic, language), not duplicated. Without one, a
    new request is created unless ``CALLBACK_DAILY_CAP`` requests were already created today in the
    caller's time zone. ``hotline_number`` is the number they reached (the call comes from it when
    ``TWILIO_CALLER_ID`` is not set).
    """
    if source not in CallbackRequest.SOURCES:
        raise ValueError(f"unknown callback source {source!r}")
    now = now or datetime.now(timezone.utc)
    config = current_app.config
    zone = caller_timezone(caller, config["CALLBACK_DEFAULT_TIMEZONE"])
    hours = callback_hours(config, zone)
    existing = _open_request(caller)
    if existing is None:
        if created_today(caller, now.astimezone(hours.zone)) >= config["CALLBACK_DAILY_CAP"]:
            return CallbackResult(None, CAPPED, None, None)
        start = hours.next_start(now)
        request = CallbackRequest(caller=caller, source=source, language=language, topic=topic,
                                  call_sid=call_sid, hotline_number=hotline_number, timezone=zone,
                                  next_attempt_at=to_utc_naive(start), created_at=to_utc_naive(now))
        db.session.add(request)
        try:
            db.session.commit()
            return CallbackResult(request, CREATED, start, when(start, now))
        except IntegrityError:  # another trigger for the same number won the race
            db.session.rollback()
            existing = _open_request(caller)
            if existing is None:  # ... and was already dealt with: ask the caller again
                raise
    existing.topic = topic or existing.topic
    existing.language = language or existing.language
    existing.hotline_number = existing.hotline_number or hotline_number
    db.session.commit()
    expected = expected_at(existing, now)
    return CallbackResult(existing, REFRESHED, expected, when(expected, now))


def created_today(caller: str, local_now: datetime) -> int:
    """Requests created for ``caller`` since midnight in ``local_now``'s zone (the daily cap)."""
    since = to_utc_naive(local_now.replace(hour=0, minute=0, second=0, microsecond=0))
    return db.session.scalar(select(func.count(CallbackRequest.id)).where(
        CallbackRequest.caller == caller, CallbackRequest.created_at >= since)) or 0


def expected_at(request: CallbackRequest, now: datetime) -> datetime:
    """When the next call should come, in the caller's zone (now, if it is already due or under way)."""
    zone = ZoneInfo(request.timezone or current_app.config["CALLBACK_DEFAULT_TIMEZONE"])
    due = as_utc(request.next_attempt_at) if request.next_attempt_at else now
    return max(due, now).astimezone(zone)


def _open_request(caller: str) -> CallbackRequest | None:
    return db.session.scalar(select(CallbackRequest).where(
        CallbackRequest.caller == caller, CallbackRequest.status.in_(CallbackRequest.OPEN)))
