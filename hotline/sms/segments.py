"""How many SMS segments a text costs, counted the way the network packs it.

A text made only of GSM-7 characters travels as 7-bit septets: 160 in one segment, 153 per part
once it is split (the other 7 carry the concatenation header). The extension characters
(``^ { } \\ [ ~ ] | €`` and form feed) are an escape plus a septet, so they cost 2, and an escape
pair is never split across two parts. One character outside GSM-7 (any Cyrillic letter) turns the
whole text into UCS-2: 70 UTF-16 code units in one segment, 67 per part, and a character outside
the Basic Multilingual Plane (an emoji) is a surrogate pair: 2 units, never split either.
"""

from dataclasses import dataclass
from typing import Literal

Encoding = Literal["GSM-7", "UCS-2"]

#: 3GPP TS 23.038 default alphabet (the escape 0x1B left out); note ö ü ñ Ö Ü Ñ are in it.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
#: The default extension table: each costs two septets (escape + character).
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

#: (characters in a single segment, characters per part of a split message)
LIMITS: dict[str, tuple[int, int]] = {"GSM-7": (160, 153), "UCS-2": (70, 67)}


@dataclass(frozen=True)
class Segments:
    """What a text costs: its encoding, its length in units (septets or UTF-16 code units), and
    the number of segments the operator bills."""

    encoding: Encoding
    units: int
    segments: int


def is_gsm7(text: str) -> bool:
    """True when every character of ``text`` is in the GSM-7 basic or extension table."""
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def _unit_costs(text: str, encoding: Encoding) -> list[int]:
    if encoding == "GSM-7":
        return [2 if ch in GSM7_EXTENSION else 1 for ch in text]
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def count_segments(text: str) -> Segments:
    """Count the segments ``text`` costs as one SMS (an empty text still costs one).

    >>> count_segments("a" * 160), count_segments("б" * 71)
    (Segments(encoding='GSM-7', units=160, segments=1), Segments(encoding='UCS-2', units=71, segments=2))
    """
    encoding: Encoding = "GSM-7" if is_gsm7(text) else "UCS-2"
    costs = _unit_costs(text, encoding)
    units = sum(costs)
    single, per_part = LIMITS[encoding]
    if units <= single:
        return Segments(encoding, units, 1)
    # Pack part by part: a character that does not fit whole opens the next part, which is why
    # an extension character or an emoji on the boundary can cost one more segment than
    # units / per_part says.
    segments, used = 1, 0
    for cost in costs:
        if used + cost > per_part:
            segments, used = segments + 1, 0
        used += cost
    return Segments(encoding, units, segments)
