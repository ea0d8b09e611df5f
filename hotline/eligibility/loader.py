"""Load ``data/rules/*.yaml`` into validated :class:`Rule` objects.

A rule that would mislead a caller must never load: every mistake stops the loader with the file,
the rule and the field named (see ``data/rules/README.md`` for the schema).
"""

import datetime as dt
import re
from pathlib import Path

from hotline.config import ROOT
from hotline.directory.loader import DATA_DIR, KINDS, DataError, DirectoryData, load_directory, read_yaml
from hotline.eligibility import schema
from hotline.eligibility.expressions import (
    DATE, NUMBER, SchemaError, Symbol, compile_condition, compile_expression, references,
)
from hotline.eligibility.model import (
    CANNOT_TELL, DOES_NOT_QUALIFY, MAY_QUALIFY, AmountCase, ApplyAt, Check, Citation, Consistency, DeadlineSpec,
    Rule,
)

RULES_DIR = DATA_DIR / "rules"
RULE_KINDS = {"benefit", "service", "programme", "deadline", "check"}
RULE_FIELDS = {
    "id", "kind", "name", "sms_keyword", "document", "valid_as_of", "sources", "questions",
    "sms_order", "derived", "checks", "amount", "apply_at", "documents", "deadlines", "notes",
    "unverified", "next_steps", "consistency",
}
REQUIRED = {"id", "kind", "name", "document", "questions", "checks", "apply_at", "sources", "next_steps"}
KEYWORD = re.compile(r"^[A-Z]{2,12}$")


class RuleError(ValueError):
    """A mistake in a rule file, located by file, rule and field."""

    def __init__(self, path: Path, message: str, rule: str | None = None, field: str | None = None,
                 line: int | None = None):
        self.path, self.rule, self.field, self.line = path, rule, field, line
        where = [_display(path) + (f":{line}" if line else "")]
        if rule:
            where.append(f"rule '{rule}'")
        if field:
            where.append(f"field '{field}'")
        super().__init__(", ".join(where) + f": {message}")


def load_rules(directory: Path = RULES_DIR, services: DirectoryData | None = None) -> dict[str, Rule]:
    """Read and validate every ``*.yaml`` in ``directory``; topics and offices come from ``services``."""
    paths = sorted(Path(directory).glob("*.yaml"))
    if not paths:
        raise RuleError(Path(directory), "no rule files (*.yaml) found")
    services = services or load_directory()
    topics = {t["code"] for t in services.topics}
    offices = {o["code"] for o in services.offices}
    rules: dict[str, Rule] = {}
    keywords: dict[str, str] = {}
    for path in paths:
        try:
            raw = read_yaml(path)
        except DataError as exc:
            raise RuleError(path, str(exc).split(": ", 1)[-1], line=exc.line) from None
        rule_id = raw.get("id") if isinstance(raw, dict) else None
        try:
            rule = _build(raw, path, topics, offices)
        except SchemaError as exc:
            raise RuleError(path, exc.message, rule_id if isinstance(rule_id, str) else None, exc.field) from None
        if rule.sms_keyword in keywords:
            raise RuleError(path, f"SMS keyword already used by {keywords[rule.sms_keyword]}", rule.id, "sms_keyword")
        if rule.sms_keyword:
            keywords[rule.sms_keyword] = rule.id
        rules[rule.id] = rule
    return rules


class _Context:
    """What the parts of one rule need to know about the rest of it."""

    def __init__(self, document: str, valid_as_of):
        self.document, self.valid_as_of = document, valid_as_of
        self.symbols: dict[str, Symbol] = {}

    @property
    def names(self) -> set[str]:
        return set(self.symbols)

    def cite(self, raw: dict, field: str):
        same = raw.get("document", self.document) == self.document
        return schema.citation(raw, field, self.document, self.valid_as_of if same else None)


def _build(raw, path: Path, topics: set[str], offices: set[str]) -> Rule:
    raw = schema.fields(raw, RULE_FIELDS, "", REQUIRED)
    rule_id = schema.slug(raw["id"], "id")
    if rule_id != path.stem:
        raise SchemaError("id", f"'{rule_id}' must match the file name ({path.stem}.yaml)")
    if raw.get("kind") not in RULE_KINDS:
        raise SchemaError("kind", f"expected one of {', '.join(sorted(RULE_KINDS))}")
    if "valid_as_of" not in raw:
        raise SchemaError("valid_as_of", "missing (write null when the document is undated)")
    valid_as_of = raw["valid_as_of"]
    if valid_as_of is not None and not (isinstance(valid_as_of, dt.date) and not isinstance(valid_as_of, dt.datetime)):
        raise SchemaError("valid_as_of", f"expected a date (YYYY-MM-DD) or null, got {valid_as_of!r}")
    context = _Context(raw["document"], valid_as_of)
    schema.citation({"lines": "1"}, "", context.document, None)  # the document must exist

    questions, derived = _questions(raw, context)
    sms_order = tuple(schema.listing(raw.get("sms_order"), "sms_order"))
    for index, name in enumerate(sms_order):
        if name not in {q.id for q in questions} or sms_order.index(name) != index:
            raise SchemaError(f"sms_order[{index}]", f"unknown or repeated question '{name}'")
    keyword = raw.get("sms_keyword")
    if keyword is not None and (not isinstance(keyword, str) or not KEYWORD.match(keyword)):
        raise SchemaError("sms_keyword", "expected 2-12 capital Latin letters, like KOMOK")

    checks = _checks(raw["checks"], context)
    rule = Rule(
        id=rule_id, name=schema.pair(raw["name"], "name", set()), kind=raw["kind"],
        questions=questions, sms_order=sms_order, sms_keyword=keyword, derived=derived,
        checks=checks, amount=_amount(raw.get("amount"), context),
        apply_at=_apply_at(raw["apply_at"], context, topics, offices),
        documents=schema.items(raw.get("documents"), "documents", context),
        deadlines=_deadlines(raw.get("deadlines"), context),
        notes=schema.items(raw.get("notes"), "notes", context, ask=True),
        next_steps=_next_steps(raw["next_steps"], context, checks),
        unverified=schema.items(raw.get("unverified"), "unverified", context),
        sources=tuple(_source(s, f"sources[{i}]", context) for i, s in enumerate(schema.listing(raw["sources"], "sources", required=True))),
        valid_as_of=valid_as_of, path=_display(path),
        consistency=_consistency(raw.get("consistency"), context, {q.id for q in questions}),
    )
    _every_question_matters(rule)
    return rule


def _every_question_matters(rule: Rule) -> None:
    """A question that no check, amount, deadline or ``ask`` note reads would never be asked."""
    trees = [c.require for c in rule.checks] + [c.applies for c in rule.checks] + [a.when for a in rule.amount] + [a.value for a in rule.amount]
    trees += [d.when for d in rule.deadlines] + [d.date for d in rule.deadlines]
    trees += [n.when for n in rule.notes if n.ask]
    read = {q for tree in trees if tree is not None for q in references(tree, rule.derived)}
    for index, question in enumerate(rule.questions):
        if question.id not in read:
            raise SchemaError(f"questions[{index}].id",
                              f"question '{question.id}' is never asked: no check, amount, deadline or ask-note reads it")


def _questions(raw: dict, context: _Context) -> tuple[tuple, dict]:
    """The questions and the derived values, each added to the names the rest of the rule may use."""
    listed = schema.listing(raw["questions"], "questions")
    questions = tuple(schema.question(q, f"questions[{i}]") for i, q in enumerate(listed))
    for index, question in enumerate(questions):
        if question.id in context.symbols:
            raise SchemaError(f"questions[{index}].id", f"question '{question.id}' is defined twice")
        context.symbols[question.id] = schema.symbol_of(question)
    derived = {}
    if not isinstance(raw.get("derived") or {}, dict):
        raise SchemaError("derived", "expected a mapping of name: expression")
    for name, expression in (raw.get("derived") or {}).items():
        if name == "__line__":
            continue
        schema.slug(name, f"derived.{name}")
        if name in context.symbols or name in schema.BUILT_IN_PLACEHOLDERS:
            raise SchemaError(f"derived.{name}", f"'{name}' is already a question or a reserved name")
        # in file order: a derived value may use the questions and the derived values above it
        derived[name] = compile_expression(expression, context.symbols, f"derived.{name}")
        context.symbols[name] = Symbol(derived[name].kind, question=False)
    return questions, derived


def _checks(raw, context: _Context) -> tuple[Check, ...]:
    checks, ids = [], set()
    for index, entry in enumerate(schema.listing(raw, "checks")):
        where = f"checks[{index}]"
        entry = schema.fields(entry, {"id", "applies", "require", "otherwise", "reason", "ok", "lines", "document"},
                              where, {"id", "require", "otherwise", "reason", "lines"})
        check_id = schema.slug(entry["id"], f"{where}.id")
        if check_id in ids:
            raise SchemaError(f"{where}.id", f"check '{check_id}' is defined twice")
        ids.add(check_id)
        if entry["otherwise"] not in (DOES_NOT_QUALIFY, CANNOT_TELL):
            raise SchemaError(f"{where}.otherwise", f"expected {DOES_NOT_QUALIFY} or {CANNOT_TELL}")
        ok = schema.pair(entry["ok"], f"{where}.ok", context.names) if entry.get("ok") is not None else None
        applies = entry.get("applies")
        checks.append(Check(
            check_id, compile_condition(entry["require"], context.symbols, f"{where}.require"), entry["otherwise"],
            schema.pair(entry["reason"], f"{where}.reason", context.names), ok, context.cite(entry, where),
            None if applies is None else compile_condition(applies, context.symbols, f"{where}.applies")))
    return tuple(checks)


def _consistency(raw, context: _Context, questions: set[str]) -> tuple[Consistency, ...]:
    """Answers that must fit together (children under 16 are fewer than the family): not a fact of
    the document but of arithmetic, so no ``lines``."""
    result, ids = [], set()
    for index, entry in enumerate(schema.listing(raw, "consistency")):
        where = f"consistency[{index}]"
        entry = schema.fields(entry, {"id", "require", "ask_again", "ky", "ru"}, where,
                              {"id", "require", "ask_again", "ky", "ru"})
        entry_id = schema.slug(entry["id"], f"{where}.id")
        if entry_id in ids:
            raise SchemaError(f"{where}.id", f"'{entry_id}' is defined twice")
        ids.add(entry_id)
        again = tuple(schema.listing(entry["ask_again"], f"{where}.ask_again", required=True))
        for name in again:
            if name not in questions:
                raise SchemaError(f"{where}.ask_again", f"unknown question '{name}'")
        result.append(Consistency(entry_id, compile_condition(entry["require"], context.symbols, f"{where}.require"),
                                  again, schema.text(entry, where, context.names)))
    return tuple(result)


def _amount(raw, context: _Context) -> tuple[AmountCase, ...]:
    cases = []
    for index, entry in enumerate(schema.listing(raw, "amount")):
        where = f"amount[{index}]"
        entry = schema.fields(entry, {"when", "value", "ky", "ru", "lines", "document"}, where, {"lines"})
        if cases and cases[-1].when is None:
            raise SchemaError(where, "never used: the case before it has no 'when'")
        when = compile_condition(entry["when"], context.symbols, f"{where}.when") if entry.get("when") is not None else None
        value = None
        if entry.get("value") is not None:
            value = compile_expression(entry["value"], context.symbols, f"{where}.value")
            if value.kind != NUMBER:
                raise SchemaError(f"{where}.value", f"expected a number of som, got a {value.kind}")
        cases.append(AmountCase(schema.text(entry, where, context.names), context.cite(entry, where), when, value))
    return tuple(cases)


def _apply_at(raw, context: _Context, topics: set[str], offices: set[str]) -> ApplyAt:
    raw = schema.fields(raw, {"topic", "kind", "offices", "ky", "ru", "lines", "document"}, "apply_at",
                        {"topic", "kind", "lines"})
    if raw["topic"] not in topics:
        raise SchemaError("apply_at.topic", f"unknown topic {raw['topic']!r} (data/topics.yaml)")
    if raw["kind"] not in KINDS:
        raise SchemaError("apply_at.kind", f"unknown office kind {raw['kind']!r} (data/README.md)")
    named = schema.listing(raw.get("offices"), "apply_at.offices")
    for office in named:
        if office not in offices:
            raise SchemaError("apply_at.offices", f"unknown office {office!r} (data/offices/)")
    return ApplyAt(raw["topic"], raw["kind"], tuple(named), schema.text(raw, "apply_at", context.names),
                   context.cite(raw, "apply_at"))


def _deadlines(raw, context: _Context) -> tuple[DeadlineSpec, ...]:
    result = []
    for index, entry in enumerate(schema.listing(raw, "deadlines")):
        where = f"deadlines[{index}]"
        entry = schema.fields(entry, {"date", "ky", "ru", "passed", "when", "lines", "document"}, where, {"lines"})
        when = compile_condition(entry["when"], context.symbols, f"{where}.when") if entry.get("when") is not None else None
        date = None
        if entry.get("date") is not None:
            date = compile_expression(entry["date"], context.symbols, f"{where}.date")
            if date.kind != DATE:
                raise SchemaError(f"{where}.date", f"expected a date, got a {date.kind}")
        passed = schema.pair(entry["passed"], f"{where}.passed", context.names) if entry.get("passed") else None
        result.append(DeadlineSpec(schema.text(entry, where, context.names),
                                   context.cite(entry, where), date, passed, when))
    return tuple(result)


def _next_steps(raw, context: _Context, checks) -> dict:
    keys = {MAY_QUALIFY, DOES_NOT_QUALIFY, CANNOT_TELL, "unverified"}
    needed = {MAY_QUALIFY, CANNOT_TELL} | ({DOES_NOT_QUALIFY} if any(c.otherwise == DOES_NOT_QUALIFY for c in checks) else set())
    raw = schema.fields(raw, keys, "next_steps", needed)
    return {key: schema.items(raw.get(key), f"next_steps.{key}", context, cited=False) for key in keys}


def _source(raw, field: str, context: _Context):
    raw = schema.fields(raw, {"lines", "document", "valid_as_of"}, field, {"lines"})
    source = context.cite(raw, field)
    if "valid_as_of" in raw:
        value = raw["valid_as_of"]
        if value is not None and not isinstance(value, dt.date):
            raise SchemaError(f"{field}.valid_as_of", f"expected a date or null, got {value!r}")
        source = Citation(source.document, source.lines, value)
    return source


def _display(path: Path) -> str:
    try:
        return str(Path(path).relative_to(ROOT))
    except ValueError:
        return str(path)
