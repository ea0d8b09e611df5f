"""Phone numbers: E.164 for full numbers, short numbers (111, 1227, 112) kept as dialled."""

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

SHORT_NUMBER = re.compile(r"^\d{2,4}$")


class PhoneError(ValueError):
    """A number that cannot be dialled as written."""


@dataclass(frozen=True)
class ParsedPhone:
    number: str  # "+996312626210" or "111"
    short: bool


def parse_phone(printed: str, country: str = "KG") -> ParsedPhone:
    """Parse a number as a document prints it: ``"(03222) 5-63-56"`` → ``+996322256356``.

    Raises :class:`PhoneError` for anything that is not a valid number of ``country``.
    """
    digits = re.sub(r"[\s\-()]", "", printed)
    if SHORT_NUMBER.match(digits):
        return ParsedPhone(digits, short=True)
    try:
        parsed = phonenumbers.parse(printed, country)
    except phonenumbers.NumberParseException as exc:
        raise PhoneError(f"{printed!r} is not a phone number ({exc})") from None
    if not phonenumbers.is_valid_number(parsed):
        raise PhoneError(f"{printed!r} is not a valid {country} number")
    return ParsedPhone(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164), short=False)


@lru_cache(maxsize=8192)  # every webhook parses From and To; a call's numbers repeat
def to_e164(raw: str, default_country: str = "KG") -> str | None:
    """The caller's number in E.164, or None when it is not a number (``anonymous``, ``client:x``)."""
    try:
        parsed = phonenumbers.parse(raw, None if raw.startswith("+") else default_country)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
