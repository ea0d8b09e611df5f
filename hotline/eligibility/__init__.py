"""Eligibility rules: who may qualify for a benefit or right, why, how much, where, and by when.

Rules are data (``data/rules/*.yaml``, one file per benefit or right); this package loads and
validates them and evaluates a caller's answers one question at a time. Pure functions only: the
voice and SMS channels ask the questions and speak or text the verdict.

    rules = load_rules()
    step = evaluate(rules["uy_bulogo_komok"], answers, today)
    while isinstance(step, NextQuestion):
        answers[step.question.id] = parse_keypad_answer(step.question, digits)
        step = evaluate(rule, answers, today)
"""

from hotline.eligibility.answers import AnswerError, check_answer, one_shot_answers, parse_keypad_answer
from hotline.eligibility.engine import evaluate
from hotline.eligibility.expressions import SchemaError
from hotline.eligibility.loader import RULES_DIR, RuleError, load_rules
from hotline.eligibility.model import (
    CANNOT_TELL, DOES_NOT_QUALIFY, MAY_QUALIFY, Amount, ApplyAt, Citation, Deadline, NextQuestion,
    Option, Question, Reason, Rule, Text, Verdict,
)

__all__ = [
    "AnswerError", "check_answer", "one_shot_answers", "parse_keypad_answer", "evaluate",
    "SchemaError", "RULES_DIR", "RuleError", "load_rules", "CANNOT_TELL", "DOES_NOT_QUALIFY",
    "MAY_QUALIFY", "Amount", "ApplyAt", "Citation", "Deadline", "NextQuestion", "Option",
    "Question", "Reason", "Rule", "Text", "Verdict",
]
