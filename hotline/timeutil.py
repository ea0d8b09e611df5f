"""Times are stored as naive UTC; this is the one place that makes them."""

from datetime import datetime, timezone


def utcnow() -> datetime:
    """Now, in UTC, without tzinfo (how every timestamp column stores it)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
