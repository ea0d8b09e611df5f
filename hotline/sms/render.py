"""Step 4 of an SMS, render: the one renderer every outgoing SMS goes through, a reply that fits a
segment budget (:func:`render_sms_reply`; :class:`Renderer` binds it to ``SMS_MAX_SEGMENTS``), and
the :class:`Reply` an answer hands back: the SMS and what it leaves open.

The caller hands over the reply as parts in priority order (name, phone, address, hours, then
the rest). Whole parts are kept from the front while the message fits ``max_segments``; what
does not fit is dropped and the caller's "reply 1 for more" hint takes its place. A part is only
cut when even the first one cannot fit alone, and then between words, never inside a phone
number or a URL: half a number is worse than none.
"""

import re
from dataclasses import dataclass

from hotline.sms.conversation import Menu
from hotline.sms.normalize import Script
from hotline.sms.segments import Encoding, count_segments
from hotline.sms.translit import to_latin

# Digit groups separated by single spaces are one phone number ("+996 312 62-03-39",
# "(03222) 5-63-56"): cutting between the groups would leave half a number.
_SPACED_DIGITS = re.compile(r"\+?\(?\d[\d()\-.]*(?: \(?\d[\d()\-.]*)+")
_GLUE = "\x00"  # stands for a space inside a phone number while the text is split into words
# Where a part too long for a page may be cut: between sentences, else after a comma or a dash.
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_CLAUSE = re.compile(r"(?<=[,;—–])\s+")


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


@dataclass(frozen=True)
class Reply:
    """What to answer, and what it leaves open: a menu, a region to remember."""

    sms: RenderedSms
    menu: Menu | None = None
    command: str | None = None  # the command the message reached (stored on its row)
    topic: str | None = None  # the topic of data/sms_phrases.yaml it answered, if any
    region: str | None = None  # a region (and place) the message named or chose: remembered
    place: str | None = None
    unmatched: bool = False
    language: str | None = None  # the conversation's language from now on, when the reply changed it
    check: tuple[str, str | None] | None = None  # an eligibility check's rule id and answers so far (codec text)


MAX_PAGES = 20


class Renderer:
    """:func:`render_sms_reply` with the configured budget, and a way to keep a required ending.

    Rendering is pure and most replies are the same few texts (the command list, a region
    question, "no such choice"), so results are memoised: transliterating and counting segments
    again for every "?" would cost more than the rest of the webhook.
    """

    MEMO_SIZE = 4096

    def __init__(self, max_segments: int):
        self.max_segments = max_segments
        self._memo: dict[tuple, RenderedSms] = {}

    def render(self, parts: list[str], script: str, hint: str | None = None) -> RenderedSms:
        key = (tuple(parts), script, hint)
        sms = self._memo.get(key)
        if sms is None:
            sms = render_sms_reply(parts, script=script, max_segments=self.max_segments, more_hint=hint)
            if len(self._memo) >= self.MEMO_SIZE:
                self._memo.clear()  # bounded: callback times and the like vary
            self._memo[key] = sms
        return sms

    def paginate(self, parts: list[str], script: str, hint: str, footer: str | None = None) -> list[RenderedSms]:
        """``parts`` as pages of whole parts, each ending with ``hint`` ("1 – more") when more follow;
        the first page always ends with ``footer`` when there is one (how to check by SMS)."""
        pages: list[RenderedSms] = []
        offset = 0
        if footer:
            first, offset = self._first_page(parts, script, hint, footer)
            pages.append(first)
        while offset < len(parts) and len(pages) < MAX_PAGES:
            sms = self.render(parts[offset:], script, hint)
            pages.append(sms)
            offset += max(len(parts) - offset - sms.dropped, 1)
        return pages

    def _first_page(self, parts: list[str], script: str, hint: str, footer: str) -> tuple[RenderedSms, int]:
        """Page 1 ending with ``footer``, and how many parts it holds: all of them, or as many as
        fit before the footer and the hint ("more" is always last, and never the first thing
        said: with no room for the footer beside the first part, page 1 goes without it)."""
        whole = self.render(parts + [footer], script)
        if not whole.dropped and not whole.truncated:
            return whole, len(parts)
        for keep in range(len(parts) - 1, 0, -1):
            sms = self.render(parts[:keep] + [footer, hint], script)
            if not sms.dropped and not sms.truncated:
                return sms, keep
        sms = self.render(parts, script, hint)
        return sms, max(len(parts) - sms.dropped, 1)

    def whole(self, parts: list[str], script: str, hint: str) -> list[str]:
        """``parts`` with each too long for one page (with ``hint`` after it) cut between
        sentences, else clauses, into pieces that fit: paging then never cuts one short."""
        out: list[str] = []
        for part in parts:
            if self._fits([part, hint], script):
                out.append(part)
                continue
            for sentence in _SENTENCE.split(part):
                out += self._pack(_CLAUSE.split(sentence), script, hint, " ", _words)
        return out

    def _pack(self, pieces: list[str], script: str, hint: str, space: str, smaller) -> list[str]:
        """``pieces`` joined into as few page-sized chunks as they fit in; a piece too long alone
        is cut into ``smaller`` ones (clauses into words; a word stays whole)."""
        chunks: list[str] = []
        for piece in pieces:
            joined = f"{chunks[-1]}{space}{piece}" if chunks else piece
            if chunks and self._fits([joined, hint], script):
                chunks[-1] = joined
            elif self._fits([piece, hint], script) or smaller is None:
                chunks.append(piece)
            else:
                chunks += self._pack(smaller(piece), script, hint, " ", None)
        return chunks

    def _fits(self, parts: list[str], script: str) -> bool:
        sms = self.render(parts, script)
        return not sms.dropped and not sms.truncated

    def fit(self, optional: list[str], required: list[str], script: str) -> RenderedSms:
        """``required`` whole (a menu's question must end the SMS), after as many ``optional``
        parts as fit in front of it."""
        for keep in range(len(optional), 0, -1):
            sms = self.render(optional[:keep] + required, script)
            if not sms.dropped and not sms.truncated:
                return sms
        return self.render(required, script)
