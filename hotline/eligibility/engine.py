"""Evaluate a rule against a caller's answers: the next question that matters, or a verdict.

The order of events for one rule:

1. Each check is true, false, or still open. One failed ``does_not_qualify`` check ends it.
2. Otherwise ask the first question (in the rule's order) that could still decide an open check.
   Once a ``cannot_tell`` check has failed, open ``cannot_tell`` checks no longer matter, so
   their questions are skipped; an open check with nothing left to ask means "ask the office".
3. Then come the questions a dated deadline needs and, for a caller who may qualify, those the
   amount and any priority note need. The verdict is assembled from the rule's sentences, each
   with its source.
"""

import datetime as dt
import math
import re
from fractions import Fraction

from hotline.eligibility.answers import check_answer
from hotline.eligibility.dates import format_date, format_number
from hotline.eligibility.evaluation import Scope
from hotline.eligibility.model import (
    CANNOT_TELL, DOES_NOT_QUALIFY, MAY_QUALIFY, Amount, Consistency, Deadline, NextQuestion, Reason, Rule,
    Text, Verdict,
)

PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


def evaluate(rule: Rule, answers: dict, today: dt.date) -> Verdict | NextQuestion:
    """The next question that matters for ``rule``, or the verdict once nothing more could change it.

    ``answers`` maps question ids to values (int, bool, option id, date); missing ones are
    unanswered. Raises :class:`~hotline.eligibility.answers.AnswerError` for an invalid answer and
    KeyError for an id the rule does not ask.
    """
    answers = {key: check_answer(rule.question(key), value, today)
               for key, value in answers.items() if value is not None}
    scope = Scope(rule, answers, today)
    results = [(check, _result(scope, check)) for check in rule.checks
               if check.applies is None or scope.truth(check.applies) is not False]
    failed = [check for check, result in results if result is False]
    refused = [check for check in failed if check.otherwise == DOES_NOT_QUALIFY]
    if refused:
        return _verdict(rule, scope, DOES_NOT_QUALIFY, [(c.reason, c.citation) for c in refused])
    doubtful = [check for check in failed if check.otherwise == CANNOT_TELL]
    still_open = [check for check, result in results
                  if result is None and (check.otherwise == DOES_NOT_QUALIFY or not doubtful)]
    wanted = [q for check in still_open for q in _needed(scope, check)]
    if wanted:
        return _ask(rule, answers, wanted)
    # Still open with nothing left to ask (e.g. a division by zero): the office has to decide.
    doubtful += still_open
    status = CANNOT_TELL if doubtful else MAY_QUALIFY
    wanted = _details_needed(rule, scope, status)
    if wanted:
        return _ask(rule, answers, wanted)
    if doubtful:
        return _verdict(rule, scope, CANNOT_TELL, [(c.reason, c.citation) for c in doubtful])
    passed = [(check.ok, check.citation) for check, result in results if result and check.ok]
    return _verdict(rule, scope, MAY_QUALIFY, passed)


def _result(scope: Scope, check) -> bool | None:
    """A check's truth; open while it is not known whether it applies (its question is asked)."""
    if check.applies is not None and scope.truth(check.applies) is None:
        return None
    return scope.truth(check.require)


def _needed(scope: Scope, check) -> list[str]:
    applies = [] if check.applies is None or scope.truth(check.applies) is not None else scope.needed(check.applies)
    return applies + scope.needed(check.require)


def find_inconsistency(rule: Rule, answers: dict, today: dt.date) -> tuple[Consistency, Text] | None:
    """The first of the rule's ``consistency`` conditions the answers break (5 children under 16
    in a family of 3), with its message filled in; None while they fit (or cannot be told yet)."""
    scope = Scope(rule, {key: value for key, value in answers.items() if value is not None}, today)
    for entry in rule.consistency:
        if scope.truth(entry.require) is False:
            return entry, Text(_fill(entry.message.ky, scope, {}), _fill(entry.message.ru, scope, {}))
    return None


def _ask(rule: Rule, answers: dict, wanted: list[str]) -> NextQuestion:
    question = next(q for q in rule.questions if q.id in wanted)
    return NextQuestion(rule.id, question, len(answers))


def _details_needed(rule: Rule, scope: Scope, status: str) -> list[str]:
    """Questions the dated deadlines still need, and, for a caller who may qualify, the amount
    and the ``ask`` notes (a priority right) too."""
    wanted: list[str] = []
    for deadline in rule.deadlines:
        applies = scope.truth(deadline.when)
        wanted += scope.needed(deadline.when) if applies is None else scope.needed(deadline.date) if applies else []
    if status != MAY_QUALIFY:
        return wanted
    for case in rule.amount:
        holds = scope.truth(case.when)
        if holds is None:
            wanted += scope.needed(case.when)
            break
        if holds:
            wanted += scope.needed(case.value)
            break
    for note in rule.notes:
        if note.ask:
            wanted += scope.needed(note.when)
    return wanted


def _verdict(rule: Rule, scope: Scope, status: str, reasons: list) -> Verdict:
    amount = _amount(rule, scope) if status != DOES_NOT_QUALIFY else None
    deadlines = _deadlines(rule, scope)
    values = {"amount": format_number(amount.value) if amount and amount.value is not None else None}
    dated = next((d for d in deadlines if d.date is not None), None)
    if dated:
        values |= {"deadline": format_date(dated.date), "days_left": str(dated.days_left)}

    def say(text: Text) -> Text:
        return Text(_fill(text.ky, scope, values), _fill(text.ru, scope, values))

    def applies(item) -> bool:
        return status in item.statuses and scope.truth(item.when) is True

    def chosen(items) -> tuple[Reason, ...]:
        return tuple(Reason(say(i.text), i.citation) for i in items if applies(i))

    unverified = chosen(rule.unverified)
    steps = [i for i in rule.next_steps[status] if applies(i)]
    if unverified:
        steps += [i for i in rule.next_steps["unverified"] if applies(i)]
    favourable = status != DOES_NOT_QUALIFY
    if amount:
        amount = Amount(amount.value, say(amount.text), amount.citation)
    return Verdict(
        rule_id=rule.id, name=rule.name, status=status,
        reasons=tuple(Reason(say(text), citation) for text, citation in reasons),
        amount=amount, next_steps=tuple(say(i.text) for i in steps), apply_at=rule.apply_at,
        documents=chosen(rule.documents) if favourable else (),
        deadlines=tuple(Deadline(say(d.text), d.citation, d.date, d.days_left, d.passed) for d in deadlines),
        notes=chosen(rule.notes) if favourable else (), unverified=unverified,
        sources=rule.sources, valid_as_of=rule.valid_as_of, answers=dict(scope.answers),
    )


def _amount(rule: Rule, scope: Scope) -> Amount | None:
    """The first amount case that holds, without asking anything more (None if undecided)."""
    for case in rule.amount:
        holds = scope.truth(case.when)
        if holds is None:
            return None
        if not holds:
            continue
        if case.value is None:
            return Amount(None, case.text, case.citation)
        value = scope.value(case.value)
        if not value.known:
            return None
        return Amount(math.floor(Fraction(value.lo) + Fraction(1, 2)), case.text, case.citation)
    return None


def _deadlines(rule: Rule, scope: Scope) -> list[Deadline]:
    result = []
    for spec in rule.deadlines:
        if scope.truth(spec.when) is not True:
            continue
        if spec.date is None:
            result.append(Deadline(spec.text, spec.citation))
            continue
        value = scope.value(spec.date)
        if not value.known:
            continue  # a dated deadline we cannot compute yet is not said at all
        day = dt.date.fromordinal(int(value.lo))
        days_left = (day - scope.today).days
        passed = days_left < 0
        text = spec.passed if passed and spec.passed else spec.text
        shown = {"deadline": format_date(day), "days_left": str(days_left)}
        text = Text(_fill(text.ky, scope, shown), _fill(text.ru, scope, shown))
        result.append(Deadline(text, spec.citation, day, days_left, passed))
    return result


def _fill(sentence: str, scope: Scope, values: dict) -> str:
    """Put known values into ``{name}`` places; the loader made sure every name exists."""
    def value(match):
        name = match.group(1)
        shown = values.get(name) if name in values else scope.display(name)
        return shown if shown is not None else "…"

    return PLACEHOLDER.sub(value, sentence)
