"""Conditions and arithmetic in rule files, compiled into small typed trees (never eval/exec).

A rule writes ``{lt: [{div: [family_income, family_size]}, 1000]}``: a mapping with one operator
and its arguments. A bare string names a question, a derived value, or ``today``; numbers, ``true``
/``false`` and dates are literals. Each tree is type-checked once, when the rule is loaded, so a
rule that compares a yes/no with a number, or names a question that does not exist, never reaches
a caller.
"""

import datetime as dt
import math
from dataclasses import dataclass
from fractions import Fraction

NUMBER, BOOL, DATE, CHOICE = "number", "yes/no", "date", "choice"
TODAY = "today"

LOGIC = {"all", "any", "not"}
ORDER = {"lt", "le", "gt", "ge"}
EQUALITY = {"eq", "ne"}
ARITHMETIC = {"add": (2, None), "mul": (2, None), "min": (2, None), "max": (2, None),
              "sub": (2, 2), "div": (2, 2)}
#: date functions: operator → (argument kinds, result kind)
DATES = {
    "add_days": ((DATE, NUMBER), DATE),
    "add_months": ((DATE, NUMBER), DATE),
    "days_ago": ((NUMBER,), DATE),
    "days_since": ((DATE,), NUMBER),
    "months_since": ((DATE,), NUMBER),
    "years_since": ((DATE,), NUMBER),
}
OPERATORS = LOGIC | ORDER | EQUALITY | {"is"} | set(ARITHMETIC) | set(DATES)


class SchemaError(ValueError):
    """A mistake at ``field`` (a path such as ``checks[1].require.lt[0]``) in one rule."""

    def __init__(self, field: str, message: str):
        self.field, self.message = field, message
        super().__init__(f"field '{field}': {message}")


@dataclass(frozen=True)
class Symbol:
    """What a name stands for inside one rule."""

    kind: str
    question: bool = True
    options: frozenset = frozenset()  # option ids, for a choice question


@dataclass(frozen=True)
class Const:
    value: object  # Fraction, bool or date
    kind: str


@dataclass(frozen=True)
class Ref:
    name: str
    kind: str
    question: bool


@dataclass(frozen=True)
class Call:
    op: str
    args: tuple
    kind: str


@dataclass(frozen=True)
class Is:
    ref: Ref
    options: frozenset
    kind: str = BOOL


def compile_condition(raw, symbols: dict[str, Symbol], field: str):
    """Compile ``raw`` and insist that it is a condition (yes/no)."""
    node = compile_expression(raw, symbols, field)
    if node.kind != BOOL:
        raise SchemaError(field, f"expected a condition (yes/no), got a {node.kind}")
    return node


def compile_expression(raw, symbols: dict[str, Symbol], field: str):
    """Compile one expression from a rule file into a typed tree, or raise :class:`SchemaError`."""
    if isinstance(raw, bool):  # before int: YAML's true/false are ints to Python
        return Const(raw, BOOL)
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and not math.isfinite(raw):  # YAML's .nan and .inf
            raise SchemaError(field, f"{raw} is not a number a rule can use")
        return Const(Fraction(str(raw)), NUMBER)
    if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
        return Const(raw, DATE)
    if isinstance(raw, str):
        if raw == TODAY:
            return Ref(TODAY, DATE, question=False)
        if raw not in symbols:
            raise SchemaError(field, f"unknown question or value '{raw}'")
        symbol = symbols[raw]
        return Ref(raw, symbol.kind, symbol.question)
    if not isinstance(raw, dict) or len([k for k in raw if k != "__line__"]) != 1:
        raise SchemaError(field, f"expected a value or a mapping with one operator, got {_show(raw)}")
    op, args = next((k, v) for k, v in raw.items() if k != "__line__")
    if op not in OPERATORS:
        raise SchemaError(field, f"unknown operator '{op}'")
    where = f"{field}.{op}"
    if op == "is":
        return _compile_is(args, symbols, where)
    if op == "not" or op in DATES and len(DATES[op][0]) == 1:
        args = args if isinstance(args, list) else [args]
    if not isinstance(args, list):
        raise SchemaError(where, "expected a list of arguments")
    nodes = tuple(compile_expression(a, symbols, f"{where}[{i}]") for i, a in enumerate(args))
    return _typed_call(op, nodes, where)


def _typed_call(op: str, nodes: tuple, where: str) -> Call:
    kinds = [n.kind for n in nodes]
    if op in LOGIC:
        if op == "not" and len(nodes) != 1 or not nodes:
            raise SchemaError(where, "'not' takes one condition" if op == "not" else "expected conditions")
        for index, kind in enumerate(kinds):
            if kind != BOOL:
                raise SchemaError(f"{where}[{index}]", f"expected a condition (yes/no), got a {kind}")
        return Call(op, nodes, BOOL)
    if op in ORDER or op in EQUALITY:
        if len(nodes) != 2:
            raise SchemaError(where, "compares exactly two values")
        allowed = (NUMBER, DATE) if op in ORDER else (NUMBER, DATE, BOOL)
        if kinds[0] != kinds[1] or kinds[0] not in allowed:
            raise SchemaError(where, f"'{op}' compares a {kinds[0]} with a {kinds[1]}")
        return Call(op, nodes, BOOL)
    if op in ARITHMETIC:
        least, most = ARITHMETIC[op]
        if len(nodes) < least or most is not None and len(nodes) > most:
            raise SchemaError(where, f"'{op}' takes {least if most else f'{least} or more'} numbers")
        for index, kind in enumerate(kinds):
            if kind != NUMBER:
                raise SchemaError(f"{where}[{index}]", f"'{op}' expects a number, got a {kind}")
        return Call(op, nodes, NUMBER)
    expected, result = DATES[op]
    if tuple(kinds) != expected:
        raise SchemaError(where, f"'{op}' expects ({', '.join(expected)}), got ({', '.join(kinds)})")
    return Call(op, nodes, result)


def _compile_is(args, symbols, where) -> Is:
    if not (isinstance(args, list) and len(args) == 2 and isinstance(args[1], list) and args[1]):
        raise SchemaError(where, "expected [choice question, [option ids]]")
    ref = compile_expression(args[0], symbols, f"{where}[0]")
    if ref.kind != CHOICE or not isinstance(ref, Ref):
        raise SchemaError(f"{where}[0]", f"'is' needs a choice question, got a {ref.kind}")
    options = symbols[ref.name].options
    for option in args[1]:
        if option not in options:
            raise SchemaError(f"{where}[1]", f"'{option}' is not an option of '{ref.name}'")
    return Is(ref, frozenset(args[1]))


def references(node, derived: dict) -> list[str]:
    """Question ids a tree reads, through derived values, in the order they appear."""
    found: list[str] = []

    def walk(n):
        if isinstance(n, Ref):
            if n.question:
                found.append(n.name)
            elif n.name in derived:
                walk(derived[n.name])
        elif isinstance(n, Is):
            walk(n.ref)
        elif isinstance(n, Call):
            for arg in n.args:
                walk(arg)

    walk(node)
    return list(dict.fromkeys(found))


def _show(raw) -> str:
    if isinstance(raw, dict):
        return "{" + ", ".join(str(k) for k in raw if k != "__line__") + "}"
    return repr(raw)
