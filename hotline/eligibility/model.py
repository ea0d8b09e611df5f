"""The shapes a rule file becomes once loaded, and the shapes :func:`evaluate` returns.

Everything here is frozen: a loaded rule is shared by every call and SMS at once, so nothing may
change it. Texts are always a Kyrgyz/Russian pair, and every fact carries the lines it came from.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

MAY_QUALIFY = "may_qualify"  # every condition the document gives is met: apply, the office decides
DOES_NOT_QUALIFY = "does_not_qualify"  # an answer fails a condition the document states plainly
CANNOT_TELL = "cannot_tell"  # the document is silent, ambiguous or flagged: ask the office
STATUSES = (MAY_QUALIFY, DOES_NOT_QUALIFY, CANNOT_TELL)

COUNT, AMOUNT, YES_NO, CHOICE, DATE, DAYS_AGO = "count", "amount", "yes_no", "choice", "date", "days_ago"
QUESTION_TYPES = (COUNT, AMOUNT, YES_NO, CHOICE, DATE, DAYS_AGO)
NUMERIC_TYPES = (COUNT, AMOUNT, DAYS_AGO)

LANGUAGES = ("ky", "ru")


@dataclass(frozen=True)
class Text:
    """The same sentence in Kyrgyz and Russian."""

    ky: str
    ru: str

    def in_language(self, language: str) -> str:
        """The sentence in ``language`` ("ky" or "ru")."""
        return self.ru if language == "ru" else self.ky


@dataclass(frozen=True)
class Citation:
    """Where a fact comes from: a seed file in ``shared/seeds/`` and its line numbers."""

    document: str
    lines: str  # "2138", "2140-2142" or "1811, 2140-2142"
    valid_as_of: dt.date | None = None


@dataclass(frozen=True)
class Option:
    """One answer to a choice question, chosen with one keypad digit."""

    digit: int
    id: str
    text: Text


@dataclass(frozen=True)
class Question:
    """Something the caller is asked, answerable on a keypad (or as one number in an SMS)."""

    id: str
    type: str
    prompt: Text
    options: tuple[Option, ...] = ()
    minimum: int = 0
    maximum: int | None = None
    sms: Text | None = None  # a short form of the question, for several asked in one SMS

    def option(self, digit: int) -> Option | None:
        """The option chosen with ``digit``, or None."""
        return next((o for o in self.options if o.digit == digit), None)


@dataclass(frozen=True)
class Check:
    """One condition of the rule: when ``require`` is false the verdict is ``otherwise``.

    ``applies`` (optional) limits the check to the people it is about: men's pension age is not
    a reason a woman may qualify, so a check that does not apply is neither failed nor said."""

    id: str
    require: Any  # a compiled condition (hotline.eligibility.expressions)
    otherwise: str  # DOES_NOT_QUALIFY or CANNOT_TELL
    reason: Text  # said when the condition fails
    ok: Text | None  # said when it holds (why the caller may qualify)
    citation: Citation
    applies: Any = None  # a compiled condition, or None: applies to everyone


@dataclass(frozen=True)
class Item:
    """A sentence with its source that applies only ``when`` a condition holds (None: always).

    Documents, notes, next steps and unverified warnings are all items. ``ask`` makes the engine
    ask the questions ``when`` needs before a favourable verdict (e.g. for a priority right).
    """

    text: Text
    citation: Citation | None
    when: Any = None
    ask: bool = False
    statuses: tuple[str, ...] = STATUSES  # the verdicts it belongs to


@dataclass(frozen=True)
class AmountCase:
    """How much, in one case: the first case whose ``when`` holds is used."""

    text: Text  # may say "{amount}"
    citation: Citation
    when: Any = None
    value: Any = None  # a compiled number expression, or None when the document gives no figure


@dataclass(frozen=True)
class DeadlineSpec:
    """A deadline: a sentence, and a date when the answers let us compute one."""

    text: Text  # may say "{deadline}" and "{days_left}"
    citation: Citation
    date: Any = None  # a compiled date expression
    passed: Text | None = None  # said instead of ``text`` once the date is behind us
    when: Any = None  # a condition: the deadline applies only when it holds


@dataclass(frozen=True)
class ApplyAt:
    """Where to apply: the directory finds the nearest office by topic and kind."""

    topic: str
    kind: str
    offices: tuple[str, ...]
    text: Text
    citation: Citation


@dataclass(frozen=True)
class Rule:
    """One benefit or right, as loaded and validated from ``data/rules/<id>.yaml``."""

    id: str
    name: Text
    kind: str
    questions: tuple[Question, ...]
    sms_order: tuple[str, ...]
    sms_keyword: str | None
    derived: dict
    checks: tuple[Check, ...]
    amount: tuple[AmountCase, ...]
    apply_at: ApplyAt
    documents: tuple[Item, ...]
    deadlines: tuple[DeadlineSpec, ...]
    notes: tuple[Item, ...]
    next_steps: dict  # status (or "unverified") → tuple[Item, ...]
    unverified: tuple[Item, ...]
    sources: tuple[Citation, ...]
    valid_as_of: dt.date | None
    path: str = ""
    consistency: tuple["Consistency", ...] = ()

    def question(self, question_id: str) -> Question:
        """The question called ``question_id`` (KeyError if there is none)."""
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)


@dataclass(frozen=True)
class Consistency:
    """Answers that cannot all be true (5 children under 16 in a family of 3): said, then asked again.

    ``require`` holds for answers that fit together; when it is false, ``ask_again`` are cleared."""

    id: str
    require: object
    ask_again: tuple[str, ...]
    message: Text


@dataclass(frozen=True)
class Reason:
    """Why: one sentence and the lines it rests on."""

    text: Text
    citation: Citation


@dataclass(frozen=True)
class Amount:
    """Roughly how much: a number of som when the document gives one, and how to say it."""

    value: int | None
    text: Text
    citation: Citation


@dataclass(frozen=True)
class Deadline:
    """By when, as said to the caller; ``date`` when it could be computed from the answers."""

    text: Text
    citation: Citation
    date: dt.date | None = None
    days_left: int | None = None
    passed: bool = False


@dataclass(frozen=True)
class NextQuestion:
    """Ask this next: the verdict depends on it."""

    rule_id: str
    question: Question
    answered: int  # how many questions have been answered so far


@dataclass(frozen=True)
class Verdict:
    """An honest answer: never a promise, always with its reasons, sources and doubts."""

    rule_id: str
    name: Text
    status: str
    reasons: tuple[Reason, ...]
    amount: Amount | None
    next_steps: tuple[Text, ...]
    apply_at: ApplyAt
    documents: tuple[Reason, ...]
    deadlines: tuple[Deadline, ...]
    notes: tuple[Reason, ...]
    unverified: tuple[Reason, ...]
    sources: tuple[Citation, ...]
    valid_as_of: dt.date | None
    answers: dict = field(default_factory=dict)

    @property
    def deadline(self) -> dt.date | None:
        """The first deadline that has a date, if any."""
        return next((d.date for d in self.deadlines if d.date is not None), None)

    @property
    def days_left(self) -> int | None:
        """Days from today to :attr:`deadline` (negative once it has passed)."""
        return next((d.days_left for d in self.deadlines if d.date is not None), None)

    @property
    def deadline_passed(self) -> bool:
        """True when the dated deadline is already behind us."""
        return any(d.passed for d in self.deadlines)
