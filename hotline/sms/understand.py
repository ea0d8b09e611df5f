"""The phrases of a message (:mod:`hotline.sms.phrases`): the topic it names, a request, a question
word, and numbers with their unit ("10 кун").

:func:`understand` reads the folded words once, left to right, and is pure. At each word the longest
phrase wins (exactly, without a Kyrgyz case ending, or a one-word prefix like "пособи*"); a number
followed by a unit word answers the question that unit belongs to; phrases listed as exclusions of
the command table ("бала бакча") are skipped. Only when no topic and no request was found is one
typo forgiven, in words of :data:`~hotline.sms.phrases.MIN_TYPO` letters or more.
"""

import re
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from hotline.sms.commands import CommandTable
from hotline.sms.phrases import MIN_PREFIX, MIN_TYPO, Phrase, PhraseTable
from hotline.sms.places import strip_case_ending


#: Kyrgyz plural suffixes (folded) with an optional case ending after them, or the particle of a
#: polite request: what is left must still be a phrase, so "эне-лер-ге" finds "эне".
_PLURAL_OR_PARTICLE = re.compile(
    r"(?:(?:[ldt][aeo]r)(?:[ntd]?[aeo]n|[gk][aeo]|[dt][aeo]|[ndt][iu]n|[ndt][iu])?|ch[iu])$")


@dataclass
class Understanding:
    """What the phrases of one message say (``size``: words the topic phrase spans)."""

    topic: Phrase | None = None
    size: int = 0
    request: Phrase | None = None
    question: Phrase | None = None
    context: list[str] = field(default_factory=list)  # topics named by context words
    answers: dict[str, dict[str, int]] = field(default_factory=dict)  # topic → question → number
    used: set[int] = field(default_factory=set)
    words: list[Phrase] = field(default_factory=list)  # every phrase found, in order

    def language(self, script: str) -> str | None:
        """The language of the phrase that decides the answer (request, topic), else of the
        first phrase found ("мне 60 лет когда пенсия" is Russian, though ПЕНСИЯ is Kyrgyz)."""
        phrase = self.request or self.topic or (self.words[0] if self.words else None)
        return phrase.language(script) if phrase else None


def understand(words: list[str], commands: CommandTable, skip: int = 0,
               keyword: tuple[int, int] | None = None, command: str | None = None) -> Understanding:
    """The phrases in ``words`` (folded tokens) after the first ``skip`` (a leading place).

    ``keyword`` is the span of the command spelled in the text, if any: a phrase inside it does
    not count, nor one starting with it unless longer ("работа в россии" is ROSSIYA, not the
    "работ*" of jobs; "балага сүйүнчү" is the grant, not BALA); its words may still be context
    words. When nothing was found exactly, one typo is forgiven, beside a keyword only in a topic
    of its ``command`` ("balaga syyunchu")."""
    table = commands.phrases
    heard = Understanding()
    position = skip
    while position < len(words):
        inside = keyword is not None and keyword[0] <= position < keyword[1]
        excluded = 0 if inside else _excluded(commands, words, position)
        if excluded:
            position += excluded
            continue
        if words[position].isdigit() and position + 1 < len(words) and not inside:
            units = _units(table, words[position + 1])
            if units:
                heard.words.append(units[0])
                for unit in units:
                    heard.answers.setdefault(unit.target, {})[unit.question] = int(words[position])
                heard.used.update((position, position + 1))
                position += 2
                continue
        longer = keyword[1] - keyword[0] + 1 if inside and position == keyword[0] else 0
        size = 0 if inside and not longer else _phrase_at(table, words, position, heard, longer or 1)
        if size:
            heard.used.update(range(position, position + size))
        else:
            _context_at(table, words, position, heard, keyword[1] - position if inside else None)
        position += size or 1
    if heard.topic is None and heard.request is None:
        _forgive_one_typo(table, words, skip, heard, command)
    return heard


def _excluded(table: CommandTable, words: list[str], start: int) -> int:
    """How many words from ``start`` an exclusion phrase covers (0 when none starts there)."""
    if not any(key.startswith(words[start][:2]) for key in table.exclusions):
        return 0  # a few phrases: most words start none of them
    for size in range(min(table.max_words, len(words) - start), 0, -1):
        key = "".join(words[start:start + size])
        if key in table.exclusions or strip_case_ending(key, table.exclusions):
            return size
    return 0


def _units(table: PhraseTable, word: str) -> tuple[Phrase, ...]:
    found = table.units.get(word)
    if found is None:
        stem = strip_case_ending(word, table.units)
        found = table.units.get(stem, ()) if stem else ()
    return found


def _lookup(index: dict, key: str):
    """``index[key]``, or of ``key`` without a case ending, or without a plural and a case ending
    or the particle -чы/-чу ("баатыр энелерге", "чалып бериңизчи")."""
    found = index.get(key)
    if found is None:
        stem = strip_case_ending(key, index)
        if stem is None:
            match = _PLURAL_OR_PARTICLE.search(key)
            stem = key[:match.start()] if match and key[:match.start()] in index else None
        found = index.get(stem) if stem else None
    return found


def _phrase_at(table: PhraseTable, words: list[str], start: int, heard: Understanding, shortest: int = 1) -> int:
    """Record the longest phrase starting at ``start`` (of ``shortest`` words or more, spelled
    exactly or with prefixes: the exact one on a tie); how many words it spans (0: none)."""
    exact = None
    for size in range(min(table.max_words, len(words) - start), shortest - 1, -1):
        phrase = _lookup(table.exact, "".join(words[start:start + size]))
        if phrase is not None:
            exact = (size, phrase)
            break
    patterns = [(len(p.words), p) for p in table.patterns.get(words[start][:MIN_PREFIX], ())
                if len(p.words) >= shortest and p.matches(words, start)]
    best = max([*patterns, *([exact] if exact else [])], key=lambda found: (found[0], found is exact),
               default=None)
    if best is None:
        return 0
    _record(table, heard, best[1], best[0])
    return best[0]


def _context_at(table: PhraseTable, words: list[str], start: int, heard: Understanding,
                within: int | None = None) -> bool:
    """Record the topics a context word starting at ``start`` points to (at most ``within`` words)."""
    for size in range(min(table.max_words, len(words) - start, within or len(words)), 0, -1):
        context = _lookup(table.context, "".join(words[start:start + size]))
        if context is not None:
            heard.words.append(context[0])
            heard.context.extend(p.target for p in context)
            return True
    return False


def _record(table: PhraseTable, heard: Understanding, phrase: Phrase, size: int) -> None:
    heard.words.append(phrase)
    if phrase.kind == "request":
        heard.request = heard.request or phrase
    elif phrase.kind == "question":
        heard.question = heard.question or phrase
    elif heard.topic is None or (size, _specific(table, phrase)) > (heard.size, _specific(table, heard.topic)):
        # the most specific name wins (the longest, then a topic over its command's default), then the first
        heard.topic, heard.size = phrase, size


def _specific(table: PhraseTable, phrase: Phrase) -> bool:
    return not table.topics[phrase.target].default


def _forgive_one_typo(table: PhraseTable, words: list[str], skip: int, heard: Understanding,
                      command: str | None) -> None:
    """The first word one edit from exactly one topic's or request's spelling ("регистрацыя"),
    which beside a keyword must be a topic of the keyword's ``command``."""
    for position in range(skip, len(words)):
        word = words[position]
        if position in heard.used or len(word) < MIN_TYPO or not word.isalpha():
            continue
        candidates = [key for length in (len(word) - 1, len(word), len(word) + 1)
                      for key in table.typo_keys.get(length, ())]
        close = process.extract(word, candidates, scorer=Levenshtein.distance, score_cutoff=1, limit=None)
        meanings = {(table.exact[key].kind, table.exact[key].target) for key, _, _ in close}
        if command is not None:
            meanings = {m for m in meanings if m[0] == "topic" and table.topics[m[1]].command == command}
            close = [found for found in close if (table.exact[found[0]].kind, table.exact[found[0]].target) in meanings]
        if len(meanings) == 1:
            _record(table, heard, table.exact[min(close, key=lambda found: found[1])[0]], 1)
            heard.used.add(position)
            return
