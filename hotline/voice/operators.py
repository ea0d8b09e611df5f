"""When operators answer: their numbers and service hours, read from settings."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from hotline.directory.loader import expand_days
from hotline.phones import to_e164


class SettingError(ValueError):
    """A setting that cannot be understood; named in the message."""


@dataclass(frozen=True)
class ServiceHours:
    """Days and hours in one time zone, e.g. ``mon-fri 09:00-18:00`` in ``Asia/Bishkek``."""

    days: tuple[str, ...]
    opens: str  # "HH:MM"
    closes: str
    zone: ZoneInfo

    @classmethod
    def parse(cls, text: str, zone: str, setting: str = "OPERATOR_HOURS") -> "ServiceHours":
        try:
            days_text, hours_text = text.split()
            opens, closes = hours_text.split("-")
            days = expand_days(days_text)
            zone_info = ZoneInfo(zone)
        except Exception:
            raise SettingError(f"{setting}={text!r} in {zone!r}: expected e.g. 'mon-fri 09:00-18:00' "
                               "and a time zone such as Asia/Bishkek") from None
        if days is None or not (len(opens) == len(closes) == 5 and opens < closes):
            raise SettingError(f"{setting}={text!r}: expected e.g. 'mon-fri 09:00-18:00'")
        return cls(tuple(days), opens, closes, zone_info)

    def is_open(self, now: datetime) -> bool:
        """Whether ``now`` (an aware datetime) falls inside the hours, in their time zone."""
        local = now.astimezone(self.zone)
        day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[local.weekday()]
        return day in self.days and self.opens <= local.strftime("%H:%M") < self.closes


def operator_numbers(text: str) -> tuple[str, ...]:
    """``"+996555000001, +996555000002"`` → E.164 numbers; SettingError on one that is not a number."""
    numbers = []
    for raw in filter(None, (part.strip() for part in text.split(","))):
        number = to_e164(raw)
        if number is None:
            raise SettingError(f"OPERATOR_NUMBERS: {raw!r} is not a phone number")
        numbers.append(number)
    return tuple(numbers)
