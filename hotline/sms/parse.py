"""What an incoming SMS asks for: a command and its arguments, a menu choice, or nothing we know.

``parse_message`` is pure: it reads the text, the command table and the place index, and says
what it found. It keeps no state; the webhook knows whether a menu is open and what to answer.

How a text is read, in order:

1. blank → ``empty``; only question marks → the command that lists ``?``;
2. one digit 1-9 alone → ``menu_reply`` (an answer to the numeric menu the caller has open);
3. a region or place at the very start is put aside ("Ош комок");
4. the first word(s) after it: a spelling of a command, exactly or without a Kyrgyz case ending;
5. otherwise a command spelled so anywhere later ("мага жардам керек"), for commands that allow
   it; phrases listed as exclusions ("бала бакча") never count;
6. otherwise the first word(s) with one typo (words and spellings of 4 letters or more, never
   numbers or abbreviations, never opt-out/in);
7. the phrases (:mod:`hotline.sms.understand`): a request ("кайра чалыңыз") reaches its command
   wherever it stands; a topic's name ("балага суйунчу", "регистрация") reaches the topic and its
   command, ahead of a bare keyword; a context word or a number with its unit ("келдим", "10 кун")
   picks the topic of the command they stand beside; a question word is kept (канча, качан);
8. in the remaining words: the first region or place (exact, case ending, then one typo) and
   every number. Other words are ignored ("bala pls", "komok osh kerek").
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from hotline.sms.normalize import Script, fold_for_match, script_of
from hotline.sms.places import Place, PlaceIndex, strip_case_ending
from hotline.sms.commands import MIN_TYPO_LENGTH, Alias, Command, CommandTable, load_commands
from hotline.sms.understand import Understanding, understand
from hotline.sms.understand import _excluded  # noqa: PLC2701  (one definition, shared)

__all__ = ["Command", "CommandTable", "ParsedMessage", "load_commands", "parse_message"]

Kind = Literal["command", "menu_reply", "unmatched", "empty"]
_MENU_DIGIT = re.compile(r"^[1-9]$")
_QUESTION_MARKS = str.maketrans({"？": "?", "¿": "?", "⁇": "?"})


@dataclass(frozen=True)
class ParsedMessage:
    """What the text asks for.

    ``command`` is a command code (see ``data/sms_commands.yaml``); ``topic`` a topic of
    ``data/sms_phrases.yaml`` the text names (None: the command's default, if any); ``question``
    a question kind (``how_much``, ``when``, ``where``, ``how``); ``answers`` the numbers that
    answer the topic's rule, as (question id, number) pairs. ``region`` and ``place`` are codes from
    ``data/regions.yaml``; ``numbers`` are the other numbers in the text, in order (for a
    ``menu_reply``, the choice). ``script`` is the alphabet to answer in, ``normalized`` the
    folded text, and ``language`` the language of the spelling that matched (``ky``, ``ru`` or
    ``en``; None when nothing matched).
    """

    kind: Kind
    command: str | None = None
    region: str | None = None
    place: str | None = None
    numbers: list[int] = field(default_factory=list)
    script: Script = "latin"
    normalized: str = ""
    language: str | None = None
    topic: str | None = None
    question: str | None = None
    answers: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class _Hit:
    alias: Alias
    start: int
    end: int


def parse_message(text: str, commands: CommandTable,
                  regions: PlaceIndex | Iterable[Mapping] | Mapping,
                  places: Iterable[Mapping] | Mapping = (), *,
                  default_script: Script = "latin") -> ParsedMessage:
    """Classify one incoming SMS.

    ``regions`` is a :class:`PlaceIndex` built once at start-up (fast), or the ``regions`` and
    ``places`` rows of ``load_directory()`` (indexed on every call: fine for a script, slow for a
    webhook). ``default_script`` is the answer's alphabet when the text has no letters ("2").
    """
    text = text or ""
    index = regions if isinstance(regions, PlaceIndex) else PlaceIndex.build(regions, places)
    script = script_of(text, default_script)
    normalized = fold_for_match(text)
    parsed = dict(script=script, normalized=normalized)
    if not text.strip():
        return ParsedMessage("empty", **parsed)
    symbol = _symbol(text, commands)
    if symbol:
        return ParsedMessage("command", symbol.command, language=symbol.language(script), **parsed)
    words = normalized.split()
    if len(words) == 1 and _MENU_DIGIT.match(words[0]):
        return ParsedMessage("menu_reply", numbers=[int(words[0])], **parsed)

    leading = _place_at(index, words, 0, text)
    start = leading[1] if leading else 0
    # An exact spelling anywhere beats a typo in the first word: "барам Россияга" is "I am
    # going to Russia", not BALA one letter off.
    hit = (_command_at(commands, words, start, typo=False)
           or _command_anywhere(commands, words, start + 1))
    if hit:
        heard = understand(words, commands, start, (hit.start, hit.end), hit.alias.command)
    else:
        heard = understand(words, commands, start)
    if hit is None and heard.topic is None and heard.request is None:
        hit = _command_at(commands, words, start, typo=True)
    used = set(range(hit.start, hit.end)) if hit else set()
    used |= heard.used
    place = leading[0] if leading else _place_in(index, words, used, text)
    numbers = [int(word) for i, word in enumerate(words) if word.isdigit() and i not in used
               and not _counts_something(index, words, i + 1, used)]
    found = dict(region=place.region if place else None, place=place.place if place else None,
                 numbers=numbers, question=heard.question.target if heard.question else None, **parsed)
    meaning = _meaning(commands, hit, heard, script)
    if meaning is None:
        return ParsedMessage("unmatched", language=heard.language(script), **found)
    command, topic, language = meaning
    answers = tuple(sorted(heard.answers.get(topic, {}).items())) if topic else ()
    return ParsedMessage("command", command, language=language, topic=topic, answers=answers, **found)


def _meaning(table: CommandTable, hit: "_Hit | None", heard: Understanding,
             script: str) -> tuple[str, str | None, str] | None:
    """(command, topic, language): a request first, then a topic's name, then a keyword with the
    topic its context words or numbers point to; None when nothing was understood."""
    if heard.request:
        return heard.request.target, None, heard.request.language(script)
    topics = table.phrases.topics
    if heard.topic and not topics[heard.topic.target].default:
        return topics[heard.topic.target].command, heard.topic.target, heard.topic.language(script)
    if heard.topic is None and hit is None:
        return None
    # a keyword, or a command's general topic ("безработн*"): its numbers or context words may
    # name a topic of the same command ("пособия для безработных": the unemployment benefit)
    command = topics[heard.topic.target].command if heard.topic else hit.alias.command
    beside = [code for code in [*heard.answers, *heard.context] if topics[code].command == command]
    topic = beside[0] if beside else heard.topic.target if heard.topic else None
    return command, topic, heard.language(script) or hit.alias.language(script)


def _counts_something(index: PlaceIndex, words: list[str], after: int, used: set[int]) -> bool:
    """Whether a number is a quantity ("инвалид 2 группы", "бала 3 жашта"), not a region key or
    page: a word follows it that is no keyword, phrase or place."""
    return (after < len(words) and words[after].isalpha() and after not in used
            and not index.is_name(words[after:after + 1]))


def _symbol(text: str, table: CommandTable) -> Alias | None:
    compact = "".join(text.split()).translate(_QUESTION_MARKS)
    if compact and set(compact) == {"?"}:
        compact = "?"
    return table.symbols.get(compact)


def _exact(table: CommandTable, key: str) -> Alias | None:
    """The alias spelled ``key``, or ``key`` without a case ending (балага, жардамга) except for
    commands that must be exact: "стопа" (a foot) must not stop anyone's messages."""
    alias = table.aliases.get(key)
    if alias is None:
        stem = strip_case_ending(key, table.aliases)
        alias = table.aliases.get(stem) if stem else None
        if alias and not table.commands[alias.command].typos:
            return None
    return alias


def _command_at(table: CommandTable, words: list[str], start: int, typo: bool) -> _Hit | None:
    """A command spelled by the words at ``start``: exactly, or (``typo``) with one typo."""
    if start >= len(words) or _excluded(table, words, start):
        return None
    find = _typo if typo else _exact
    for size in range(min(table.max_words, len(words) - start), 0, -1):
        alias = find(table, "".join(words[start:start + size]))
        if alias:
            return _Hit(alias, start, start + size)
    return None


def _typo(table: CommandTable, key: str) -> Alias | None:
    """The alias one edit away from ``key``, if every alias that close means the same command."""
    if len(key) < MIN_TYPO_LENGTH or not key.isalpha():
        return None
    candidates = [name for length in (len(key) - 1, len(key), len(key) + 1)
                  for name in table.typo_keys.get(length, ())]
    close = process.extract(key, candidates, scorer=Levenshtein.distance, score_cutoff=1, limit=None)
    meanings = {table.aliases[name].command for name, _, _ in close}
    if len(meanings) != 1:
        return None
    return table.aliases[min(close, key=lambda found: found[1])[0]]


def _command_anywhere(table: CommandTable, words: list[str], start: int) -> _Hit | None:
    """The first command spelled exactly after ``start``, among those allowed anywhere."""
    position = start
    while position < len(words):
        skip = _excluded(table, words, position)
        if skip:
            position += skip
            continue
        for size in range(min(table.max_words, len(words) - position), 0, -1):
            alias = _exact(table, "".join(words[position:position + size]))
            if alias and table.commands[alias.command].anywhere:
                return _Hit(alias, position, position + size)
        position += 1
    return None


def _place_at(index: PlaceIndex, words: list[str], start: int, raw: str) -> tuple[Place, int] | None:
    """The place named exactly by the words at ``start``, and where its name ends."""
    for size in range(min(index.max_words, len(words) - start), 0, -1):
        place = index.lookup(words[start:start + size], raw)
        if place:
            return place, start + size
    return None


def _place_in(index: PlaceIndex, words: list[str], used: set[int], raw: str) -> Place | None:
    """The first place named in the words not ``used`` by the command: exactly, then with a typo."""
    spans = [(start, size) for size in range(index.max_words, 0, -1)
             for start in range(len(words) - size + 1)
             if not used.intersection(range(start, start + size))]
    spans.sort(key=lambda span: (span[0], -span[1]))
    for start, size in spans:
        place = index.lookup(words[start:start + size], raw)
        if place:
            return place
    for start, size in spans:
        if index.is_name(words[start:start + size]):
            continue  # a name shared by two places ("karakol"): no guessing by typo either
        place = index.lookup_typo(words[start:start + size])
        if place:
            return place
    return None
