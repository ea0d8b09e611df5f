"""Eligibility checks by keypad: what is said and how the answers travel in the call's URL.

A check node names a rule (``data/rules/``). Each turn asks the question ``evaluate`` says matters
next; a count, an amount, a number of days or a date is typed and ended with ``#`` and read back
as the next turn begins (``*`` types it again); yes/no and choices take one key. When the rule has what it
needs, the verdict is spoken — what it means, why, how much, where; a key says the rest (by when,
what to bring, doubts) — and offered by SMS. Answers that cannot all be true are said and asked
again. The turns themselves are in :mod:`hotline.voice.check_node`.
"""

import datetime as dt
import re

from audio.numbers import number_to_words, russian_plural, speak_amount, speak_decimal
from hotline.eligibility import Consistency, Question, Rule, Verdict
from hotline.eligibility.model import AMOUNT, COUNT, DATE, DAYS_AGO, Text
from hotline.voice.speech import Utterance

NUMBER_TYPES = (COUNT, AMOUNT, DAYS_AGO, DATE)  # typed with several keys and "#", then read back
_DIGITS = re.compile(r"\d+")
# a decimal as format_number writes it: "1333,33 сом", "999,5 сомдон" (money), or "2,6" (livestock units)
_DECIMAL = re.compile(r"(\d+),(\d+)\b(?=(\s*сом)?)")
_RU_UNIT = re.compile(r"\b(\d+) (г|мес|дн)\.")  # "ещё 23 г.", "12 мес.": short for the screen, not the ear
_RU_UNITS = {"г": ("год", "года", "лет"), "мес": ("месяц", "месяца", "месяцев"), "дн": ("день", "дня", "дней")}
_DATE = re.compile(r"\b(\d{2})\.(\d{2})\.(\d{4})\b")  # how verdicts write dates (format_date)
_ORDINAL = re.compile(r"\b(\d{1,9})-(?=\w)")  # Kyrgyz writes ordinals "1-күнү", "2018-жылдын"
_KY_ORDINAL = {"а": "ынчы", "ы": "ынчы", "е": "инчи", "и": "инчи", "о": "унчу", "у": "унчу", "ө": "үнчү", "ү": "үнчү"}
MONTHS = {
    "ky": ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
           "ноябрь", "декабрь"),
    "ru": ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
           "ноября", "декабря"),
}


def spoken_date(day: dt.date, lang: str) -> str:
    """``5 март 2024`` / ``5 марта 2024 года``: a date as a person says it (words come later)."""
    if lang == "ru":
        return f"{day.day} {MONTHS['ru'][day.month - 1]} {day.year} года"
    return f"{day.year}-жыл, {day.day}-{MONTHS['ky'][day.month - 1]}"  # "…төртүнчү жыл, бешинчи март"


def for_the_ear(text: str, lang: str) -> str:
    """Text as it should be spoken: dates with month names; in Kyrgyz, numbers as words too.

    The fallback voice is Russian (Twilio has no Kyrgyz): it would read "810" in Russian inside a
    Kyrgyz sentence. Russian text keeps its digits: the engine reads them with the right endings.

    Money is said in whole som, the tyiyn dropped ("1333,33 сом" → "1333 сом"): cut, not rounded, so
    a sentence comparing with a whole-som limit stays true ("999,5 сом — это меньше 1000"). Other
    decimals are said in words in both languages ("2,6" → "эки бүтүн ондон алты"), which no engine
    reads well from digits and a comma; Russian "23 г.", "5 мес.", "3 дн." get their words ("23 года").
    """
    def date(match):
        try:
            day = dt.date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        except ValueError:
            return match.group()
        return spoken_date(day, lang)

    text = _DATE.sub(date, text)
    if "," in text:
        text = _DECIMAL.sub(lambda m: _decimal(m, lang), text)
    if lang != "ky":
        return _RU_UNIT.sub(_ru_unit, text) if " г." in text or " мес." in text or " дн." in text else text
    text = _ORDINAL.sub(lambda m: ky_ordinal(int(m.group(1))) + " ", text)
    return _DIGITS.sub(_ky_number, text)


def _decimal(match: re.Match, lang: str) -> str:
    whole, fraction, som = match.groups()
    if som is not None:  # money: whole som, the tyiyn cut
        return whole
    return speak_decimal(int(whole), fraction, lang) if len(fraction) <= 2 else match.group()


def _ky_number(match: re.Match) -> str:
    """A Kyrgyz number in words, capitalised where it starts a sentence ("…? Бир — ооба, эки — жок")."""
    digits = match.group()
    if len(digits) >= 10:
        return digits
    words = number_to_words(int(digits), "ky")
    text, at = match.string, match.start() - 1
    while at >= 0 and text[at] == " ":
        at -= 1
    return words[:1].upper() + words[1:] if at < 0 or text[at] in ".?!" else words


def _ru_unit(match: re.Match) -> str:
    """"23 г." → "23 года", keeping the full stop only where it ends the sentence."""
    n = int(match.group(1))
    after = match.string[match.end():].lstrip()
    stop = "." if not after or after[0].isupper() or after[0] in "«\"(" else ""
    return f"{n} {russian_plural(n, *_RU_UNITS[match.group(2)])}{stop}"


def ky_ordinal(n: int) -> str:
    """``1`` → "биринчи", ``3`` → "үчүнчү", ``2024`` → "эки миң жыйырма төртүнчү" (vowel harmony of the last word)."""
    words = number_to_words(n, "ky")
    vowels = [c for c in words if c in _KY_ORDINAL]
    suffix = _KY_ORDINAL[vowels[-1]] if vowels else "инчи"
    return words + (suffix[1:] if words[-1] in "аеиоуөүы" else suffix)


def readback(question: Question, value, lang: str) -> str:
    """The typed answer as it is read back as the next turn begins: "4000 сом", "12 күн", a date."""
    if question.type == DATE:
        return for_the_ear(spoken_date(value, lang), lang)
    if question.type == AMOUNT:
        return speak_amount(value, lang)
    words = number_to_words(value, lang)
    if question.type == DAYS_AGO:
        return f"{words} " + ("күн" if lang == "ky" else russian_plural(value, "день", "дня", "дней"))
    return words


def name_utterance(rule: Rule, lang: str) -> Utterance:
    """The rule's name, said when a check starts."""
    return Utterance(f"rule:{rule.id}:name", for_the_ear(f"{rule.name.in_language(lang)}.", lang))


def rule_utterances(rule: Rule, lang: str) -> list[Utterance]:
    """Everything a check on ``rule`` says in the same words on every call — its name, each question
    and each option — for the audio build to render ahead (keys ``rule:<id>:…``), so a first caller
    hears the Kyrgyz voice rather than a Russian ``<Say>``. The read-back and the verdict depend on
    the answers ("dyn:" keys) and are not among them."""
    said = [name_utterance(rule, lang)]
    for question in rule.questions:
        said += question_utterances(rule, question, lang)
    return said


def question_utterances(rule: Rule, question: Question, lang: str) -> list[Utterance]:
    """The question, and for a choice its options ("1 — ..."); the same words every call, so cacheable."""
    said = [Utterance(f"rule:{rule.id}:{question.id}", for_the_ear(question.prompt.in_language(lang), lang))]
    for option in question.options:
        text = f"{option.digit} — {option.text.in_language(lang)}."
        said.append(Utterance(f"rule:{rule.id}:{question.id}:{option.id}", for_the_ear(text, lang)))
    return said


def verdict_sentences(verdict: Verdict, lang: str, dated: bool = False) -> list[str]:
    """The verdict for the ear, most important first: what it means, why, how much, where to apply;
    with ``dated`` (a deadline rule) the dated deadline comes first, for the date is the answer. The
    rest waits for its key (:func:`verdict_details`): a caller on little credit hears what decides,
    and chooses whether to stay for the documents."""
    sentences = []
    if dated:
        sentences += [deadline.text.in_language(lang) for deadline in verdict.deadlines if deadline.date is not None]
    sentences += [step.in_language(lang) for step in verdict.next_steps[:1]]
    sentences += [reason.text.in_language(lang) for reason in verdict.reasons]
    if verdict.amount is not None:
        sentences.append(verdict.amount.text.in_language(lang))
    sentences.append(verdict.apply_at.text.in_language(lang))
    return list(dict.fromkeys(sentences))  # a reason and a passed deadline may say the same thing


def verdict_details(verdict: Verdict, lang: str, dated: bool = False) -> list[str]:
    """What the short verdict leaves out: deadlines, documents, notes, doubts, and what to do about
    the doubts (none of which the short verdict already said)."""
    said = set(verdict_sentences(verdict, lang, dated))
    dated = [d for d in verdict.deadlines if d.date is not None]
    sentences = [deadline.text.in_language(lang) for deadline in dated]
    sentences += [deadline.text.in_language(lang) for deadline in verdict.deadlines if deadline.date is None]
    sentences += [document.text.in_language(lang) for document in verdict.documents]
    sentences += [note.text.in_language(lang) for note in verdict.notes]
    sentences += [doubt.text.in_language(lang) for doubt in verdict.unverified]
    sentences += [step.in_language(lang) for step in verdict.next_steps[1:]]
    return [sentence for sentence in dict.fromkeys(sentences) if sentence not in said]


def verdict_utterances(verdict: Verdict, lang: str, details: bool = False, dated: bool = False) -> list[Utterance]:
    """The short verdict, or with ``details`` the rest of it. Spoken, not rendered ahead: the words
    depend on the answers. Keys start with "dyn:", which the engine never asks the audio worker to
    render (it plays a render only if one exists)."""
    sentences, part = (verdict_details, "more:") if details else (verdict_sentences, "")
    return [Utterance(f"dyn:verdict:{verdict.rule_id}:{part}{n}", for_the_ear(sentence, lang))
            for n, sentence in enumerate(sentences(verdict, lang, dated))]


def consistency_utterance(rule: Rule, entry: Consistency, message: Text, lang: str) -> Utterance:
    """Why answers that cannot all be true are asked again ("a family of 3 cannot have 5 children");
    the numbers are the caller's, so it is a "dyn:" utterance."""
    return Utterance(f"dyn:consistency:{rule.id}:{entry.id}", for_the_ear(message.in_language(lang), lang))


def is_number_question(question: Question) -> bool:
    """Typed with several keys and ended with ``#`` (then read back), rather than one key."""
    return question.type in NUMBER_TYPES

