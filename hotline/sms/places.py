"""Regions and places named in a text (``KOMOK OSH``, ``JARDAM Талас``, ``бала Бишкекте``).

Names and aliases come from ``data/regions.yaml`` and are matched in the same folded, space-free
form as the commands, so "kara-suu", "Кара Суу" and "karasuu" are one place. Kyrgyz case endings
(Ошто, Таласка, Бишкектен, Ош облусунда) and the Russian ones (в Оше, из Оша) are stripped
when the word is not a name by itself. Build the index once (:meth:`PlaceIndex.build`) and reuse it.
"""

from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from hotline.sms.normalize import fold_for_match

#: Case endings as they look after folding (Kyrgyz vowel harmony folds to these), longest first.
#: Locative, dative, ablative, genitive, accusative, with and without the possessive -ы- before
#: them (шаарында, облусуна), the locative adjective (Бишкектеги, Ноокаттагы); then the Russian
#: -е, -а, -у.
CASE_ENDINGS = tuple(sorted({
    "nda", "nde", "ndo", "nan", "nen", "non", "na", "ne", "no",
    "dan", "den", "don", "tan", "ten", "ton", "da", "de", "do", "ta", "te", "to",
    "ga", "ge", "go", "ka", "ke", "ko",
    "nin", "nun", "din", "dun", "tin", "tun", "ni", "nu", "di", "du", "ti", "tu",
    "dagi", "degi", "dogu", "tagi", "tegi", "togu", "ndagi", "ndegi", "ndogu",
    "a", "e", "u",
}, key=len, reverse=True))
#: What is left of a word after its ending must still be a word ("ош" is the shortest name).
MIN_STEM = 3
#: Place names this long forgive one typo ("Bishek", "Jalalabat"); shorter ones must be exact.
MIN_TYPO_LENGTH = 5


_ENDINGS = frozenset(CASE_ENDINGS)
_ENDING_LENGTHS = sorted({len(ending) for ending in CASE_ENDINGS}, reverse=True)


def strip_case_ending(key: str, known: Container[str]) -> str | None:
    """The stem of ``key`` that is in ``known`` once one case ending is removed, if any (the
    longest ending first; looked up by length, as this runs for every span of every message)."""
    for length in _ENDING_LENGTHS:
        if len(key) - length >= MIN_STEM and key[-length:] in _ENDINGS:
            stem = key[:-length]
            if stem in known:
                return stem
    return None


def _precise(text: str) -> str:
    """A lighter fold that keeps Kyrgyz letters, to tell Кара-Көл from Каракол."""
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text.casefold()).split())


@dataclass(frozen=True)
class Place:
    """A match: the region code, and the place code when a town or village was named."""

    region: str
    place: str | None = None


@dataclass
class PlaceIndex:
    """Folded, space-free spellings of every region and place, and what each one names."""

    names: dict[str, list[Place]] = field(default_factory=dict)
    precise: dict[Place, set[str]] = field(default_factory=dict)
    typo_keys: dict[int, list[str]] = field(default_factory=dict)  # by length, for a quick pre-filter
    max_words: int = 1

    @classmethod
    def build(cls, regions: Iterable[Mapping] | Mapping, places: Iterable[Mapping] | Mapping = ()):
        """Index the ``regions`` and ``places`` rows of :func:`hotline.directory.loader.load_directory`."""
        index = cls()
        for row in _rows(regions):
            index._add(Place(row["code"]), row, ("name_ky", "name_ru", "short_ky", "short_ru"))
        for row in _rows(places):
            index._add(Place(row["region"], row["code"]), row, ("name_ky", "name_ru"))
        for key, found in index.names.items():
            if len(key) >= MIN_TYPO_LENGTH and key.isalpha() and len(set(found)) == 1:
                index.typo_keys.setdefault(len(key), []).append(key)
        return index

    def _add(self, target: Place, row: Mapping, name_fields: tuple[str, ...]) -> None:
        spellings = [row.get(name) for name in name_fields] + list(row.get("aliases") or [])
        for spelling in filter(None, spellings):
            folded = fold_for_match(str(spelling))
            key = folded.replace(" ", "")
            if not key:
                continue
            found = self.names.setdefault(key, [])
            if target not in found:
                found.append(target)
            self.precise.setdefault(target, set()).add(_precise(str(spelling)))
            self.max_words = max(self.max_words, len(folded.split()))

    def lookup(self, words: list[str], raw: str = "") -> Place | None:
        """The place ``words`` (folded tokens) name exactly, or after a case ending is removed.

        ``raw`` is the whole message as typed; it settles names that fold alike (Кара-Көл in
        Jalal-Abad, Каракол in Issyk-Kul) by which spelling it contains, and is ignored otherwise.
        """
        key = "".join(words)
        found = self.names.get(key)
        if found is None:
            stem = strip_case_ending(key, self.names)
            found = self.names.get(stem) if stem else None
        if not found:
            return None
        if len(found) == 1:
            return found[0]
        text = f" {_precise(raw)} "
        hits = [place for place in found
                if any(f" {spelling} " in text for spelling in self.precise.get(place, ()))]
        return hits[0] if len(hits) == 1 else None

    def is_name(self, words: list[str]) -> bool:
        """Whether ``words`` spell a known name (even one shared by two places)."""
        key = "".join(words)
        return key in self.names or strip_case_ending(key, self.names) is not None

    def lookup_typo(self, words: list[str]) -> Place | None:
        """The one place ``words`` name with a single typo, if exactly one is that close."""
        key = "".join(words)
        if len(key) < MIN_TYPO_LENGTH - 1 or not key.isalpha():  # "tala" for "talas" is fine
            return None
        hits = {self.names[name][0] for length in (len(key) - 1, len(key), len(key) + 1)
                for name in self.typo_keys.get(length, ()) if Levenshtein.distance(key, name, score_cutoff=1) <= 1}
        return hits.pop() if len(hits) == 1 else None



def _rows(rows: Iterable[Mapping] | Mapping) -> Iterable[Mapping]:
    """Accept a list of rows or a mapping of code to row."""
    return rows.values() if isinstance(rows, Mapping) else rows
