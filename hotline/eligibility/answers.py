"""Turn what a caller typed into answers: keypad digits (voice) or the numbers of one SMS.

Both channels end up here, so a count typed as ``5#`` on a call and the ``5`` in ``KOMOK 5 3 4000``
become the same answer, checked against the same limits.
"""

import datetime as dt
import re

from hotline.eligibility.model import CHOICE, DATE, NUMERIC_TYPES, YES_NO, Question, Rule

DIGITS = re.compile(r"^[0-9]+$")


class AnswerError(ValueError):
    """An answer that cannot be used; ``code`` tells the channel which re-prompt to play.

    Codes: ``empty``, ``not_digits``, ``below_minimum``, ``above_maximum``, ``no_such_option``,
    ``not_a_date``, ``future_date``, ``too_many_numbers``, ``wrong_type``.
    """

    def __init__(self, question_id: str | None, code: str, message: str):
        self.question_id, self.code = question_id, code
        super().__init__(f"{question_id or 'answer'}: {message}")


def parse_keypad_answer(question: Question, digits: str, today: dt.date | None = None):
    """The answer to ``question`` typed as ``digits``.

    Numbers (count, amount in som, days ago) may end with the ``#`` that finished them; yes/no is
    ``1``/``2``; a choice is the digit of an option; a date is 8 digits, day-month-year
    (``05032024``). With ``today``, a date after today is refused. Raises :class:`AnswerError`.
    """
    typed = (digits or "").strip()
    if typed.endswith("#"):  # Twilio keeps the finishing key when finishOnKey is not '#'
        typed = typed[:-1]
    if not typed:
        raise AnswerError(question.id, "empty", "nothing was typed")
    if not DIGITS.match(typed):
        raise AnswerError(question.id, "not_digits", f"{digits!r} holds keys other than digits")
    if question.type in NUMERIC_TYPES:
        return check_answer(question, int(typed), today)
    if question.type == YES_NO:
        if typed not in ("1", "2"):
            raise AnswerError(question.id, "no_such_option", "press 1 for yes or 2 for no")
        return typed == "1"
    if question.type == CHOICE:
        option = question.option(int(typed)) if len(typed) == 1 else None
        if option is None:
            keys = ", ".join(str(o.digit) for o in question.options)
            raise AnswerError(question.id, "no_such_option", f"{typed} is not one of the keys {keys}")
        return option.id
    if len(typed) != 8:
        raise AnswerError(question.id, "not_a_date", "type the day, month and year as 8 digits (DDMMYYYY)")
    try:
        day = dt.date(int(typed[4:]), int(typed[2:4]), int(typed[:2]))
    except ValueError:
        raise AnswerError(question.id, "not_a_date", f"{typed} is not a date (DDMMYYYY)") from None
    return check_answer(question, day, today)


def check_answer(question: Question, value, today: dt.date | None = None):
    """``value`` if it is a valid answer to ``question`` (type and range), else :class:`AnswerError`."""
    if question.type in NUMERIC_TYPES:
        if not isinstance(value, int) or isinstance(value, bool):
            raise AnswerError(question.id, "wrong_type", f"expected a whole number, got {value!r}")
        if value < question.minimum:
            raise AnswerError(question.id, "below_minimum", f"{value} is below {question.minimum}")
        if question.maximum is not None and value > question.maximum:
            raise AnswerError(question.id, "above_maximum", f"{value} is above {question.maximum}")
    elif question.type == YES_NO:
        if not isinstance(value, bool):
            raise AnswerError(question.id, "wrong_type", f"expected true or false, got {value!r}")
    elif question.type == CHOICE:
        if value not in {o.id for o in question.options}:
            raise AnswerError(question.id, "no_such_option", f"{value!r} is not an option")
    elif question.type == DATE:
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise AnswerError(question.id, "wrong_type", f"expected a date, got {value!r}")
        if today is not None and value > today:
            raise AnswerError(question.id, "future_date", f"{value.isoformat()} is after today")
    return value


def one_shot_answers(rule: Rule, numbers: list[int], today: dt.date | None = None) -> dict:
    """Answers from the numbers of one SMS, in the order of the rule's ``sms_order``.

    ``KOMOK 5 3 4000`` gives ``numbers == [5, 3, 4000]``. Fewer numbers than questions is fine (the
    rest is asked one at a time); more is an error. A date is its 8 digits (a lost leading zero
    is put back: 5032024 is 05.03.2024).
    """
    if len(numbers) > len(rule.sms_order):
        raise AnswerError(None, "too_many_numbers",
                          f"{rule.id} takes at most {len(rule.sms_order)} numbers, got {len(numbers)}")
    answers = {}
    for question_id, number in zip(rule.sms_order, numbers):
        question = rule.question(question_id)
        if not isinstance(number, int) or isinstance(number, bool) or number < 0:
            raise AnswerError(question_id, "not_digits", f"expected a whole number, got {number!r}")
        digits = str(number).zfill(8) if question.type == DATE else str(number)
        answers[question_id] = parse_keypad_answer(question, digits, today)
    return answers
