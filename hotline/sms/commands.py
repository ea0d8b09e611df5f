"""The SMS command table (``data/sms_commands.yaml``): loaded once, validated, indexed for matching.

Every mistake in the file is a :class:`~hotline.directory.loader.DataError` (a ``ValueError``)
naming the file, the row and the field, like the directory files. Spellings are stored in their
folded form (:func:`~hotline.sms.normalize.fold_for_match`) with the spaces taken out, so that
"den sooluk", "ден-соолук" and "densooluk" are one key.
"""

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from hotline.directory.loader import DATA_DIR, SLUG, DataError, read_yaml
from hotline.sms.normalize import fold_for_match, script_of

if TYPE_CHECKING:
    from hotline.sms.phrases import PhraseTable

COMMANDS_FILE = DATA_DIR / "sms_commands.yaml"
PHRASES_FILE = DATA_DIR / "sms_phrases.yaml"
ACTIONS = {"directory", "callback", "language", "menu", "opt_out", "opt_in"}
LANGUAGES = {"ky", "ru", "en"}
FIELDS = {"code", "keyword", "keyword_cyrillic", "label_ky", "label_ru", "action", "topics", "menu",
          "typos", "anywhere", "check", "aliases"}
REQUIRED = ("code", "keyword", "keyword_cyrillic", "label_ky", "label_ru", "action", "aliases")
LABEL_LIMIT = 24
#: Typos are forgiven only in spellings at least this long: "ok", "da", "net" stay themselves.
MIN_TYPO_LENGTH = 4
_KEYWORD = re.compile(r"^[A-Z]+( [A-Z]+)*$")
_MENU_DIGIT = re.compile(r"^[1-9]$")


@dataclass(frozen=True)
class Command:
    """One thing people can text, and how the webhook answers it (``action``, ``topics``)."""

    code: str
    keyword: str
    keyword_cyrillic: str
    label_ky: str
    label_ru: str
    action: str
    topics: tuple[str, ...]
    menu: bool
    typos: bool
    anywhere: bool
    #: what each number of the eligibility check form means (``KOMOK 5 3 4000``), per language, in
    #: the order of the rule's ``sms_order``; empty for commands without a check
    check: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Alias:
    """A spelling in folded form (``key`` has no spaces), the command it means, and its language
    by the alphabet it was typed in ("stop" is English, "стоп" Russian: both fold to one key)."""

    key: str
    command: str
    languages: dict[str, str] = field(hash=False)
    #: Letters in the longest spelling as written: ДМЧ folds to "dmch" but is three letters,
    #: too short to guess at.
    letters: int = 0

    def language(self, script: str) -> str:
        """The language of this spelling when typed in ``script``."""
        return self.languages.get(script) or next(iter(self.languages.values()))


@dataclass
class CommandTable:
    """The commands in file order, and the indexes :func:`~hotline.sms.parse.parse_message` uses."""

    path: Path
    commands: dict[str, Command] = field(default_factory=dict)
    aliases: dict[str, Alias] = field(default_factory=dict)
    symbols: dict[str, Alias] = field(default_factory=dict)
    exclusions: frozenset[str] = frozenset()
    #: Keys a one-letter typo may reach, grouped by length for a quick pre-filter.
    typo_keys: dict[int, list[str]] = field(default_factory=dict)
    #: The longest spelling in words, which bounds how far the matcher looks ahead.
    max_words: int = 1
    #: Topics, requests and question words (``sms_phrases.yaml`` beside the command file).
    phrases: "PhraseTable" = None  # type: ignore[assignment]

    def menu(self) -> list[Command]:
        """The commands a MENU reply lists, in file order."""
        return [command for command in self.commands.values() if command.menu]


def alias_key(text: str) -> str:
    """The folded, space-free form a spelling is stored and looked up under."""
    return fold_for_match(text).replace(" ", "")


def _is_symbol(text: str) -> bool:
    return bool(text.strip()) and not any(ch.isalnum() for ch in text)


def load_commands(path: Path = COMMANDS_FILE, topics_path: Path | None = None) -> CommandTable:
    """Read and validate the command file; topic codes are checked against ``topics.yaml``
    (by default the one beside the command file). The phrase file beside it
    (``sms_phrases.yaml``) is read and checked against the commands too."""
    from hotline.sms.phrase_file import load_phrases  # it builds on this module's table
    topics_path = topics_path or path.parent / "topics.yaml"
    topics_doc = read_yaml(topics_path)
    topics = {row.get("code") for row in (topics_doc or {}).get("topics") or [] if isinstance(row, dict)}
    doc = read_yaml(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("commands"), list):
        raise DataError(path, "expected a mapping with a list under 'commands'")
    unknown = set(doc) - {"commands", "exclusions", "__line__"}
    if unknown:
        raise DataError(path, f"unknown top-level field {sorted(unknown)[0]!r}")
    table = CommandTable(path)
    for index, row in enumerate(doc["commands"], start=1):
        _add_command(table, path, index, row, topics)
    table.exclusions = _exclusions(path, doc.get("exclusions") or [], table)
    for alias in table.aliases.values():
        command = table.commands[alias.command]
        if command.typos and alias.letters >= MIN_TYPO_LENGTH and alias.key.isalpha():
            table.typo_keys.setdefault(len(alias.key), []).append(alias.key)
    table.phrases = load_phrases(path.parent / PHRASES_FILE.name, table, topics)
    return table


def _add_command(table: CommandTable, path: Path, index: int, row, topics: set) -> None:
    if not isinstance(row, dict):
        raise DataError(path, "expected a mapping", index)
    line = row.get("__line__")
    code = row.get("code")
    if not isinstance(code, str) or not SLUG.match(code):
        raise DataError(path, "expected a lowercase slug", index, None, "code", line)

    def fail(name: str, message: str):
        raise DataError(path, message, index, code, name, line)

    if code in table.commands:
        fail("code", "code already used by another command")
    unknown = set(row) - FIELDS - {"__line__"}
    if unknown:
        fail(sorted(unknown)[0], "unknown field")
    for name in REQUIRED:
        if row.get(name) in (None, "", [], {}):
            fail(name, "missing")
    for name in ("keyword", "keyword_cyrillic", "label_ky", "label_ru"):
        if not isinstance(row[name], str):
            fail(name, f"expected text, got {row[name]!r}")
    if not _KEYWORD.match(row["keyword"]):
        fail("keyword", "expected Latin capitals (what people are told to text)")
    for name in ("label_ky", "label_ru"):
        if len(row[name]) > LABEL_LIMIT:
            fail(name, f"longer than {LABEL_LIMIT} characters")
    if row["action"] not in ACTIONS:
        fail("action", f"unknown action {row['action']!r} (one of {', '.join(sorted(ACTIONS))})")
    row_topics = row.get("topics", [])
    if not isinstance(row_topics, list):
        fail("topics", "expected a list of topic codes")
    for topic in row_topics:
        if topic not in topics:
            fail("topics", f"unknown topic {topic!r} (data/topics.yaml)")
    if row["action"] == "directory" and not row_topics:
        fail("topics", "a directory command needs at least one topic")
    if row["action"] != "directory" and row_topics:
        fail("topics", f"only directory commands answer from topics, not {row['action']!r}")
    flags = {}
    for name in ("menu", "typos", "anywhere"):
        flags[name] = row.get(name, True)
        if not isinstance(flags[name], bool):
            fail(name, "expected true or false")
    table.commands[code] = Command(
        code=code, keyword=row["keyword"], keyword_cyrillic=row["keyword_cyrillic"],
        label_ky=row["label_ky"], label_ru=row["label_ru"], action=row["action"],
        topics=tuple(row_topics), check=_check_labels(row.get("check"), row["action"], fail), **flags)
    own = _add_aliases(table, code, row["aliases"], fail)
    for name in ("keyword", "keyword_cyrillic"):
        if alias_key(row[name]) not in own:
            fail(name, f"{row[name]!r} is not one of the command's aliases, so texting it would fail")


def _check_labels(check, action: str, fail) -> dict[str, tuple[str, ...]]:
    """The labels of the check form's numbers: the same count in ky and ru, for directory commands."""
    if check is None:
        return {}
    if action != "directory":
        fail("check", "only directory commands (those with an eligibility rule) take a check form")
    if not isinstance(check, dict) or set(check) - {"__line__"} != {"ky", "ru"}:
        fail("check", "expected labels in ky and ru")
    labels = {}
    for lang in ("ky", "ru"):
        items = check[lang]
        if not isinstance(items, list) or not items or not all(isinstance(i, str) and i.strip() for i in items):
            fail(f"check.{lang}", "expected a list of labels, one per number")
        labels[lang] = tuple(items)
    if len(labels["ky"]) != len(labels["ru"]):
        fail("check", "ky and ru need the same number of labels")
    return labels


def _add_aliases(table: CommandTable, code: str, aliases, fail) -> set[str]:
    """Index one command's aliases; return their keys."""
    if not isinstance(aliases, dict):
        fail("aliases", "expected a mapping of language (ky, ru, en) to a list of spellings")
    own: set[str] = set()
    for language, spellings in aliases.items():
        if language == "__line__":
            continue
        name = f"aliases.{language}"
        if language not in LANGUAGES:
            fail(name, f"unknown language (one of {', '.join(sorted(LANGUAGES))})")
        if not isinstance(spellings, list) or not all(isinstance(s, (str, int)) for s in spellings):
            fail(name, "expected a list of spellings")
        seen: set[str] = set()
        for spelling in map(str, spellings):
            if spelling in seen:
                fail(name, f"{spelling!r} is listed twice")
            seen.add(spelling)
            if _is_symbol(spelling):
                target, key = table.symbols, spelling.strip()
            else:
                target, key = table.aliases, alias_key(spelling)
                if not key:
                    fail(name, f"{spelling!r} has no letters or digits")
                if _MENU_DIGIT.match(key):
                    fail(name, f"{spelling!r} is a menu choice (a bare 1-9 answers an open menu)")
            other = target.get(key)
            if other and other.command != code:
                fail(name, f"{spelling!r} already means the command {other.command!r}")
            alias = target.setdefault(key, Alias(key, code, {}))
            alias.languages.setdefault(script_of(spelling, "latin"), language)
            letters = sum(ch.isalpha() for ch in spelling)
            if letters > alias.letters:
                target[key] = replace(alias, letters=letters)
            own.add(key)
            table.max_words = max(table.max_words, len(fold_for_match(spelling).split()))
    return own


def _exclusions(path: Path, rows, table: CommandTable) -> frozenset[str]:
    if not isinstance(rows, list):
        raise DataError(path, "expected a list of phrases", field_name="exclusions")
    keys = set()
    for index, phrase in enumerate(rows, start=1):
        if not isinstance(phrase, str) or not alias_key(phrase):
            raise DataError(path, f"exclusion {index}: expected a phrase, got {phrase!r}",
                            field_name="exclusions")
        key = alias_key(phrase)
        if key in table.aliases:
            raise DataError(path, f"exclusion {phrase!r} is also an alias of "
                            f"{table.aliases[key].command!r}", field_name="exclusions")
        keys.add(key)
        table.max_words = max(table.max_words, len(fold_for_match(phrase).split()))
    return frozenset(keys)
