"""When to expect a call back, in words: "soon", or "tomorrow 09:00–20:00".

Callbacks are placed within ``CALLBACK_HOURS`` in the caller's own time zone. A number whose
country has one time zone (+996) gets the hours in it; a Russian or Kazakh mobile number has many,
so the hours are given in ``CALLBACK_DEFAULT_TIMEZONE`` and the reply says so.
"""

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import phonenumbers
from phonenumbers import timezone as phone_zones

from hotline.sms.texts import SmsTexts
from hotline.voice.operators import ServiceHours

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class CallbackPromise:
    """Says when the hotline will call back, in the caller's language."""

    def __init__(self, hours: ServiceHours, texts: SmsTexts):
        self.hours, self.texts = hours, texts

    def hours_for(self, number: str) -> tuple[ServiceHours, bool]:
        """The service hours in the number's time zone, and whether that zone had to be guessed."""
        try:
            zones = phone_zones.time_zones_for_number(phonenumbers.parse(number))
        except phonenumbers.NumberParseException:
            zones = ()
        if len(zones) == 1 and zones[0] != phone_zones.UNKNOWN_TIMEZONE:
            return replace(self.hours, zone=ZoneInfo(zones[0])), False
        return self.hours, True

    def text(self, number: str, lang: str, now: datetime) -> str:
        """"Жакын арада чалабыз." when the window is open now, else the next window in words.

        ``now`` is naive UTC, as every timestamp in the database.
        """
        hours, guessed = self.hours_for(number)
        now = now.replace(tzinfo=timezone.utc)
        if hours.is_open(now):
            return self.texts.get(lang, "callback_soon")
        local = now.astimezone(hours.zone)
        for ahead in range(8):
            day = local + timedelta(days=ahead)
            if DAYS[day.weekday()] in hours.days and (ahead or local.strftime("%H:%M") < hours.opens):
                break
        else:  # no day at all (cannot happen with valid hours): say "soon" rather than nothing
            return self.texts.get(lang, "callback_soon")
        if ahead < 2:
            when = self.texts.get(lang, "today" if ahead == 0 else "tomorrow")
        else:
            when = self.texts.items(lang, "on_weekdays")[day.weekday()]
        text = self.texts.get(lang, "callback_later", day=when, opens=hours.opens, closes=hours.closes)
        text = text[0].upper() + text[1:]
        if guessed:
            text += " " + self.texts.get(lang, "callback_bishkek_time")
        return text
