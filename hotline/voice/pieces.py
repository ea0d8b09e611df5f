"""Kyrgyz words that depend on the caller's answers, spoken from pieces rendered ahead.

No telephone voice speaks Kyrgyz, and a webhook never synthesises: a verdict ("about 2430 som a
month…"), a read-back ("you typed: four thousand som") or a date is made of words fixed in the rule
files and of numbers. Both are known before any call: every sentence of every rule, cut at its
``{placeholders}``, and the Kyrgyz number words, months and units. The audio build renders each
piece once (``piece:<hash>``); a call finds the fewest pieces that say its sentence word for word
and plays them one after another, in the Kyrgyz voice. A sentence the pieces cannot say (a rule
edited since the build) is left to the webhook's missing-audio path: a short Kyrgyz prompt and an SMS.
"""

import dataclasses
import hashlib
import re
from collections.abc import Iterable

from audio.numbers import KY_ONES, KY_TENS
from hotline.eligibility.model import Text
from hotline.voice.checks import MONTHS, for_the_ear, ky_ordinal
from hotline.voice.speech import Utterance

LANG = "ky"  # Russian words go to a Russian voice as they are: nothing to piece together
PLACEHOLDER = re.compile(r"\{[a-z_][a-z0-9_]*\}")
# the words a number, a date, an amount or a count of days is said with (audio.numbers, for_the_ear)
NUMBER_ATOMS = [*range(0, 10), *range(10, 100, 10), 100, 1000]
WORDS = ("жүз", "миң", "миллион", "бүтүн", "ондон", "жүздөн", "сом", "күн", "жыл", "жылы")
_EDGES = "«»\"'“”„()[].,;:!?—–-…"


def _normalise(word: str) -> str:
    return word.strip(_EDGES).lower()


def _words(text: str) -> tuple[str, ...]:
    return tuple(w for w in (_normalise(w) for w in text.split()) if w)


def piece_key(text: str) -> str:
    """The audio key of a piece: its words decide it, so the same words are rendered once."""
    return "piece:" + hashlib.sha256(" ".join(_words(text)).encode()).hexdigest()[:16]


def texts_of(value) -> Iterable[Text]:
    """Every :class:`Text` inside a rule (its name, questions, checks, amounts, deadlines …)."""
    if isinstance(value, Text):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from texts_of(getattr(value, field.name))
    elif isinstance(value, dict):
        for item in value.values():
            yield from texts_of(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from texts_of(item)


def rule_pieces(rule) -> list[str]:
    """The Kyrgyz sentences of ``rule`` cut at their placeholders, each made ready for the ear."""
    pieces = []
    for text in texts_of(rule):
        for chunk in PLACEHOLDER.split(text.ky):
            chunk = for_the_ear(chunk.strip(), LANG)
            if _words(chunk):
                pieces.append(chunk)
    return pieces


def number_pieces() -> list[str]:
    """Every word a Kyrgyz number, ordinal, decimal, date or amount is said with."""
    words = {KY_ONES[n] for n in range(10)} | {w for w in KY_TENS if w} | set(WORDS) | set(MONTHS[LANG])
    for n in NUMBER_ATOMS:
        words.add(ky_ordinal(n).split()[-1])
    return sorted(words)


class Pieces:
    """The pieces of every rule and the number words; :meth:`split` finds a sentence's pieces."""

    def __init__(self, rules: Iterable = ()):
        texts = number_pieces()
        for rule in rules:
            texts += rule_pieces(rule)
        self._by_words: dict[tuple[str, ...], str] = {}
        for text in texts:  # one text per run of words: its key is made of the words
            self._by_words.setdefault(_words(text), text)
        self.texts = list(self._by_words.values())
        self._longest = max((len(w) for w in self._by_words), default=0)

    def utterances(self) -> list[Utterance]:
        """Every piece, as the audio build renders it."""
        return [Utterance(piece_key(text), text) for text in self.texts]

    def split(self, text: str) -> list[Utterance] | None:
        """The fewest pieces that say ``text`` word for word, in order; None when they cannot."""
        words = _words(text)
        if not words:
            return []
        best: list[tuple[int, int] | None] = [None] * (len(words) + 1)  # (pieces, start of the last)
        best[0] = (0, 0)
        for end in range(1, len(words) + 1):
            for start in range(max(0, end - self._longest), end):
                if best[start] is None or words[start:end] not in self._by_words:
                    continue
                count = best[start][0] + 1
                if best[end] is None or count < best[end][0]:
                    best[end] = (count, start)
        if best[-1] is None:
            return None
        cuts, end = [], len(words)
        while end:
            start = best[end][1]
            cuts.append(self._by_words[words[start:end]])
            end = start
        return [Utterance(piece_key(piece), piece) for piece in reversed(cuts)]
