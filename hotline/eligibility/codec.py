"""Answers so far, as they wait between turns: in a call's action URL and in an SMS conversation's row.

One text form for both channels: ``family_size:5,has_livestock:n`` (``[a-z0-9_:,-]`` only: question
and option ids are slugs, yes/no is ``y``/``n``, a date is ISO). Decoding types each value by its
question and checks it again, so a stale or tampered value is dropped and simply asked again.
"""

import datetime as dt

from hotline.eligibility.answers import check_answer
from hotline.eligibility.model import AMOUNT, COUNT, DATE, DAYS_AGO, YES_NO, Question, Rule


def encode_answers(answers: dict) -> str | None:
    """The answers as text (None when there are none)."""
    return ",".join(f"{key}:{_encode(value)}" for key, value in answers.items()) or None


def _encode(value) -> str:
    if isinstance(value, bool):
        return "y" if value else "n"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def decode_answers(rule: Rule, text: str | None, today: dt.date) -> dict:
    """The answers ``text`` holds, typed and checked by the rule's questions; anything else is dropped."""
    questions = {q.id: q for q in rule.questions}
    answers = {}
    for pair in (text if isinstance(text, str) else "").split(","):
        key, _, raw = pair.partition(":")
        question = questions.get(key)
        if question is None:
            continue
        try:
            answers[key] = check_answer(question, _decode(question, raw), today)
        except (ValueError, KeyError):  # AnswerError is a ValueError
            continue
    return answers


def _decode(question: Question, raw: str):
    if question.type == YES_NO:
        return {"y": True, "n": False}[raw]
    if question.type == DATE:
        return dt.date.fromisoformat(raw)
    if question.type in (COUNT, AMOUNT, DAYS_AGO):
        if not raw.isdigit():
            raise ValueError(raw)
        return int(raw)
    return raw  # a choice: check_answer refuses an id the question does not offer
