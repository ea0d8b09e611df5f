"""Recording a callback request: only numbers the hotline serves, one open request per number, a
daily cap per number and an hourly cap for all, and when to expect the call.

Only an explicit trigger calls :func:`request_callback` (a key pressed, ``CHAL`` texted, a missed
call to the callback number): a shared or borrowed phone is never rung because it once called the
main number. The web code only writes the row, in the webhook's transaction (the webhook commits
before the caller is told); the dispatcher (``dispatch.py``) finds it.

A number the hotline does not call (``hotline.phones.why_not_served``) gets a request already
``refused``, its reason in ``last_error``: never dialled, but the operators see who asked and why
no call came. Otherwise the statements run on ``db.session``: ``UPDATE … RETURNING`` the open
request, else the day's count, the hourly cap's counter and the ``INSERT``. Two triggers for one
number at once cannot both insert: the partial unique index allows one open request per number, and
the loser (inside a savepoint, which takes back its count of the hourly cap) refreshes the winner's
request instead.
"""

from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from hotline import caps
from hotline.callbacks.models import CallbackRequest
from hotline.callbacks.windows import as_utc, callback_hours, caller_timezone, to_utc_naive, when
from hotline.extensions import db
from hotline.phones import why_not_served

CREATED, REFRESHED = "created", "refreshed"
CAPPED = "capped"  # the number's CALLBACK_DAILY_CAP
BUSY = "busy"  # CALLBACK_HOURLY_CAP, all numbers together
REFUSED = "refused"  # a number the hotline does not call
#: what the voice channel says when no call is coming
REFUSAL_PROMPTS = {CAPPED: "callback.capped", BUSY: "callback.busy", REFUSED: "callback.cannot_call"}


@dataclass(frozen=True)
class CallbackResult:
    """What became of a trigger. Unpacks as ``request, created`` (the original return value).

    ``request_id`` is None when no call is coming: a cap refused a new request, or the number is one
    the hotline does not call (its row is written ``refused``, for the operators); ``request`` loads
    the row. ``expected_at`` is when the call should come, in the caller's time zone (None when none
    is); ``when`` says it in words for the prompts.
    """

    request_id: int | None
    outcome: str  # created | refreshed | capped | busy | refused
    expected_at: datetime | None
    when: str | None  # soon | today | tomorrow | later

    @property
    def request(self) -> CallbackRequest | None:
        """The request's row as it is now (the webhooks never need it: no ORM on their path)."""
        if self.request_id is None:
            return None
        return db.session.get(CallbackRequest, self.request_id, populate_existing=True)

    @property
    def created(self) -> bool:
        return self.outcome == CREATED

    @property
    def prompts(self) -> tuple[str, ...]:
        """What the voice channel says about it: accepted (or already there), then when; or why not."""
        if self.outcome in REFUSAL_PROMPTS:
            return (REFUSAL_PROMPTS[self.outcome],)
        first = "callback.recorded" if self.created else "callback.refreshed"
        return (first, f"callback.when.{self.when}")

    def __iter__(self):
        return iter((self.request, self.created))


def request_callback(caller: str, *, source: str, language: str | None = None, topic: str | None = None,
                     call_sid: str | None = None, hotline_number: str | None = None,
                     now: datetime | None = None) -> CallbackResult:
    """Record that ``caller`` (E.164) wants a call back, in the session's transaction (the webhook
    commits it before the caller is told).

    A number outside ``CALLBACK_COUNTRIES``, or not a mobile or fixed line, is refused (a request
    written ``refused`` with the reason). An open request for the number is refreshed (topic,
    language), not duplicated. Without one, a new request is created unless ``CALLBACK_DAILY_CAP``
    requests were already created today in the caller's time zone, or ``CALLBACK_HOURLY_CAP`` this
    hour for every number. ``hotline_number`` is the number they reached (the call comes from it
    when ``TWILIO_CALLER_ID`` is not set).
    """
    if source not in CallbackRequest.SOURCES:
        raise ValueError(f"unknown callback source {source!r}")
    now = now or datetime.now(timezone.utc)
    config = current_app.config
    why = why_not_served(caller, config["CALLBACK_COUNTRIES"])
    if why is not None:
        return _refuse(caller, why, source, language, topic, call_sid, hotline_number, now)
    zone = caller_timezone(caller, config["CALLBACK_DEFAULT_TIMEZONE"])
    hours = callback_hours(config, zone)
    start = hours.next_start(now)
    refreshed = _refresh(caller, language, topic, hotline_number, now)
    if refreshed is not None:
        return refreshed
    midnight = now.astimezone(hours.zone).replace(hour=0, minute=0, second=0, microsecond=0)
    made_today = db.session.scalar(select(func.count(CallbackRequest.id)).where(
        CallbackRequest.caller == caller, CallbackRequest.created_at >= to_utc_naive(midnight),
        CallbackRequest.status != CallbackRequest.REFUSED))
    if made_today >= config["CALLBACK_DAILY_CAP"]:
        return CallbackResult(None, CAPPED, None, None)
    request = CallbackRequest(
        caller=caller, source=source, language=language or None, topic=topic or None, call_sid=call_sid,
        hotline_number=hotline_number, timezone=zone, next_attempt_at=to_utc_naive(start),
        status=CallbackRequest.PENDING, attempts=0, dial_errors=0,
        created_at=to_utc_naive(now), updated_at=to_utc_naive(now))
    try:
        with db.session.begin_nested():
            allowed = caps.take("CALLBACK_HOURLY_CAP", now=now)
            if allowed:
                db.session.add(request)
    except IntegrityError:  # another trigger for the number inserted first: refresh its request
        refreshed = _refresh(caller, language, topic, hotline_number, now)
        if refreshed is None:
            raise
        return refreshed
    if not allowed:
        return CallbackResult(None, BUSY, None, None)
    return CallbackResult(request.id, CREATED, start, when(start, now))


def _refuse(caller: str, why: str, source: str, language: str | None, topic: str | None,
            call_sid: str | None, hotline_number: str | None, now: datetime) -> CallbackResult:
    """A request that will never be dialled, written ``refused`` so the operators see who asked and why."""
    request = CallbackRequest(
        caller=caller[:20], source=source, language=language or None, topic=topic or None, call_sid=call_sid,
        hotline_number=hotline_number, status=CallbackRequest.REFUSED, last_error=f"not served: {why}",
        attempts=0, dial_errors=0, created_at=to_utc_naive(now), updated_at=to_utc_naive(now))
    db.session.add(request)
    return CallbackResult(None, REFUSED, None, None)


def _refresh(caller: str, language: str | None, topic: str | None, hotline_number: str | None,
             now: datetime) -> CallbackResult | None:
    """The number's open request with its topic, language and number brought up to date; None if none."""
    c = CallbackRequest
    row = db.session.execute(
        update(c).where(c.caller == caller, c.status.in_(c.OPEN))
        .values(topic=func.coalesce(topic or None, c.topic), language=func.coalesce(language or None, c.language),
                hotline_number=func.coalesce(c.hotline_number, hotline_number), updated_at=to_utc_naive(now))
        .returning(c.id, c.next_attempt_at, c.timezone)
        .execution_options(synchronize_session=False)).first()
    if row is None:
        return None
    expected = expected_at(row.next_attempt_at, row.timezone, now)
    return CallbackResult(row.id, REFRESHED, expected, when(expected, now))


def expected_at(next_attempt_at: datetime | None, zone: str | None, now: datetime) -> datetime:
    """When the next call should come, in the caller's zone (now, if it is already due or under way)."""
    due = as_utc(next_attempt_at) if next_attempt_at else now
    return max(due, now).astimezone(ZoneInfo(zone or current_app.config["CALLBACK_DEFAULT_TIMEZONE"]))
