"""Evaluate compiled trees against partial answers.

An unanswered number is not "unknown" but a range (a count is 0 or more; a birth date is not after
today), so arithmetic gives ranges and a comparison is decided as soon as the ranges no longer
overlap. That is what lets the engine stop asking: 10 cows in a family of 5 already make more than
4 units per person, whatever the other animals are. Dates are day ordinals inside ranges.
"""

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from hotline.eligibility.dates import INF, format_date, format_number, months_since, shift_months, whole
from hotline.eligibility.expressions import CHOICE, DATE, NUMBER, TODAY, Call, Const, Is, Ref, references
from hotline.eligibility.model import YES_NO, Rule
from hotline.eligibility.schema import KIND_OF_TYPE


@dataclass(frozen=True)
class Span:
    """A number (or a day ordinal) known to lie in ``[lo, hi]``; known when ``lo == hi``."""

    lo: object
    hi: object

    @property
    def known(self) -> bool:
        return self.lo == self.hi

    @staticmethod
    def point(value) -> "Span":
        return Span(value, value)


EVERYTHING = Span(-INF, INF)


class Scope:
    """One rule, one caller's answers so far, and today's date."""

    def __init__(self, rule: Rule, answers: dict, today: dt.date):
        self.rule, self.answers, self.today = rule, answers, today
        self._derived: dict[str, object] = {}

    def value(self, node):
        """A :class:`Span` for numbers and dates, True/False/None for conditions, an option id or None."""
        if isinstance(node, Const):
            if node.kind == DATE:
                return Span.point(node.value.toordinal())
            return Span.point(node.value) if node.kind == NUMBER else node.value
        if isinstance(node, Ref):
            return self._ref(node)
        if isinstance(node, Is):
            chosen = self.value(node.ref)
            return None if chosen is None else chosen in node.options
        args = [self.value(a) for a in node.args]
        if node.op in ("all", "any", "not"):
            return _logic(node.op, args)
        if node.kind == NUMBER and node.op in ("add", "sub", "mul", "div", "min", "max"):
            return _arithmetic(node.op, args)
        if node.op in ("lt", "le", "gt", "ge", "eq", "ne"):
            return _compare(node.op, *args)
        return self._date(node.op, args)

    def truth(self, node) -> bool | None:
        """True, False, or None while the answers so far cannot decide."""
        return True if node is None else self.value(node)

    def decided(self, node) -> bool:
        value = self.value(node)
        return value.known if isinstance(value, Span) else value is not None

    def needed(self, node) -> list[str]:
        """Unanswered questions that could still decide ``node`` (empty once it is decided)."""
        if node is None or self.decided(node):
            return []
        if isinstance(node, Call) and node.op in ("all", "any", "not"):
            found: list[str] = []
            for arg in node.args:
                found.extend(self.needed(arg))
            return list(dict.fromkeys(found))
        return [q for q in references(node, self.rule.derived) if q not in self.answers]

    def display(self, name: str) -> str | None:
        """The known value of a question or derived value as text ("2,6", "01.03.2024"), or None."""
        symbol_kind = self._kind(name)
        value = self.value(Ref(name, symbol_kind, name not in self.rule.derived))
        if not isinstance(value, Span) or not value.known:
            return None
        if symbol_kind == DATE:
            return format_date(dt.date.fromordinal(int(value.lo)))
        return format_number(value.lo)

    def _kind(self, name: str) -> str:
        if name in self.rule.derived:
            return self.rule.derived[name].kind
        return KIND_OF_TYPE[self.rule.question(name).type]

    def _ref(self, node: Ref):
        if node.name == TODAY:
            return Span.point(self.today.toordinal())
        if not node.question:
            if node.name not in self._derived:
                self._derived[node.name] = self.value(self.rule.derived[node.name])
            return self._derived[node.name]
        question = self.rule.question(node.name)
        answer = self.answers.get(node.name)
        if question.type in (YES_NO, CHOICE):
            return answer
        if question.type == DATE:
            if answer is None:
                return Span(-INF, self.today.toordinal())
            return Span.point(answer.toordinal())
        if answer is None:
            top = INF if question.maximum is None else Fraction(question.maximum)
            return Span(Fraction(question.minimum), top)
        return Span.point(Fraction(answer))

    def _date(self, op: str, args: list):
        today = self.today.toordinal()
        if op in ("days_ago", "days_since"):  # both turn "today minus" around: a later input, a smaller result
            return Span(today - args[0].hi, today - args[0].lo)
        if op in ("months_since", "years_since"):
            per = 12 if op == "years_since" else 1
            return Span(whole(months_since(args[0].hi, self.today), per),
                        whole(months_since(args[0].lo, self.today), per))
        day, count = args
        if op == "add_days":
            return Span(day.lo + count.lo, day.hi + count.hi)
        return Span(shift_months(day.lo, count.lo), shift_months(day.hi, count.hi))


def _logic(op: str, values: list):
    if op == "not":
        return None if values[0] is None else not values[0]
    if op == "all":
        return False if False in values else (None if None in values else True)
    return True if True in values else (None if None in values else False)


def _compare(op: str, a, b):
    if not isinstance(a, Span):  # yes/no answers: equal only when both are known
        if a is None or b is None:
            return None
        return (a == b) == (op == "eq")
    if op in ("eq", "ne"):
        if a.known and b.known:
            return (a.lo == b.lo) == (op == "eq")
        return (op == "ne") if a.hi < b.lo or b.hi < a.lo else None
    if op in ("gt", "ge"):
        a, b, op = b, a, "lt" if op == "gt" else "le"
    if a.hi < b.lo or (op == "le" and a.hi == b.lo):
        return True
    if a.lo > b.hi or (op == "lt" and a.lo == b.hi):
        return False
    return None


def _arithmetic(op: str, spans: list) -> Span:
    result = spans[0]
    for other in spans[1:]:
        if op == "add":
            result = Span(result.lo + other.lo, result.hi + other.hi)
        elif op == "sub":
            result = Span(result.lo - other.hi, result.hi - other.lo)
        elif op == "min":
            result = Span(min(result.lo, other.lo), min(result.hi, other.hi))
        elif op == "max":
            result = Span(max(result.lo, other.lo), max(result.hi, other.hi))
        elif op == "mul":
            result = _bounds([_times(x, y) for x in (result.lo, result.hi) for y in (other.lo, other.hi)])
        else:
            result = _divide(result, other)
    return result


def _times(x, y):
    return 0 if x == 0 or y == 0 else x * y  # 0 × ∞ is 0 here: a count of nothing is nothing


def _divide(a: Span, b: Span) -> Span:
    if b.lo <= 0 <= b.hi:
        return EVERYTHING  # division by zero (or by a range holding zero) decides nothing
    quotients = []
    for x in (a.lo, a.hi):
        for y in (b.lo, b.hi):
            if abs(y) == INF:
                if abs(x) == INF:
                    return EVERYTHING
                quotients.append(Fraction(0))
            else:
                quotients.append(x / y)
    return _bounds(quotients)


def _bounds(values: list) -> Span:
    return Span(min(values), max(values))
