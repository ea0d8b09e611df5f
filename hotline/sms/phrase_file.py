"""Reading ``data/sms_phrases.yaml`` (:mod:`hotline.sms.phrases`): loaded once with the command
table, checked against it, indexed for :mod:`hotline.sms.understand`.

Every mistake is a :class:`~hotline.directory.loader.DataError` naming the file, the row and the
field. A spelling may mean one thing only, and no keyword of ``sms_commands.yaml`` (a topic is
reached through its command anyway); context and unit words may be shared, and may be keywords.
"""

from pathlib import Path

from hotline.directory.loader import SLUG, DataError, read_yaml
from hotline.eligibility.model import Text
from hotline.sms.commands import LANGUAGES, CommandTable
from hotline.sms.normalize import fold_for_match, script_of
from hotline.sms.phrases import MIN_PREFIX, MIN_TYPO, QUESTION_KINDS, Call, Phrase, PhraseTable, Topic

TOPIC_FIELDS = {"code", "command", "default", "rule", "offices", "lines", "fact", "answers", "where", "call",
                "local", "numbers", "context", "phrases"}


def load_phrases(path: Path, commands: CommandTable, topics: set | None = None) -> PhraseTable:
    """Read and validate the phrase file against the command table and the directory's ``topics``
    codes (no file: an empty table)."""
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
        _add_topic(table, commands, path, index, row, topics)
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


def _add_topic(table: PhraseTable, commands: CommandTable, path: Path, index: int, row, topics: set | None) -> None:
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
    if row.get("local") is not None and topics is not None and row["local"] not in topics:
        fail("local", f"unknown topic {row['local']!r} (data/topics.yaml)")
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
