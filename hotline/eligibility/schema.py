"""Reading the parts of a rule file: translations, citations, questions and sentence lists.

Each helper takes the raw YAML and the field path it sits at, and raises :class:`SchemaError` with
that path, so the loader can name the file, the rule and the field of any mistake.
"""

import re

from hotline.directory.loader import SEEDS_DIR
from hotline.eligibility.expressions import (
    BOOL, CHOICE, DATE, NUMBER, SchemaError, Symbol, compile_condition,
)
from hotline.eligibility.model import (
    AMOUNT, COUNT, DAYS_AGO, LANGUAGES, NUMERIC_TYPES, QUESTION_TYPES, STATUSES, Citation, Item,
    Option, Question, Text,
)

SLUG = re.compile(r"^[a-z][a-z0-9_]*$")
LINES = re.compile(r"^\d+(-\d+)?(\s*,\s*\d+(-\d+)?)*$")
DOCUMENT = re.compile(r"^\d{3}_[0-9a-f]+\.txt$")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
#: what a text may say in braces besides question ids and derived values
BUILT_IN_PLACEHOLDERS = {"amount", "deadline", "days_left"}
#: keypad ranges when a rule does not set them
DEFAULT_MAXIMUM = {COUNT: 99, AMOUNT: 99_999_999, DAYS_AGO: 9999}
KIND_OF_TYPE = {COUNT: NUMBER, AMOUNT: NUMBER, DAYS_AGO: NUMBER, "yes_no": BOOL, "choice": CHOICE,
                "date": DATE}


def fields(raw, allowed: set[str], field: str, required: set[str] = frozenset()) -> dict:
    """``raw`` as a mapping with only ``allowed`` keys and every ``required`` one."""
    if not isinstance(raw, dict):
        raise SchemaError(field, f"expected a mapping, got {type(raw).__name__}")
    for key in raw:
        if key != "__line__" and key not in allowed:
            raise SchemaError(_join(field, key), "unknown field")
    for key in sorted(required):
        if raw.get(key) is None:
            raise SchemaError(_join(field, key), "missing")
    return raw


def listing(raw, field: str, required: bool = False) -> list:
    """A YAML list (absent means empty unless ``required``)."""
    if raw is None and not required:
        return []
    if not isinstance(raw, list) or (required and not raw):
        raise SchemaError(field, "expected a non-empty list" if required else "expected a list")
    return raw


def slug(raw, field: str) -> str:
    if not isinstance(raw, str) or not SLUG.match(raw):
        raise SchemaError(field, f"expected a lowercase id like family_size, got {raw!r}")
    return raw


def text(raw: dict, field: str, names: set[str]) -> Text:
    """The ``ky`` and ``ru`` sentences of a mapping; every ``{name}`` must be a known value."""
    values = {}
    for language in LANGUAGES:
        value = raw.get(language) if isinstance(raw, dict) else None
        if not isinstance(value, str) or not value.strip():
            label = "Kyrgyz" if language == "ky" else "Russian"
            raise SchemaError(_join(field, language), f"missing {label} translation")
        for name in PLACEHOLDER.findall(value):
            if name not in names and name not in BUILT_IN_PLACEHOLDERS:
                raise SchemaError(_join(field, language), f"unknown placeholder {{{name}}}")
        values[language] = " ".join(value.split())
    return Text(**values)


def pair(raw, field: str, names: set[str]) -> Text:
    """A ``{ky: ..., ru: ...}`` mapping and nothing else."""
    return text(fields(raw, set(LANGUAGES), field), field, names)


def citation(raw: dict, field: str, document: str, valid_as_of) -> Citation:
    """The ``lines`` (and optional ``document``) of a mapping, checked against the seed file."""
    lines = raw.get("lines")
    if isinstance(lines, int) and not isinstance(lines, bool):
        lines = str(lines)
    if not isinstance(lines, str) or not LINES.match(lines.strip()):
        raise SchemaError(_join(field, "lines"), f"expected lines like 2140-2142 or '1811, 2140-2142', got {lines!r}")
    document = raw.get("document", document)
    if not isinstance(document, str) or not DOCUMENT.match(document):
        raise SchemaError(_join(field, "document"), f"{document!r} is not a seed file name like 000_a6471b656ce57fa1.txt")
    parts = [part.strip() for part in lines.split(",")]
    for part in parts:
        first, _, last = part.partition("-")
        if not 1 <= int(first) <= int(last or first):
            raise SchemaError(_join(field, "lines"), f"{part} is not a range of lines (from 1, first to last)")
    seed = SEEDS_DIR / document
    if SEEDS_DIR.is_dir():  # a checkout without ../shared checks the names and ranges above, not the file
        if not seed.is_file():
            raise SchemaError(_join(field, "document"), f"{document} is not in {SEEDS_DIR}")
        count = _line_count(seed)
        for part in parts:
            if int(part.rpartition("-")[2]) > count:
                raise SchemaError(_join(field, "lines"), f"{part} is outside {document} (1-{count})")
    return Citation(document, ", ".join(parts), valid_as_of)


def question(raw, field: str) -> Question:
    """One question: id, type, prompt, and options (choice) or a keypad range (numbers)."""
    raw = fields(raw, {"id", "type", "prompt", "sms", "options", "min", "max"}, field, {"id", "type", "prompt"})
    question_id = slug(raw["id"], _join(field, "id"))
    if question_id in BUILT_IN_PLACEHOLDERS or question_id == "today":
        raise SchemaError(_join(field, "id"), f"'{question_id}' is reserved")
    kind = raw["type"]
    if kind not in QUESTION_TYPES:
        raise SchemaError(_join(field, "type"), f"unknown type {kind!r} (one of {', '.join(QUESTION_TYPES)})")
    prompt = pair(raw["prompt"], _join(field, "prompt"), set())
    sms = pair(raw["sms"], _join(field, "sms"), set()) if raw.get("sms") is not None else None
    options: tuple[Option, ...] = ()
    if kind == "choice":
        options = _options(raw.get("options"), _join(field, "options"))
    elif "options" in raw:
        raise SchemaError(_join(field, "options"), f"only a choice question has options, not a {kind}")
    minimum, maximum = 0, DEFAULT_MAXIMUM.get(kind)
    for name in ("min", "max"):
        if name in raw:
            value = raw[name]
            if kind not in NUMERIC_TYPES or not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise SchemaError(_join(field, name), f"only count, amount and days_ago take a whole {name} ≥ 0")
            minimum, maximum = (value, maximum) if name == "min" else (minimum, value)
    if maximum is not None and minimum > maximum:
        raise SchemaError(_join(field, "min"), f"min {minimum} is above max {maximum}")
    return Question(question_id, kind, prompt, options, minimum, maximum, sms)


def _options(raw, field: str) -> tuple[Option, ...]:
    if not isinstance(raw, list) or not raw:
        raise SchemaError(field, "a choice question needs a list of options")
    options, digits, ids = [], set(), set()
    for index, entry in enumerate(raw):
        where = f"{field}[{index}]"
        entry = fields(entry, {"digit", "id", "ky", "ru"}, where, {"digit", "id"})
        digit = entry["digit"]
        if not isinstance(digit, int) or isinstance(digit, bool) or not 1 <= digit <= 9 or digit in digits:
            raise SchemaError(_join(where, "digit"), "expected a keypad digit 1-9 used once (0, * and # mean the same on every menu)")
        option_id = slug(entry["id"], _join(where, "id"))
        if option_id in ids:
            raise SchemaError(_join(where, "id"), f"option id '{option_id}' is used twice")
        digits.add(digit)
        ids.add(option_id)
        options.append(Option(digit, option_id, text(entry, where, set())))
    return tuple(options)


def symbol_of(question: Question) -> Symbol:
    """What a question's id means inside the rule's expressions."""
    return Symbol(KIND_OF_TYPE[question.type], True, frozenset(o.id for o in question.options))


def items(raw, field: str, context, ask: bool = False, cited: bool = True) -> tuple[Item, ...]:
    """A list of sentences, each with ``ky``, ``ru``, its ``lines``, an optional ``when`` and
    ``statuses`` (the verdicts it belongs to; all by default)."""
    allowed = {"ky", "ru", "lines", "document", "when", "statuses"} | ({"ask"} if ask else set())
    result = []
    for index, entry in enumerate(listing(raw, field)):
        where = f"{field}[{index}]"
        entry = fields(entry, allowed, where, {"lines"} if cited else set())
        when = None
        if entry.get("when") is not None:
            when = compile_condition(entry["when"], context.symbols, _join(where, "when"))
        wants = entry.get("ask", False)
        if not isinstance(wants, bool) or (wants and when is None):
            raise SchemaError(_join(where, "ask"), "expected true or false, and true only with a 'when'")
        statuses = entry.get("statuses", list(STATUSES))
        if not isinstance(statuses, list) or not statuses or not set(statuses) <= set(STATUSES):
            raise SchemaError(_join(where, "statuses"), f"expected a list of {', '.join(STATUSES)}")
        source = context.cite(entry, where) if "lines" in entry else None
        result.append(Item(text(entry, where, context.names), source, when, wants, tuple(statuses)))
    return tuple(result)


def _join(field: str, key: str) -> str:
    return f"{field}.{key}" if field else key


_LINE_COUNTS: dict = {}


def _line_count(path) -> int:
    if path not in _LINE_COUNTS:  # the seed files never change while the process runs
        _LINE_COUNTS[path] = len(path.read_text(encoding="utf-8").splitlines())
    return _LINE_COUNTS[path]
