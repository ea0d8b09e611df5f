"""Service windows in the caller's own time: the zone from the number, the hours from settings.

A migrant in Moscow is three hours behind Bishkek, so ``CALLBACK_HOURS`` ("mon-sat 09:00-20:00") is
read in the zone of the caller's number. Every function takes ``now`` (an aware datetime) rather
than reading the clock, so the tests pin instants across zones, midnight and days off.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import phonenumbers
from phonenumbers import timezone as number_zones

from hotline.directory.loader import expand_days

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: Countries whose numbers do not say which of their zones they are in: the zone most callers are
#: in. Russian mobiles carry no region (+7 9xx is any of 11 zones); most migrants work in Moscow.
COUNTRY_ZONES = {
    "RU": "Europe/Moscow",
    "KZ": "Asia/Almaty",  # one zone (UTC+5) since March 2024
    "US": "America/New_York",
    "CA": "America/Toronto",
    "GB": "Europe/London",
    "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo",
    "MX": "America/Mexico_City",
    "ID": "Asia/Jakarta",
}
UNKNOWN_ZONE = "Etc/Unknown"  # phonenumbers' answer when it has no idea
SEASONS = (datetime(2026, 1, 15, tzinfo=timezone.utc), datetime(2026, 7, 15, tzinfo=timezone.utc))
SOON = timedelta(minutes=5)  # within this, "we will call you soon"


class HoursError(ValueError):
    """``CALLBACK_HOURS`` or a time zone that cannot be read; the message names the setting."""


@dataclass(frozen=True)
class Window:
    """Days and hours in one time zone, e.g. ``mon-sat 09:00-20:00`` in ``Europe/Moscow``."""

    days: tuple[str, ...]
    opens: str  # "HH:MM"
    closes: str  # "HH:MM", up to "24:00"
    zone: ZoneInfo

    @classmethod
    def parse(cls, text: str, zone: str, setting: str = "CALLBACK_HOURS") -> "Window":
        try:
            days_text, hours_text = text.split()
            opens, closes = hours_text.split("-")
            days, zone_info = expand_days(days_text), ZoneInfo(zone)
            time.fromisoformat(opens)
        except Exception:
            raise HoursError(f"{setting}={text!r} in {zone!r}: expected e.g. 'mon-sat 09:00-20:00' "
                             "and a time zone such as Asia/Bishkek") from None
        if not days or not (len(opens) == len(closes) == 5 and opens < closes <= "24:00"):
            raise HoursError(f"{setting}={text!r}: expected e.g. 'mon-sat 09:00-20:00'")
        return cls(tuple(days), opens, closes, zone_info)

    def is_open(self, now: datetime) -> bool:
        """Whether ``now`` (aware) falls inside the hours, in the window's zone."""
        local = now.astimezone(self.zone)
        return DAYS[local.weekday()] in self.days and self.opens <= local.strftime("%H:%M") < self.closes

    def next_start(self, at: datetime) -> datetime:
        """``at`` itself when open, else the next opening (aware, in the window's zone), across
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
        raise AssertionError("unreachable: parse() refuses a window without days")


def caller_timezone(number: str, default: str) -> str:
    """The IANA zone of an E.164 ``number``: +996 → Asia/Bishkek, +7 9xx → Europe/Moscow,
    +7 7xx (Kazakhstan) → Asia/Almaty, others by country; ``default`` when the number says nothing."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return default
    zones = [z for z in number_zones.time_zones_for_number(parsed) if z != UNKNOWN_ZONE]
    if len(zones) == 1:
        return zones[0]
    preferred = COUNTRY_ZONES.get(phonenumbers.region_code_for_number(parsed))
    if preferred and (preferred in zones or not zones):
        return preferred
    # zones that keep the same time all year are as good as one (Guernsey, Jersey, London)
    if zones and len({tuple(m.astimezone(ZoneInfo(z)).utcoffset() for m in SEASONS) for z in zones}) == 1:
        return zones[0]
    return default


def callback_hours(config, zone: str) -> Window:
    """``CALLBACK_HOURS`` in ``zone`` (HoursError when either cannot be read)."""
    return Window.parse(config["CALLBACK_HOURS"], zone)


def next_window_start(hours: Window, at: datetime) -> datetime:
    """See :meth:`Window.next_start`."""
    return hours.next_start(at)


def when(expected: datetime, now: datetime) -> str:
    """How to tell the caller when to expect the call: ``soon``, ``today``, ``tomorrow`` or
    ``later`` (judged in the zone of ``expected``)."""
    if expected - now <= SOON:
        return "soon"
    days = (expected.date() - now.astimezone(expected.tzinfo).date()).days
    return "today" if days <= 0 else "tomorrow" if days == 1 else "later"


def to_utc_naive(moment: datetime) -> datetime:
    """How the columns store times (naive UTC)."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def as_utc(stored: datetime) -> datetime:
    """A stored naive-UTC time as an aware one."""
    return stored.replace(tzinfo=timezone.utc)
