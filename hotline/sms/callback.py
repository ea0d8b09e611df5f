"""When to expect a call back, in words: "soon", or "tomorrow 09:00–20:00".

The time comes from :func:`hotline.callbacks.requests.request_callback`, which also decides when the
dispatcher will call: ``CALLBACK_HOURS`` in the zone of the caller's number. A number whose country
has several zones (a Russian mobile) is called in the zone most callers are in, so the reply names
that zone rather than leave the person to guess.
"""

import functools

import phonenumbers
from flask import current_app
from phonenumbers import timezone as phone_zones

from hotline.callbacks.requests import BUSY, CAPPED, REFUSED, CallbackResult
from hotline.callbacks.windows import callback_hours
from hotline.sms.texts import SmsTexts

#: Zones a reply can name, by the key of their words in data/sms_replies.yaml.
ZONE_NOTES = {"Asia/Bishkek": "callback_bishkek_time", "Europe/Moscow": "callback_moscow_time"}
#: Why no call is coming, by the outcome of the request: the key of its words.
REFUSALS = {CAPPED: "callback_capped", BUSY: "callback_busy", REFUSED: "callback_not_served"}


class CallbackPromise:
    """Says what became of a CHAL, in the caller's language."""

    def __init__(self, texts: SmsTexts):
        self.texts = texts

    def text(self, result: CallbackResult, number: str, lang: str) -> str:
        """Recorded (or already there), then when; or why no call is coming (the number's daily cap,
        the hourly cap for all, or a number the hotline does not call).

        ``result.expected_at`` is in the caller's zone.
        """
        if result.outcome in REFUSALS:
            return self.texts.get(lang, REFUSALS[result.outcome])
        first = self.texts.get(lang, "callback_new" if result.created else "callback_exists")
        return f"{first} {self._when(result, number, lang)}"

    def _when(self, result: CallbackResult, number: str, lang: str) -> str:
        """The request's own ``when`` (soon, today, tomorrow, later) in words, with the hours."""
        expected = result.expected_at
        if result.when == "soon":
            return self.texts.get(lang, "callback_soon")
        if result.when in ("today", "tomorrow"):
            day = self.texts.get(lang, result.when)
        else:
            day = self.texts.items(lang, "on_weekdays")[expected.weekday()]
        hours = callback_hours(current_app.config, str(expected.tzinfo))
        text = self.texts.get(lang, "callback_later", day=day, opens=hours.opens, closes=hours.closes)
        text = text[0].upper() + text[1:]
        note = ZONE_NOTES.get(str(expected.tzinfo))
        if note and not _single_zone(number):
            text += " " + self.texts.get(lang, note)
        return text


@functools.lru_cache(maxsize=4096)
def _single_zone(number: str) -> bool:
    """Whether the number's country keeps one time (+996): then its hours need no zone named."""
    try:
        zones = phone_zones.time_zones_for_number(phonenumbers.parse(number))
    except phonenumbers.NumberParseException:
        return False
    return len(zones) == 1 and zones[0] != phone_zones.UNKNOWN_TIMEZONE
