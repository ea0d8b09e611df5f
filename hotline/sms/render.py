"""The one renderer every outgoing SMS goes through: a reply that fits a segment budget.

The caller hands over the reply as parts in priority order (name, phone, address, hours, then
the rest). Whole parts are kept from the front while the message fits ``max_segments``; what
does not fit is dropped and the caller's "reply 1 for more" hint takes its place. A part is only
cut when even the first one cannot fit alone, and then between words, never inside a phone
number or a URL: half a number is worse than none.
"""

import re
from dataclasses import dataclass

from hotline.sms.normalize import Script
from hotline.sms.segments import Encoding, count_segments
from hotline.sms.translit import to_latin

# Digit groups separated by single spaces are one phone number ("+996 312 62-03-39",
# "(03222) 5-63-56"): cutting between the groups would leave half a number.
_SPACED_DIGITS = re.compile(r"\+?\(?\d[\d()\-.]*(?: \(?\d[\d()\-.]*)+")
_GLUE = "\x00"  # stands for a space inside a phone number while the text is split into words


@dataclass(frozen=True)
class RenderedSms:
    """A reply ready to send: its text and encoding, the segments it costs, how many parts
    were left out, and whether the last part kept was cut short."""

    text: str
    encoding: Encoding
    segments: int
    dropped: int
    truncated: bool = False


def _fits(text: str, max_segments: int) -> bool:
    return count_segments(text).segments <= max_segments


def _words(part: str) -> list[str]:
    """Split a part into the pieces it may be cut between (phone numbers stay whole)."""
    glued = _SPACED_DIGITS.sub(lambda m: m.group().replace(" ", _GLUE), part)
    return [word.replace(_GLUE, " ") for word in glued.split()]


def _cut(part: str, fits, ellipsis: str) -> str:
    """The longest prefix of ``part`` made of whole words that ``fits`` once ``ellipsis`` ends it."""
    kept: list[str] = []
    for word in _words(part):
        if not fits(" ".join(kept + [word]) + ellipsis):
            break
        kept.append(word)
    return " ".join(kept) + ellipsis if kept else ""


def render_sms_reply(parts: list[str], *, script: Script, max_segments: int = 2,
                     more_hint: str | None = None, separator: str = "\n") -> RenderedSms:
    """Join ``parts`` into one SMS of at most ``max_segments`` segments.

    ``parts`` arrive in Cyrillic (Kyrgyz or Russian) and in priority order. With
    ``script="latin"`` they (and ``more_hint``) are transliterated to GSM-7 Kyrgyz Latin first.
    ``more_hint`` is appended only when a part had to be dropped or cut; if even the hint does
    not fit beside the first part, it is left out rather than the first part.
    """
    if max_segments < 1:
        raise ValueError(f"max_segments must be at least 1, got {max_segments}")
    if script not in ("latin", "cyrillic"):
        raise ValueError(f"script must be 'latin' or 'cyrillic', got {script!r}")
    convert = to_latin if script == "latin" else (lambda text: text)
    texts = [convert(part).strip() for part in parts if part and part.strip()]
    hint = convert(more_hint).strip() if more_hint else ""
    separator = convert(separator)

    def fits(text: str) -> bool:
        return _fits(text, max_segments)

    def with_hint(body: str) -> str:
        return separator.join(filter(None, [body, hint]))

    if fits(separator.join(texts)):
        return _result(separator.join(texts), dropped=0)
    # The longest run of whole parts from the front that fits with the hint after it; failing
    # that (a hint too long for the budget), without the hint.
    for render in (with_hint, lambda body: body):
        for keep in range(len(texts) - 1, 0, -1):
            text = render(separator.join(texts[:keep]))
            if fits(text):
                return _result(text, dropped=len(texts) - keep)
    # Not even the first part fits alone: cut it between words, followed by the hint when that
    # leaves room for at least one word of it.
    ellipsis = "..." if script == "latin" else "…"
    cut = _cut(texts[0], lambda text: fits(with_hint(text)), ellipsis) if hint else ""
    text = with_hint(cut) if cut else _cut(texts[0], fits, ellipsis)
    if not text and fits(hint):
        text = hint  # the first word alone is over budget (a URL longer than one segment)
    return _result(text, dropped=len(texts) - 1, truncated=True)


def _result(text: str, dropped: int, truncated: bool = False) -> RenderedSms:
    counted = count_segments(text)
    return RenderedSms(text, counted.encoding, counted.segments, dropped, truncated)
