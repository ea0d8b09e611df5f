"""The phrases of a message (:mod:`hotline.sms.phrases`): the topic it names, a request, a question
word, and numbers with their unit ("10 кун").

:func:`understand` reads the folded words once, left to right, and is pure. At each word the longest
phrase wins (exactly, without a Kyrgyz case ending, or a one-word prefix like "пособи*"); a number
followed by a unit word answers the question that unit belongs to; phrases listed as exclusions of
the command table ("бала бакча") are skipped. Only when no topic and no request was found is one
typo forgiven, in words of :data:`~hotline.sms.phrases.MIN_TYPO` letters or more.
"""

from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from hotline.sms.commands import CommandTable
from hotline.sms.phrases import MIN_PREFIX, MIN_TYPO, Phrase, PhraseTable
from hotline.sms.places import strip_case_ending


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
               keyword: tuple[int, int] | None = None) -> Understanding:
    """The phrases in ``words`` (folded tokens) after the first ``skip`` (a leading place).

    ``keyword`` is the span of the command spelled in the text, if any: a phrase inside it does
    not count, nor one starting with it unless longer ("работа в россии" is ROSSIYA, not the
    "работ*" of jobs; "балага сүйүнчү" is the grant, not BALA). Without one, one typo is
    forgiven when nothing was found exactly."""
    table = commands.phrases
    heard = Understanding()
    position = skip
    while position < len(words):
        if keyword and keyword[0] < position < keyword[1]:
            position += 1
            continue
        excluded = _excluded(commands, words, position)
        if excluded:
            position += excluded
            continue
        if words[position].isdigit() and position + 1 < len(words):
            units = _units(table, words[position + 1])
            if units:
                heard.words.append(units[0])
                for unit in units:
                    heard.answers.setdefault(unit.target, {})[unit.question] = int(words[position])
                heard.used.update((position, position + 1))
                position += 2
                continue
        shortest = keyword[1] - keyword[0] + 1 if keyword and position == keyword[0] else 1
        size = _phrase_at(table, words, position, heard, shortest)
        if size:
            heard.used.update(range(position, position + size))
        position += size or 1
    if keyword is None and heard.topic is None and heard.request is None:
        _forgive_one_typo(table, words, skip, heard)
    return heard


def _excluded(table: CommandTable, words: list[str], start: int) -> int:
    """How many words from ``start`` an exclusion phrase covers (0 when none starts there)."""
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


def _phrase_at(table: PhraseTable, words: list[str], start: int, heard: Understanding, shortest: int = 1) -> int:
    """Record the longest phrase starting at ``start`` (of ``shortest`` words or more); how many
    words it spans (0: none)."""
    for size in range(min(table.max_words, len(words) - start), shortest - 1, -1):
        key = "".join(words[start:start + size])
        phrase = table.exact.get(key)
        context = table.context.get(key)
        if phrase is None and context is None:
            stem = strip_case_ending(key, table.exact) or strip_case_ending(key, table.context)
            phrase, context = (table.exact.get(stem), table.context.get(stem)) if stem else (None, None)
        if phrase is None and context is None and size == 1:
            phrase = _prefixed(table, key)
        if phrase is not None:
            _record(heard, phrase, size)
            return size
        if context is not None:
            heard.words.append(context[0])
            heard.context.extend(p.target for p in context)
            return size
    return 0


def _prefixed(table: PhraseTable, word: str) -> Phrase | None:
    """The longest one-word prefix phrase ``word`` starts with."""
    if len(word) < MIN_PREFIX:
        return None
    found = [p for p in table.prefixes.get(word[:MIN_PREFIX], ()) if word.startswith(p.key)]
    return max(found, key=lambda p: len(p.key)) if found else None


def _record(heard: Understanding, phrase: Phrase, size: int) -> None:
    heard.words.append(phrase)
    if phrase.kind == "request":
        heard.request = heard.request or phrase
    elif phrase.kind == "question":
        heard.question = heard.question or phrase
    elif heard.topic is None or size > heard.size:  # the most specific name wins, then the first
        heard.topic, heard.size = phrase, size


def _forgive_one_typo(table: PhraseTable, words: list[str], skip: int, heard: Understanding) -> None:
    """The first word one edit from exactly one topic's or request's spelling ("регистрацыя")."""
    for position in range(skip, len(words)):
        word = words[position]
        if position in heard.used or len(word) < MIN_TYPO or not word.isalpha():
            continue
        candidates = [key for length in (len(word) - 1, len(word), len(word) + 1)
                      for key in table.typo_keys.get(length, ())]
        close = process.extract(word, candidates, scorer=Levenshtein.distance, score_cutoff=1, limit=None)
        meanings = {(table.exact[key].kind, table.exact[key].target) for key, _, _ in close}
        if len(meanings) == 1:
            _record(heard, table.exact[min(close, key=lambda found: found[1])[0]], 1)
            heard.used.add(position)
            return
