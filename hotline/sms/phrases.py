"""What people write besides keywords (``data/sms_phrases.yaml``), as the matcher holds it.

People text the way they speak: "балага суйунчу", "пенсия качан", "кайра чалыңыз", "россия келдим
10 кун". The phrase file names

- **topics**: what a message is about (a programme, a service, a deadline), each under a command
  of ``sms_commands.yaml``, with the words that name it and the short fact its first reply leads
  with (from a rule of ``data/rules``, whose numbers it may not contradict: checked by the tests);
- **requests**: phrases that ask for a command's action anywhere in a text ("перезвоните мне");
- **questions**: question words (канча, качан, кайда, кантип), which pick the fact a topic leads with.

:mod:`hotline.sms.phrase_file` reads and checks the file; :mod:`hotline.sms.understand` matches a
message against the :class:`PhraseTable`. Spellings are folded like the commands'
(:func:`~hotline.sms.commands.alias_key`); a word ending in ``*`` is a prefix, for Russian endings
("пособи*": пособие, пособия, пособием; "пособи* на ребен*": пособием на ребенка).
"""

from dataclasses import dataclass, field
from pathlib import Path

from hotline.eligibility.model import Text

QUESTION_KINDS = ("how_much", "when", "where", "how")
#: Prefixes (``пособи*``) and typos need this many letters, so that short words stay themselves.
MIN_PREFIX = 4
MIN_TYPO = 6


@dataclass(frozen=True)
class Call:
    """The number that can direct the person: an office's (``office``) under a short ``label``, or
    None for the hotline's own callback (CHAL)."""

    office: str | None
    label: Text | None = None


@dataclass(frozen=True)
class Topic:
    """What a message can be about, and what its first reply says (see the module docstring)."""

    code: str
    command: str
    fact: Text
    call: Call
    default: bool = False  # the topic of its command's plain keyword (KOMOK, PENSIYA)
    rule: str | None = None  # the eligibility rule its facts come from, and "2 – check" asks
    offices: tuple[str, ...] = ()  # offices its texts quote besides the rule (checked by the tests)
    answers: dict[str, Text] = field(default_factory=dict, hash=False)  # question kind → the fact
    where: Text | None = None  # where to go, before the number
    local: str | None = None  # a directory topic whose office in the person's region comes first
    numbers: tuple[str, ...] = ()  # rule questions a number with a unit word answers ("10 кун")
    row: int = 0

    def fact_for(self, question: str | None) -> Text:
        """The fact that answers ``question`` (a question kind), else the topic's own."""
        return self.answers.get(question, self.fact) if question else self.fact


@dataclass(frozen=True)
class Phrase:
    """A folded spelling and what it means: a ``topic``, a ``request`` (a command code) or a
    ``question`` kind; for ``context`` and ``unit`` words, the topic and (units) the question.
    ``words`` is set for a spelling with prefixes: each folded word, and whether it is a prefix."""

    key: str
    kind: str
    target: str
    languages: dict[str, str] = field(hash=False)
    question: str | None = None
    words: tuple[tuple[str, bool], ...] = ()

    def matches(self, words: list[str], start: int) -> bool:
        """Whether the words from ``start`` spell this pattern (its prefixes as prefixes)."""
        if start + len(self.words) > len(words):
            return False
        return all(words[start + i].startswith(text) if prefix else words[start + i] == text
                   for i, (text, prefix) in enumerate(self.words))

    def language(self, script: str) -> str:
        return self.languages.get(script) or next(iter(self.languages.values()))


@dataclass
class PhraseTable:
    """The topics, and the indexes :mod:`hotline.sms.understand` matches a message with."""

    path: Path | None = None
    topics: dict[str, Topic] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)  # command code → its default topic
    exact: dict[str, Phrase] = field(default_factory=dict)  # topics, requests, questions
    context: dict[str, tuple[Phrase, ...]] = field(default_factory=dict)  # beside the topic's command
    units: dict[str, tuple[Phrase, ...]] = field(default_factory=dict)  # after a number
    patterns: dict[str, tuple[Phrase, ...]] = field(default_factory=dict)  # with prefixes, by first letters
    typo_keys: dict[int, list[str]] = field(default_factory=dict)
    max_words: int = 1
