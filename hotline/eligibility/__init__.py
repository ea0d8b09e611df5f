"""Eligibility rules: who may qualify for a benefit or right, why, how much, where, and by when.

Rules are data (``data/rules/*.yaml``, one file per benefit or right); this package loads and
validates them and evaluates a caller's answers one question at a time. Pure functions only: the
voice and SMS channels ask the questions and speak or text the verdict.

    rule = load_rules()["uy_bulogo_komok"]
    answers = one_shot_answers(rule, [5, 3, 4000], today)     # "KOMOK 5 3 4000", or {} on a call
    step = evaluate(rule, answers, today)
    while isinstance(step, NextQuestion):                   # one question per Gather or SMS
        answers[step.question.id] = parse_keypad_answer(step.question, digits, today)
        step = evaluate(rule, answers, today)
    step.status, step.reasons, step.amount, step.apply_at ...  # a Verdict
"""

from hotline.eligibility.answers import AnswerError, check_answer, one_shot_answers, parse_keypad_answer
from hotline.eligibility.engine import evaluate, find_inconsistency
from hotline.eligibility.expressions import SchemaError
from hotline.eligibility.loader import RULES_DIR, RuleError, load_rules
from hotline.eligibility.model import (
    CANNOT_TELL, DOES_NOT_QUALIFY, MAY_QUALIFY, Amount, ApplyAt, Citation, Consistency, Deadline, NextQuestion,
    Option, Question, Reason, Rule, Text, Verdict,
)

__all__ = [
    "AnswerError", "check_answer", "one_shot_answers", "parse_keypad_answer", "evaluate", "find_inconsistency",
    "SchemaError", "RULES_DIR", "RuleError", "load_rules", "CANNOT_TELL", "DOES_NOT_QUALIFY",
    "MAY_QUALIFY", "Amount", "ApplyAt", "Citation", "Consistency", "Deadline", "NextQuestion", "Option",
    "Question", "Reason", "Rule", "Text", "Verdict",
]


def init_app(app) -> None:
    """Load and check every rule once (the app refuses to start on an invalid rule file); both
    channels read them from ``app.extensions["eligibility"]`` (rule id → :class:`Rule`)."""
    from pathlib import Path

    from hotline import ConfigurationError

    try:
        rules = load_rules(Path(app.config.get("RULES_DIR") or RULES_DIR))
    except RuleError as exc:
        raise ConfigurationError(f"the eligibility rules cannot load: {exc}") from None
    app.extensions["eligibility"] = rules
