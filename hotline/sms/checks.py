"""Eligibility checks by SMS: ``KOMOK 5 3 4000`` in one message, or one question per message.

The rules and the engine are :mod:`hotline.eligibility`'s; :mod:`hotline.sms.check_input` reads a
message as answers; this module turns a question or a verdict into an SMS within the budget. The
answers so far live in the conversation row (``check_rule``, ``check_answers``), so whichever
process gets the next message asks the next question. Verdicts never promise: "you may qualify —
apply at …".
"""

import datetime as dt
import re
from dataclasses import dataclass

from hotline.directory.cache import DirectoryCache
from hotline.eligibility import (
    DOES_NOT_QUALIFY, AnswerError, NextQuestion, Question, Rule, Verdict, evaluate, one_shot_answers,
)
from hotline.eligibility.dates import format_number
from hotline.sms.answers import Renderer, Reply
from hotline.sms.check_input import decode_answers, encode_answers, join_date, sms_answer, today_in_bishkek
from hotline.sms.conversation import Menu
from hotline.sms.offices import OfficeFormatter
from hotline.sms.table import Command, CommandTable
from hotline.sms.texts import SmsTexts

#: Sentences of a keypad prompt that make no sense in an SMS ("… and press #").
_KEYPAD_SENTENCE = re.compile(r"торчо|решётк|решетк", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
_SPOKEN_DIGITS = re.compile(r"\b\d(?: \d){3,}\b")  # "0 5 0 3 2 0 2 4", spaced out to be read aloud
#: Answer errors with a message of their own (the rest get ``check_bad_answer``).
BAD_ANSWER_KEYS = {"above_maximum", "below_minimum", "not_a_date", "future_date"}


class CheckSetupError(ValueError):
    """A rule's SMS keyword and the command table disagree (checked when the app starts)."""


def link_rules(rules: dict[str, Rule], commands: CommandTable) -> dict[str, Rule]:
    """Command code → the rule it checks: the rule whose ``sms_keyword`` is the command's keyword.

    Both sides must agree, or a person would be told an order of numbers the rule does not take."""
    by_keyword = {c.keyword: c for c in commands.commands.values()}
    linked: dict[str, Rule] = {}
    for rule in rules.values():
        if not rule.sms_keyword:
            continue
        command = by_keyword.get(rule.sms_keyword)
        if command is None or command.action != "directory":
            raise CheckSetupError(f"rule {rule.id}: sms_keyword {rule.sms_keyword} is no directory command")
        if command.code in linked:
            raise CheckSetupError(f"rules {linked[command.code].id} and {rule.id} share {rule.sms_keyword}")
        if len(command.check.get("ky", ())) != len(rule.sms_order):
            raise CheckSetupError(f"command {command.code}: 'check' needs one label per number of "
                                  f"{rule.id}'s sms_order ({', '.join(rule.sms_order)})")
        linked[command.code] = rule
    for command in commands.commands.values():
        if command.check and command.code not in linked:
            raise CheckSetupError(f"command {command.code} has a check form but no rule has its keyword")
    return linked


def check_form(command: Command, lang: str) -> str:
    """"КӨМӨК <үй-бүлө> <16 жашка чейин бала> <киреше>": the one-shot form, in Cyrillic (rendered
    to Latin for Latin writers, like every reply)."""
    return " ".join([command.keyword_cyrillic] + [f"<{label}>" for label in command.check[lang]])


def question_parts(question: Question, lang: str) -> list[str]:
    """The question as SMS parts: the prompt without its keypad instructions, then each option."""
    sentences = _SENTENCE_END.split(question.prompt.in_language(lang))
    kept = [_SPOKEN_DIGITS.sub(lambda m: m.group().replace(" ", ""), s) for s in sentences
            if not _KEYPAD_SENTENCE.search(s)]
    return [" ".join(kept)] + [f"{o.digit} – {o.text.in_language(lang)}" for o in question.options]


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
    return _SENTENCE_END.split(text.strip())[0]


@dataclass(frozen=True)
class Turn:
    """Who is asking and where they are: the parts of a reply's context a check needs."""

    lang: str
    script: str
    now: dt.datetime
    region: str | None
    place: str | None


class SmsChecks:
    """Asks a rule's questions by SMS and renders its verdict, page by page."""

    def __init__(self, rules: dict[str, Rule], commands: CommandTable, texts: SmsTexts, renderer: Renderer,
                 directory: DirectoryCache, formatter: OfficeFormatter):
        self.rules = link_rules(rules, commands)
        self.commands, self.texts, self.renderer = commands, texts, renderer
        self.directory, self.formatter = directory, formatter

    def rule_for(self, command: str | None) -> Rule | None:
        return self.rules.get(command) if command else None

    def footer(self, command: Command, lang: str) -> str | None:
        """What page 1 of the command's directory answer ends with: how to check by SMS."""
        if command.code not in self.rules:
            return None
        return self.texts.get(lang, "check_form", form=check_form(command, lang))

    def one_shot(self, command: Command, numbers: list[int], turn: Turn) -> Reply:
        """``KOMOK 5 3 4000``: the verdict, or the next question when numbers are missing."""
        rule = self.rules[command.code]
        try:
            answers = one_shot_answers(rule, join_date(rule, numbers), today_in_bishkek(turn.now))
        except AnswerError:
            wrong = self.texts.get(turn.lang, "check_bad_form", form=check_form(command, turn.lang))
            return Reply(self.renderer.render([wrong], turn.script), command=command.code)
        return self.proceed(command, rule, answers, turn, lead=[self.texts.get(turn.lang, "check_continue")])

    def start(self, command: Command, turn: Turn) -> Reply:
        """The first question of the command's check (the "2" under its directory answer)."""
        rule = self.rules[command.code]
        return self.proceed(command, rule, {}, turn, lead=[self.texts.get(turn.lang, "check_start")])

    def answer(self, menu: Menu, words: list[str], stored: tuple[str | None, dict | None], turn: Turn) -> Reply:
        """One message answering the open question; a bad answer gets the same question again.
        ``stored`` is the conversation's rule id and answers so far."""
        command = self.commands.commands[menu.command]
        rule = self.rules[command.code]
        answers = decode_answers(rule, stored[1] if stored[0] == rule.id else None)
        step = evaluate(rule, answers, today_in_bishkek(turn.now))
        if not isinstance(step, NextQuestion):  # answered meanwhile: show the verdict again
            return self.proceed(command, rule, answers, turn)
        try:
            answers[step.question.id] = sms_answer(step.question, words, today_in_bishkek(turn.now))
        except AnswerError as error:
            wrong = self.texts.get(turn.lang, f"check_{error.code}" if error.code in BAD_ANSWER_KEYS
                                   else "check_bad_answer")
            return self.ask(command, rule, step.question, answers, turn, lead=[wrong], wrong=True)
        return self.proceed(command, rule, answers, turn)

    def verdict_page(self, menu: Menu, stored: tuple[str | None, dict | None], turn: Turn) -> Reply:
        """Page ``menu.page`` of the verdict the conversation's answers give ("1 – more")."""
        command = self.commands.commands[menu.command]
        rule = self.rules[command.code]
        answers = decode_answers(rule, stored[1] if stored[0] == rule.id else None)
        return self.proceed(command, rule, answers, turn, page=menu.page)

    # -- replies ------------------------------------------------------------------------------

    def proceed(self, command: Command, rule: Rule, answers: dict, turn: Turn, lead: list[str] = (),
                page: int = 1) -> Reply:
        """The next question (after ``lead``), or page ``page`` of the verdict."""
        step = evaluate(rule, answers, today_in_bishkek(turn.now))
        if isinstance(step, NextQuestion):
            return self.ask(command, rule, step.question, answers, turn, lead)
        pages = self.renderer.paginate(self.verdict_parts(rule, step, turn), turn.script,
                                       self.texts.get(turn.lang, "more"))
        if page > len(pages):
            return Reply(self.renderer.render([self.texts.get(turn.lang, "no_more")], turn.script),
                         command=command.code, check=(rule.id, encode_answers(answers)))
        more = Menu("verdict", command.code, page=page + 1) if page < len(pages) else None
        return Reply(pages[page - 1], more, command=command.code, check=(rule.id, encode_answers(answers)))

    def ask(self, command: Command, rule: Rule, question: Question, answers: dict, turn: Turn,
            lead: list[str] = (), wrong: bool = False) -> Reply:
        """The question (after ``lead``), whole: an option cut off could not be chosen. When it does
        not fit, the prompt's explanations go first if ``lead`` says what was ``wrong``, else the
        lead (a greeting) does: a Cyrillic SMS is short."""
        parts = question_parts(question, turn.lang)
        short = [first_sentence(parts[0])] + parts[1:]
        lead = list(lead)
        candidates = [lead + parts, lead + short, parts, short] if wrong else [lead + parts, parts, lead + short, short]
        for candidate in candidates:
            sms = self.renderer.render(candidate, turn.script)
            if not sms.dropped and not sms.truncated:
                break
        return Reply(sms, Menu("check", command.code), command=command.code,
                     check=(rule.id, encode_answers(answers)))

    def verdict_parts(self, rule: Rule, verdict: Verdict, turn: Turn) -> list[str]:
        """Most important first: the outcome, the amount (or why not), where to go; then what to
        do, by when and with which documents ("1 – more"), and why."""
        lang = turn.lang
        say = lambda text: text.in_language(lang)  # noqa: E731
        parts = [self.texts.get(lang, f"check_{verdict.status}", name=short_name(rule, lang))]
        if verdict.status == DOES_NOT_QUALIFY:
            parts.append(first_sentence(say(verdict.reasons[0].text)))
        elif verdict.amount is not None:
            parts.append(amount_clause(verdict, lang))
        parts.append(self.where(rule, turn))
        parts += [say(step) for step in verdict.next_steps]
        parts += [say(deadline.text) for deadline in verdict.deadlines]
        parts += [say(item.text) for item in verdict.documents]
        parts += [say(reason.text) for reason in verdict.reasons]
        parts += [say(item.text) for item in verdict.unverified + verdict.notes]
        return list(dict.fromkeys(parts))  # a first sentence may repeat its reason whole: keep one

    def where(self, rule: Rule, turn: Turn) -> str:
        """The nearest office of the rule's kind for the person's region, from the directory."""
        apply_at = rule.apply_at
        match = self.directory.find(apply_at.topic, turn.region, turn.place)
        for office in match.offices:
            if office.code in apply_at.offices or office.kind == apply_at.kind:
                line = self.formatter.line(office, turn.lang, local=True)
                if line:
                    return line
        return first_sentence(apply_at.text.in_language(turn.lang))

