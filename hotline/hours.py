"""Service hours in one time zone, from a setting such as ``mon-sat 09:00-20:00``.

Operators' hours (``OPERATOR_HOURS``) and the callback window (``CALLBACK_HOURS``, read in each
caller's own zone) are the same kind of thing. This module imports nothing of the app's features,
so both the voice menus and the callback dispatcher can use it.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from hotline.config import SettingError
from hotline.directory.loader import expand_days

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class ServiceHours:
    """Days and hours in one time zone, e.g. ``mon-sat 09:00-20:00`` in ``Europe/Moscow``."""

    days: tuple[str, ...]
    opens: str  # "HH:MM"
    closes: str  # "HH:MM", up to "24:00"
    zone: ZoneInfo

    @classmethod
    def parse(cls, text: str, zone: str, setting: str = "OPERATOR_HOURS") -> "ServiceHours":
        example = "'mon-sat 09:00-20:00'"
        try:
            days_text, hours_text = text.split()
            opens, closes = hours_text.split("-")
            days, zone_info = expand_days(days_text), ZoneInfo(zone)
            time.fromisoformat(opens)
        except Exception:
            raise SettingError(f"{setting}={text!r} in {zone!r}: expected e.g. {example} "
                               "and a time zone such as Asia/Bishkek") from None
        if not days or not (len(opens) == len(closes) == 5 and opens < closes <= "24:00"):
            raise SettingError(f"{setting}={text!r}: expected e.g. {example}")
        return cls(tuple(days), opens, closes, zone_info)

    def is_open(self, now: datetime) -> bool:
        """Whether ``now`` (aware) falls inside the hours, in their time zone."""
        local = now.astimezone(self.zone)
        return DAYS[local.weekday()] in self.days and self.opens <= local.strftime("%H:%M") < self.closes

    def next_start(self, at: datetime) -> datetime:
        """``at`` itself when open, else the next opening (aware, in the hours' zone), across
        midnight and days off."""
        local = at.astimezone(self.zone)
        if self.is_open(local):
            return local
        opens = time.fromisoformat(self.opens)
        for days_ahead in range(8):
            day = local.date() + timedelta(days=days_ahead)
            if DAYS[day.weekday()] not in self.days:
                continue
            # a wall time skipped by a clock change does not exist: take the instant it maps to
            start = datetime.combine(day, opens, tzinfo=self.zone).astimezone(timezone.utc).astimezone(self.zone)
            if start > local:
                return start
        raise AssertionError("unreachable: parse() refuses hours without days")
