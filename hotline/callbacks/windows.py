"""Service windows in the caller's own time: the zone from the number, the hours from settings.

A migrant in Moscow is three hours behind Bishkek, so ``CALLBACK_HOURS`` ("mon-sat 09:00-20:00") is
read in the zone of the caller's number. Every function takes ``now`` (an aware datetime) rather
than reading the clock, so the tests pin instants across zones, midnight and days off.
"""

import functools
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import phonenumbers
from phonenumbers import timezone as number_zones

from hotline.hours import ServiceHours
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


@functools.lru_cache(maxsize=4096)
def caller_timezone(number: str, default: str) -> str:
    """The IANA zone of an E.164 ``number``: +996 → Asia/Bishkek, +7 9xx → Europe/Moscow,
    +7 7xx (Kazakhstan) → Asia/Almaty, others by country; ``default`` when the number says nothing.
    Remembered: parsing a number costs about 200 µs, on a webhook (a CHAL, a check's date)."""
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


def callback_hours(config, zone: str) -> ServiceHours:
    """``CALLBACK_HOURS`` in ``zone`` (SettingError when either cannot be read), parsed once per
    (setting, zone): a CHAL, a missed call and the dispatcher ask for it every time."""
    return _parsed_hours(config["CALLBACK_HOURS"], zone)


@functools.lru_cache(maxsize=256)
def _parsed_hours(spec: str, zone: str) -> ServiceHours:
    return ServiceHours.parse(spec, zone, "CALLBACK_HOURS")


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
