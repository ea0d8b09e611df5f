"""The words of an eligibility check by SMS: a rule's questions and verdict cut to a Cyrillic segment.

Pure functions of the rule's data (``data/rules``) and the language; :mod:`hotline.sms.check`
decides what to say and fits it into the budget.
"""

import re

from hotline.eligibility import Question, Rule, Verdict
from hotline.eligibility.dates import format_number
from hotline.eligibility.model import YES_NO
from hotline.sms.commands import Command

#: Sentences of a keypad prompt that make no sense in an SMS ("… and press #").
_KEYPAD_SENTENCE = re.compile(r"торчо|решётк|решетк", re.IGNORECASE)
SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
_SPOKEN_DIGITS = re.compile(r"\b\d(?: \d){3,}\b")  # "0 5 0 3 2 0 2 4", spaced out to be read aloud


def check_form(command: Command, lang: str) -> str:
    """"КӨМӨК <үй-бүлө> <16 жашка чейин бала> <киреше>": the one-shot form, in Cyrillic (rendered
    to Latin for Latin writers, like every reply)."""
    return " ".join([command.keyword_cyrillic] + [f"<{label}>" for label in command.check[lang]])


def question_parts(question: Question, lang: str) -> list[str]:
    """The question as SMS parts: the prompt without its keypad instructions, then each option."""
    sentences = SENTENCE_END.split(question.prompt.in_language(lang))
    kept = [_SPOKEN_DIGITS.sub(lambda m: m.group().replace(" ", ""), s) for s in sentences
            if not _KEYPAD_SENTENCE.search(s)]
    return [" ".join(kept)] + [f"{o.digit} – {o.text.in_language(lang)}" for o in question.options]


def batchable(question: Question) -> bool:
    """Whether a question can share an SMS with others: a yes/no with a short SMS form."""
    return question.type == YES_NO and question.sms is not None


def batch_parts(questions: list[Question], frame: str, example: str | None, lang: str) -> list[str]:
    """"3 суроо, 1 – ооба, 2 – жок:", "1) Мал барбы?", …, "Мисалы: 2 2 2" as SMS parts."""
    numbered = [f"{i}) {q.sms.in_language(lang)}" for i, q in enumerate(questions, 1)]
    return [frame] + numbered + ([example] if example else [])


def short_name(rule: Rule, lang: str) -> str:
    """"«Балага сүйүнчү»": the quoted name people know, else the name before its explanation
    (a Cyrillic segment is 67 characters, and the verdict must come first)."""
    name = rule.name.in_language(lang)
    quoted = re.search(r"«[^»]+»", name)
    return quoted.group() if quoted else re.sub(r"\s*\([^)]*\)", "", name.split(" — ")[0]).strip()


def amount_clause(verdict: Verdict, lang: str) -> str:
    """The clause of the amount sentence that holds the sum ("Болжол менен айына 1620 сом"): the
    rest (how it is computed) waits for "1 – more" with the reasons."""
    text = verdict.amount.text.in_language(lang)
    figure = format_number(verdict.amount.value) if verdict.amount.value is not None else None
    clauses = text.split(" — ")
    clause = next((c for c in clauses if figure and figure in c), clauses[0]).strip()
    return clause[0].upper() + clause[1:]


def first_sentence(text: str) -> str:
    return SENTENCE_END.split(text.strip())[0]
