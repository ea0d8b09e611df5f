"""Service windows in the caller's time: zones from numbers, the next opening across midnight,
days off and clock changes. Fixed instants, passed in (2026-03-02 is a Monday)."""

from datetime import datetime, timezone

import pytest

from hotline.callbacks.windows import caller_timezone, when
from hotline.hours import ServiceHours, SettingError

HOURS = "mon-sat 09:00-20:00"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


@pytest.mark.parametrize(("number", "zone"), [
    ("+79261234567", "Europe/Moscow"),  # Russian mobile: no region in the number, Moscow by default
    ("+79991234567", "Europe/Moscow"),
    ("+74951234567", "Europe/Moscow"),  # Moscow landline
    ("+73832123456", "Asia/Novosibirsk"),  # a landline says where it is
    ("+77011234567", "Asia/Almaty"),  # +7 7xx is Kazakhstan
    ("+77172123456", "Asia/Almaty"),
    ("+996555123456", "Asia/Bishkek"),
    ("+996312626210", "Asia/Bishkek"),
    ("+998901234567", "Asia/Tashkent"),
    ("+12125551234", "America/New_York"),
    ("+61412345678", "Australia/Sydney"),  # a mobile of a country with many zones
    ("+4915112345678", "Europe/Berlin"),
    ("+88234", "Asia/Bishkek"),  # international networks: no zone, the default
    ("not a number", "Asia/Bishkek"),
])
def test_zone_from_the_number(number, zone):
    assert caller_timezone(number, default="Asia/Bishkek") == zone


@pytest.mark.parametrize(("zone", "at", "expected"), [
    # Monday 11:00 in Bishkek: open, call now
    ("Asia/Bishkek", "2026-03-02T05:00", "2026-03-02T05:00"),
    # Monday 20:30 in Bishkek: closed, Tuesday 09:00 Bishkek
    ("Asia/Bishkek", "2026-03-02T14:30", "2026-03-03T03:00"),
    # the same instant is 17:30 in Moscow: open there
    ("Europe/Moscow", "2026-03-02T14:30", "2026-03-02T14:30"),
    # Monday 07:00 in Moscow: later today at 09:00 Moscow
    ("Europe/Moscow", "2026-03-02T04:00", "2026-03-02T06:00"),
    # exactly at opening is open; exactly at closing is closed
    ("Asia/Bishkek", "2026-03-03T03:00", "2026-03-03T03:00"),
    ("Asia/Bishkek", "2026-03-03T14:00", "2026-03-04T03:00"),
    # Saturday 18:30 UTC is already Sunday 00:30 in Bishkek (a day off): Monday 09:00
    ("Asia/Bishkek", "2026-03-07T18:30", "2026-03-09T03:00"),
    # ... but still Saturday 21:30 in Moscow, after hours: Sunday off, so Monday 09:00 Moscow
    ("Europe/Moscow", "2026-03-07T18:30", "2026-03-09T06:00"),
    # Sunday midday in Almaty (UTC+5): Monday 09:00
    ("Asia/Almaty", "2026-03-08T07:00", "2026-03-09T04:00"),
    # Saturday night in New York, before the clocks go forward on Sunday: Monday 09:00 is EDT (UTC-4)
    ("America/New_York", "2026-03-08T02:00", "2026-03-09T13:00"),
])
def test_next_window_start(zone, at, expected):
    start = ServiceHours.parse(HOURS, zone, "CALLBACK_HOURS").next_start(utc(at))
    assert start.astimezone(timezone.utc) == utc(expected)
    assert start.tzinfo is not None and str(start.tzinfo) == zone  # said to the caller in their time


def test_a_window_that_opens_later_in_the_week():
    hours = ServiceHours.parse("sat 10:00-12:00", "Asia/Bishkek", "CALLBACK_HOURS")
    # Saturday 12:30 → next Saturday 10:00, seven days on
    assert hours.next_start(utc("2026-03-07T06:30")) == utc("2026-03-14T04:00")


@pytest.mark.parametrize(("expected", "now", "word"), [
    ("2026-03-02T05:00", "2026-03-02T05:00", "soon"),
    ("2026-03-02T06:00", "2026-03-02T04:00", "today"),  # 07:00 → 09:00 Moscow
    ("2026-03-03T03:00", "2026-03-02T14:30", "tomorrow"),  # 20:30 → 09:00 Bishkek
    ("2026-03-09T03:00", "2026-03-07T18:30", "tomorrow"),  # Sunday 00:30 Bishkek → Monday
    ("2026-03-09T06:00", "2026-03-07T18:30", "later"),  # Saturday 21:30 Moscow → Monday
])
def test_when_is_judged_in_the_callers_zone(expected, now, word):
    zone = "Europe/Moscow" if expected.endswith("06:00") else "Asia/Bishkek"
    local = ServiceHours.parse(HOURS, zone, "CALLBACK_HOURS").zone
    assert when(utc(expected).astimezone(local), utc(now)) == word


@pytest.mark.parametrize("text", ["", "mon-sat", "mon-sat 20:00-09:00", "mon-sat 9-20", "sat-mon 09:00-20:00",
                                  "mon-sat 09:00-25:00"])
def test_unreadable_hours_are_refused(text):
    with pytest.raises(SettingError, match="CALLBACK_HOURS"):
        ServiceHours.parse(text, "Asia/Bishkek", "CALLBACK_HOURS")


def test_an_unknown_zone_is_refused():
    with pytest.raises(SettingError, match="Mars/Olympus"):
        ServiceHours.parse(HOURS, "Mars/Olympus", "CALLBACK_HOURS")
