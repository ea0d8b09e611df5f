"""Times on the console's pages: stored as naive UTC, shown on the office's clock (``OPERATOR_TIMEZONE``)."""

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from babel.dates import format_datetime as babel_format
from flask_babel import format_datetime, format_timedelta, get_locale

from hotline.timeutil import utcnow


def local_time(stored: datetime | None, pattern: str = "yyyy-MM-dd HH:mm") -> str:
    """A stored (naive UTC) time on the office's clock; Flask-Babel takes naive times as UTC."""
    return format_datetime(stored, pattern) if stored else ""


def duration(seconds: float | None) -> str:
    """``75`` → ``1:15``; ``3725`` → ``1:02:05``."""
    if seconds is None:
        return ""
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


def office_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["OPERATOR_TIMEZONE"])


def office_today(now: datetime) -> date:
    """The office's date at ``now`` (aware)."""
    return now.astimezone(office_zone()).date()


def office_midnight(day: date) -> datetime:
    """The start of the office's ``day`` as stored times are kept (naive UTC)."""
    return datetime.combine(day, time(), office_zone()).astimezone(timezone.utc).replace(tzinfo=None)


def office_days(first: date, last: date) -> tuple[datetime, datetime]:
    """[start, end) in stored time of the office's days ``first`` to ``last``, both included."""
    return office_midnight(first), office_midnight(last + timedelta(days=1))


def their_time(moment: datetime | None) -> str:
    """An aware time on its own zone's clock, with the weekday in the console's language: ``Sat 21:05``."""
    if moment is None:
        return ""
    return babel_format(moment, "EEE HH:mm", tzinfo=moment.tzinfo, locale=get_locale())


def waited(stored: datetime | None) -> str:
    """How long ago a stored time was, in words of the console's language: ``26 hours``, ``20 minutes``."""
    if stored is None:
        return ""
    return format_timedelta(utcnow() - stored, granularity="minute", threshold=2)


def ago(stored: datetime | None) -> str:
    """``26 hours ago``, in the console's language."""
    if stored is None:
        return ""
    return format_timedelta(stored - utcnow(), granularity="second", threshold=2, add_direction=True)
