"""What people text during an eligibility check, read as the rule's answers.

Pure functions: whether a command's numbers are a check form (``KOMOK 5 3 4000``) or the
directory's long form (``KOMOK 3 2``), one message as the answer to one question, and the answers
as the JSON the conversation row keeps between messages.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from hotline.eligibility import AnswerError, Question, Rule, check_answer, parse_keypad_answer
from hotline.eligibility.model import CHOICE, DATE, YES_NO

#: Yes and no as people text them (folded, see :func:`~hotline.sms.normalize.fold_for_match`),
#: besides the 1 and 2 the questions offer.
YES_WORDS = {"ooba", "ova", "oova", "ia", "da", "yes", "ha"}
NO_WORDS = {"jok", "net", "no"}

#: The documents' rules and deadlines are Kyrgyz dates: "six months after birth" ends at midnight
#: in Bishkek, not in UTC.
BISHKEK = ZoneInfo("Asia/Bishkek")


def is_check_form(numbers: list[int]) -> bool:
    """Whether a command's numbers are answers (``KOMOK 5 3 4000``, ``BALA 05032024``) rather than
    the region key and page of the directory's long form (``KOMOK 3 2``): three numbers or more,
    or one that is neither a region key nor a page people ever reach."""
    return len(numbers) >= 3 or any(number > 9 for number in numbers)


def today_in_bishkek(now: dt.datetime) -> dt.date:
    """The date in Kyrgyzstan at ``now`` (naive UTC, like every timestamp in the database)."""
    return now.replace(tzinfo=dt.timezone.utc).astimezone(BISHKEK).date()


def sms_answer(question: Question, words: list[str], today: dt.date):
    """The answer to ``question`` in the folded ``words`` of one SMS, or :class:`AnswerError`.

    Numbers as on the keypad (yes 1, no 2, an option's digit, a date as DDMMYYYY); also yes/no as
    words, and a date typed with separators (5.3.2024)."""
    numbers = [int(word) for word in words if word.isdigit()]
    if question.type == YES_NO and len(words) == 1 and words[0] in YES_WORDS | NO_WORDS:
        return words[0] in YES_WORDS
    if question.type == DATE and len(numbers) == 3 and len(words) == 3:
        day, month, year = numbers
        return parse_keypad_answer(question, f"{day:02d}{month:02d}{year:04d}", today)
    if len(numbers) != 1 or len(words) != 1:
        raise AnswerError(question.id, "not_digits", "expected one number")
    if question.type == DATE:
        return parse_keypad_answer(question, str(numbers[0]).zfill(8), today)
    if question.type in (YES_NO, CHOICE):
        return parse_keypad_answer(question, words[0], today)
    return check_answer(question, numbers[0], today)


def batch_answers(questions: list[Question], words: list[str], today: dt.date) -> dict:
    """Answers to the first of ``questions`` (yes/no, asked together in one SMS) from one message:
    ``2 2 2``, ``jok jok jok`` (folded from жок жок жок), ``no no no``, or ``222``. Fewer answers
    than questions answer the first ones; more, or one that is not yes or no, is an
    :class:`AnswerError` and nothing is kept."""
    if len(words) == 1 and 1 < len(words[0]) <= len(questions) and set(words[0]) <= {"1", "2"}:
        words = list(words[0])  # "222": three answers typed without spaces
    if not words:
        raise AnswerError(None, "empty", "nothing was typed")
    if len(words) > len(questions):
        raise AnswerError(None, "too_many_numbers", f"{len(words)} answers to {len(questions)} questions")
    return {question.id: sms_answer(question, [word], today) for question, word in zip(questions, words)}


def split_one_shot(rule: Rule, numbers: list[int]) -> tuple[list[int], list[int]]:
    """``KOMOK 5 3 4000 2 2 2``: the numbers of the rule's ``sms_order``, and the answers after them
    (to the yes/no questions the reply to ``KOMOK 5 3 4000`` would ask together)."""
    numbers = join_date(rule, numbers)
    count = len(rule.sms_order)
    return numbers[:count], numbers[count:]


def join_date(rule: Rule, numbers: list[int]) -> list[int]:
    """``BALA 5.3.2024 1`` as ``BALA 05032024 1``: a first date typed with separators is one number."""
    first = rule.question(rule.sms_order[0]) if rule.sms_order else None
    if first is None or first.type != DATE or len(numbers) < 3:
        return numbers
    day, month, year = numbers[:3]
    if not (1 <= day <= 31 and 1 <= month <= 12 and year >= 1900):
        return numbers
    return [int(f"{day:02d}{month:02d}{year:04d}")] + numbers[3:]
