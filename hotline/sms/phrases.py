"""What people write besides keywords (``data/sms_phrases.yaml``): loaded once, validated, indexed.

People text the way they speak: "балага суйунчу", "пенсия качан", "кайра чалыңыз", "россия келдим
10 кун". The phrase file names

- **topics**: what a message is about (a programme, a service, a deadline), each under a command
  of ``sms_commands.yaml``, with the words that name it and the short fact its first reply leads
  with (from a rule of ``data/rules``, whose numbers it may not contradict: checked at start);
- **requests**: phrases that ask for a command's action anywhere in a text ("перезвоните мне");
- **questions**: question words (канча, качан, кайда, кантип), which pick the fact a topic leads with.

Every mistake is a :class:`~hotline.directory.loader.DataError` naming the file, the row and the
field. Spellings are folded like the commands' (:func:`~hotline.sms.commands.alias_key`); a word
ending in ``*`` is a prefix, for Russian endings ("пособи*": пособие, пособия, пособием;
"пособи* на ребен*": пособием на ребенка).
"""

from dataclasses import dataclass, field
from pathlib import Path

from hotline.directory.loader import SLUG, DataError, read_yaml
from hotline.eligibility.model import Text
from hotline.sms.commands import LANGUAGES, CommandTable, alias_key
from hotline.sms.normalize import fold_for_match, script_of

QUESTION_KINDS = ("how_much", "when", "where", "how")
TOPIC_FIELDS = {"code", "command", "default", "rule", "offices", "lines", "fact", "answers", "where", "call",
                "local", "numbers", "context", "phrases"}
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


def load_phrases(path: Path, commands: CommandTable) -> PhraseTable:
    """Read and validate the phrase file against the command table (no file: an empty table)."""
    table = PhraseTable(path)
    if not path.exists():
        return table
    doc = read_yaml(path)
    if not isinstance(doc, dict):
        raise DataError(path, "expected a mapping with 'topics', 'requests' and 'questions'")
    unknown = set(doc) - {"topics", "requests", "questions", "__line__"}
    if unknown:
        raise DataError(path, f"unknown top-level field {sorted(unknown)[0]!r}")
    if not isinstance(doc.get("topics"), list):
        raise DataError(path, "expected a list under 'topics'", field_name="topics")
    for index, row in enumerate(doc["topics"], start=1):
        _add_topic(table, commands, path, index, row)
    for name, kinds, check in (("requests", commands.commands, _request_command(commands)),
                               ("questions", QUESTION_KINDS, None)):
        section = doc.get(name) or {}
        if not isinstance(section, dict):
            raise DataError(path, "expected a mapping", field_name=name)
        for target, spellings in section.items():
            if target == "__line__":
                continue
            fail = _failer(path, None, target, name, section.get("__line__"))
            if target not in kinds or (check and not check(target)):
                fail(target, "unknown " + ("command (or not one a request can ask for)" if check else "question kind"))
            _add_spellings(table, commands, name[:-1], target, spellings, fail, target)
    for key, phrase in table.exact.items():
        if phrase.kind in ("topic", "request") and len(key) >= MIN_TYPO and key.isalpha():
            table.typo_keys.setdefault(len(key), []).append(key)
    return table


def _request_command(commands: CommandTable):
    return lambda code: commands.commands[code].action in ("callback", "menu", "language")


def _failer(path: Path, row: int | None, code: str | None, prefix: str, line):
    def fail(name: str, message: str):
        raise DataError(path, message, row, code, f"{prefix}.{name}" if prefix else name, line)
    return fail


def _text(value, fail, name: str, required: bool = True) -> Text | None:
    if value is None and not required:
        return None
    if not isinstance(value, dict) or not all(isinstance(value.get(lang), str) and value[lang].strip()
                                               for lang in ("ky", "ru")):
        fail(name, "expected text in ky and ru")
    return Text(value["ky"].strip(), value["ru"].strip())


def _add_topic(table: PhraseTable, commands: CommandTable, path: Path, index: int, row) -> None:
    if not isinstance(row, dict):
        raise DataError(path, "expected a mapping", index)
    code, line = row.get("code"), row.get("__line__")
    if not isinstance(code, str) or not SLUG.match(code):
        raise DataError(path, "expected a lowercase slug", index, None, "code", line)
    fail = _failer(path, index, code, "", line)
    if code in table.topics:
        fail("code", "code already used by another topic")
    unknown = set(row) - TOPIC_FIELDS - {"__line__"}
    if unknown:
        fail(sorted(unknown)[0], "unknown field")
    command = commands.commands.get(row.get("command"))
    if command is None or command.action != "directory":
        fail("command", f"{row.get('command')!r} is not a directory command of {commands.path.name}")
    default = row.get("default", False)
    if not isinstance(default, bool):
        fail("default", "expected true or false")
    if default and command.code in table.defaults:
        fail("default", f"the command {command.code!r} already has the default topic {table.defaults[command.code]!r}")
    for name in ("rule", "local", "lines"):
        if row.get(name) is not None and not isinstance(row[name], (str, int)):
            fail(name, "expected text")
    offices = row.get("offices") or []
    if not isinstance(offices, list) or not all(isinstance(o, str) for o in offices):
        fail("offices", "expected a list of office ids")
    answers = row.get("answers") or {}
    if not isinstance(answers, dict):
        fail("answers", "expected a mapping of question kind to text")
    for kind in set(answers) - {"__line__"}:
        if kind not in QUESTION_KINDS:
            fail(f"answers.{kind}", f"unknown question kind (one of {', '.join(QUESTION_KINDS)})")
    numbers = _numbers(table, commands, code, row.get("numbers") or [], fail, bool(row.get("rule")))
    topic = Topic(
        code=code, command=command.code, fact=_text(row.get("fact"), fail, "fact"), call=_call(row.get("call"), fail),
        default=default, rule=row.get("rule"), offices=tuple(offices),
        answers={k: _text(v, fail, f"answers.{k}") for k, v in answers.items() if k != "__line__"},
        where=_text(row.get("where"), fail, "where", required=False), local=row.get("local"),
        numbers=numbers, row=index)
    table.topics[code] = topic
    if default:
        table.defaults[command.code] = code
    _add_spellings(table, commands, "topic", code, row.get("phrases") or {}, fail, "phrases")
    _add_spellings(table, commands, "context", code, row.get("context") or {}, fail, "context")
    if not default and not any(p.target == code for p in table.exact.values()) and not any(
            p.target == code for group in table.patterns.values() for p in group):
        fail("phrases", "a topic that is not its command's default needs phrases that name it")


def _call(value, fail) -> Call:
    if value == "callback":
        return Call(None)
    if not isinstance(value, dict) or not isinstance(value.get("office"), str):
        fail("call", "expected 'callback' or {office: <id>, ky: <label>, ru: <label>}")
    return Call(value["office"], _text(value, fail, "call"))


def _numbers(table, commands, code: str, rows, fail, has_rule: bool) -> tuple[str, ...]:
    if not isinstance(rows, list):
        fail("numbers", "expected a list of {question, units}")
    if rows and not has_rule:
        fail("numbers", "numbers feed a rule's questions: the topic needs a 'rule'")
    questions = []
    for i, item in enumerate(rows, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            fail(f"numbers[{i}].question", "expected the id of a question of the topic's rule")
        questions.append(item["question"])
        _add_spellings(table, commands, "unit", code, item.get("units") or {}, fail, f"numbers[{i}].units",
                       question=item["question"])
    return tuple(questions)


def _add_spellings(table: PhraseTable, commands: CommandTable, kind: str, target: str, spellings, fail,
                   name: str, question: str | None = None) -> None:
    """Index the spellings of one target, by language; refuse a spelling with two meanings."""
    if not isinstance(spellings, dict):
        fail(name, "expected a mapping of language (ky, ru, en) to a list of spellings")
    for language, items in spellings.items():
        if language == "__line__":
            continue
        where = f"{name}.{language}"
        if language not in LANGUAGES:
            fail(where, f"unknown language (one of {', '.join(sorted(LANGUAGES))})")
        if not isinstance(items, list) or not all(isinstance(s, (str, int)) for s in items):
            fail(where, "expected a list of spellings")
        for spelling in map(str, items):
            _add_one(table, commands, kind, target, spelling, language, fail, where, question)


def _add_one(table, commands, kind, target, spelling, language, fail, where, question) -> None:
    words = _pattern(spelling)
    key = "".join(text for text, _ in words)
    if not key:
        fail(where, f"{spelling!r} has no letters or digits")
    pattern = any(prefix for _, prefix in words)
    if pattern and any(prefix and (len(text) < MIN_PREFIX or not text.isalpha()) for text, prefix in words):
        fail(where, f"{spelling!r}: a prefix needs at least {MIN_PREFIX} letters before the *")
    if pattern and kind in ("context", "unit"):
        fail(where, f"{spelling!r}: context and unit words are whole words (no *)")
    first = words[0][0][:MIN_PREFIX]  # patterns are found by the first letters of their first word
    if kind in ("topic", "request", "question"):
        alias = commands.aliases.get(key)
        if alias and not pattern:
            fail(where, f"{spelling!r} is already a spelling of the command {alias.command!r}")
        other = table.exact.get(key) if not pattern else next(
            (p for p in table.patterns.get(first, ()) if p.words == words), None)
        if other and (other.kind, other.target) != (kind, target):
            fail(where, f"{spelling!r} already means the {other.kind} {other.target!r}")
    phrase = Phrase(key, kind, target, {script_of(spelling, "latin"): language}, question, words if pattern else ())
    if pattern:
        group = table.patterns.get(first, ())
        if not any(p.words == words and p.target == target for p in group):
            table.patterns[first] = group + (phrase,)
    elif kind in ("context", "unit"):
        index = table.context if kind == "context" else table.units
        group = index.get(key, ())
        if not any(p.target == target for p in group):  # "учет" and "учёт" are one spelling
            index[key] = group + (phrase,)
    else:
        found = table.exact.setdefault(key, phrase)
        found.languages.setdefault(script_of(spelling, "latin"), language)
    table.max_words = max(table.max_words, len(words))


def _pattern(spelling: str) -> tuple[tuple[str, bool], ...]:
    """The folded words of ``spelling``, each with whether it ends in ``*`` (a prefix)."""
    words: list[tuple[str, bool]] = []
    for raw in spelling.split():
        tokens = fold_for_match(raw.rstrip("*")).split()
        words += [(token, False) for token in tokens[:-1]]
        if tokens:
            words.append((tokens[-1], raw.endswith("*")))
    return tuple(words)
