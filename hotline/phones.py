"""Phone numbers: E.164 for full numbers, short numbers (111, 1227, 112) kept as dialled, and which
numbers the hotline may call or text at all."""

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberType

SHORT_NUMBER = re.compile(r"^\d{2,4}$")
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
#: the only kinds of number the hotline rings or texts: a person's phone; never a premium-rate,
#: shared-cost, toll-free, pager, VoIP or personal number, that someone could earn from or bill us on
SERVED_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE})


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


@lru_cache(maxsize=8192)  # a number asks again with each message or callback
def why_not_served(number: str, countries: tuple[int, ...]) -> str | None:
    """None when the hotline may call or text ``number``; otherwise why not, as a short code.

    ``number`` is E.164 (``to_e164``'s output); ``countries`` the country calling codes served, a
    tuple (``CALLBACK_COUNTRIES``: ``(996, 7)``, +7 being Russia and Kazakhstan both). Codes, in the
    order checked: ``not_e164``, ``invalid`` (no such number), ``number_type:PREMIUM_RATE`` (or
    another type than a mobile or fixed line), ``non_geographic`` (satellite and international
    networks, +870, +882), ``country``.
    """
    if not isinstance(number, str) or not E164.match(number):
        return "not_e164"
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return "not_e164"
    if not phonenumbers.is_valid_number(parsed):
        return "invalid"
    kind = phonenumbers.number_type(parsed)
    if kind not in SERVED_TYPES:
        return f"number_type:{PhoneNumberType.to_string(kind)}"
    if phonenumbers.region_code_for_number(parsed) == phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY:
        return "non_geographic"  # Inmarsat's +870 numbers are typed MOBILE
    if parsed.country_code not in countries:
        return "country"
    return None
