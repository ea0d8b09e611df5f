"""Eligibility checks by SMS: ``KOMOK 5 3 4000`` in one message, or one question per message.

Every SMS costs the person money, so the yes/no questions still needed come together in one SMS
("1) … 2) … 3) … Мисалы: 2 2 2") and one reply answers them, or the one-shot does
(``KOMOK 5 3 4000 2 2 2``); answers that cannot all be true are said and asked again.

The rules and the engine are :mod:`hotline.eligibility`'s; :mod:`hotline.sms.check.read` reads a
message as answers; this module turns a question or a verdict into an SMS within the budget. The
answers so far live in the conversation row (``check_rule``, ``check_answers``), so whichever
process gets the next message asks the next question. Verdicts never promise: "you may qualify —
apply at …".
"""

import datetime as dt
from dataclasses import dataclass

from hotline.directory.cache import DirectoryCache
from hotline.eligibility import (
    DOES_NOT_QUALIFY, AnswerError, NextQuestion, Question, Rule, Verdict, evaluate, find_inconsistency,
    one_shot_answers,
)
from hotline.eligibility.codec import decode_answers, encode_answers
from hotline.sms.render import Renderer, Reply
from hotline.sms.check.setup import CheckSetupError, link_rules
from hotline.sms.check.read import (
    batch_answers, sms_answer, split_one_shot, today_in_bishkek,
)
from hotline.sms.check.words import (
    amount_clause, batch_parts, batchable, check_form, first_sentence, question_parts, short_name,
)
from hotline.sms.conversation import Menu
from hotline.sms.offices import OfficeFormatter
from hotline.sms.commands import Command, CommandTable
from hotline.sms.texts import SmsTexts

__all__ = ["CheckSetupError", "SmsChecks", "Turn", "check_form", "link_rules", "question_parts"]

#: Answer errors with a message of their own (the rest get ``check_bad_answer``).
BAD_ANSWER_KEYS = {"above_maximum", "below_minimum", "not_a_date", "future_date"}
#: Yes/no questions asked together at most (more would not fit a Cyrillic SMS anyway).
MAX_BATCH = 4


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
        self._footers: dict[tuple[str, str], tuple[object, str | None]] = {}

    def rule_for(self, command: str | None) -> Rule | None:
        return self.rules.get(command) if command else None

    def footer(self, command: Command, lang: str) -> str | None:
        """What page 1 of the command's directory answer ends with: how to check by SMS, after a
        number to call when the answer's first office has none (KOMOK's first office is "the
        social office of your district": page 1 then also gives the ministry's number)."""
        if command.code not in self.rules:
            return None
        # the same for every message until the directory changes: kept per command and language
        version = self.directory.version()
        cached = self._footers.get((command.code, lang))
        if cached is not None and cached[0] == version:
            return cached[1]
        footer = self._footer(command, lang)
        self._footers[(command.code, lang)] = (version, footer)
        return footer

    def _footer(self, command: Command, lang: str) -> str | None:
        form = self.texts.get(lang, "check_form", form=check_form(command, lang))
        contact = self.contact(command, self.rules[command.code], lang)
        return f"{contact}\n{form}" if contact else form

    def contact(self, command: Command, rule: Rule, lang: str) -> str | None:
        """"Name: +996…" for the first office of the rule's topic with a number, when the first
        office of the command's answer has none (the directory's national answer: the footer is
        the same for every region, and no region has an office of these topics of its own)."""
        first = next((o for topic in command.topics for o in self.directory.find(topic).offices), None)
        if first is None or first.callable_phones():
            return None
        for office in self.directory.find(rule.apply_at.topic).offices:
            phones = office.callable_phones()
            if phones:
                unverified = "" if office.verified else " " + self.texts.get(lang, "unverified")
                return f"{office.name(lang)}: {phones[0].number}{unverified}"
        return None

    def one_shot(self, command: Command, numbers: list[int], turn: Turn) -> Reply:
        """``KOMOK 5 3 4000``: the verdict, or the questions still needed; ``KOMOK 5 3 4000 2 2 2``
        answers the yes/no questions that reply would ask together, too."""
        rule = self.rules[command.code]
        today = today_in_bishkek(turn.now)
        first, extra = split_one_shot(rule, numbers)
        try:
            answers = one_shot_answers(rule, first, today)
            # answers that cannot all be true are asked again (see proceed): the rest wait for them
            extra = extra if find_inconsistency(rule, answers, today) is None else []
            batch = self.batch(rule, answers, turn) if extra else []
            if extra and not batch and isinstance(evaluate(rule, answers, today), NextQuestion):
                # what comes next is not asked yes or no: the numbers are simply too many (with a
                # verdict already, as for KOMOK 5 3 5000 2 2 2, they are not needed)
                raise AnswerError(None, "too_many_numbers", f"{rule.id} takes {len(rule.sms_order)} numbers here")
        except AnswerError:
            wrong = self.texts.get(turn.lang, "check_bad_form", form=check_form(command, turn.lang))
            return Reply(self.renderer.render([wrong], turn.script), command=command.code)
        lead = [self.texts.get(turn.lang, "check_continue")]
        if batch:
            try:
                answers |= batch_answers(batch, [str(n) for n in extra], today)
            except AnswerError:
                return self.proceed(command, rule, answers, turn, [self.texts.get(turn.lang, "check_bad_batch")], True)
        return self.proceed(command, rule, answers, turn, lead=lead)

    def start(self, command: Command, turn: Turn) -> Reply:
        """The first question of the command's check (the "2" under its directory answer)."""
        rule = self.rules[command.code]
        return self.proceed(command, rule, {}, turn, lead=[self.texts.get(turn.lang, "check_start")])

    def answer(self, menu: Menu, words: list[str], stored: tuple[str | None, str | None], turn: Turn) -> Reply:
        """One message answering the open question (or the yes/no questions asked together: ``2 2 2``,
        or only the first of them); a bad answer gets the same question again. ``stored`` is the
        conversation's rule id and answers so far."""
        command = self.commands.commands[menu.command]
        rule = self.rules[command.code]
        today = today_in_bishkek(turn.now)
        answers = decode_answers(rule, stored[1] if stored[0] == rule.id else None, today)
        step = evaluate(rule, answers, today)
        if not isinstance(step, NextQuestion):  # answered meanwhile: show the verdict again
            return self.proceed(command, rule, answers, turn)
        batch = self.batch(rule, answers, turn)
        try:
            if len(batch) > 1:
                answers |= batch_answers(batch, words, today)
            else:
                answers[step.question.id] = sms_answer(step.question, words, today)
        except AnswerError as error:
            key = ("check_bad_batch" if len(batch) > 1 else
                   f"check_{error.code}" if error.code in BAD_ANSWER_KEYS else "check_bad_answer")
            return self.proceed(command, rule, answers, turn, [self.texts.get(turn.lang, key)], wrong=True)
        return self.proceed(command, rule, answers, turn)

    def verdict_page(self, menu: Menu, stored: tuple[str | None, str | None], turn: Turn) -> Reply:
        """Page ``menu.page`` of the verdict the conversation's answers give ("1 – more")."""
        command = self.commands.commands[menu.command]
        rule = self.rules[command.code]
        answers = decode_answers(rule, stored[1] if stored[0] == rule.id else None, today_in_bishkek(turn.now))
        return self.proceed(command, rule, answers, turn, page=menu.page)

    # -- replies ------------------------------------------------------------------------------

    def proceed(self, command: Command, rule: Rule, answers: dict, turn: Turn, lead: list[str] = (),
                wrong: bool = False, page: int = 1) -> Reply:
        """The next question (after ``lead``), or page ``page`` of the verdict. Answers that cannot
        all be true (5 children under 16 in a family of 3) are said, dropped and asked again."""
        today = today_in_bishkek(turn.now)
        found = find_inconsistency(rule, answers, today)
        if found is not None:
            entry, message = found
            answers = {key: value for key, value in answers.items() if key not in entry.ask_again}
            lead, wrong = [message.in_language(turn.lang)], True
        step = evaluate(rule, answers, today)
        if isinstance(step, NextQuestion):
            return self.ask(command, rule, step.question, answers, turn, lead, wrong)
        pages = self.renderer.paginate(self.verdict_parts(rule, step, turn), turn.script,
                                       self.texts.get(turn.lang, "more"))
        if page > len(pages):
            return Reply(self.renderer.render([self.texts.get(turn.lang, "no_more")], turn.script),
                         command=command.code, check=(rule.id, encode_answers(answers)))
        more = Menu("verdict", command.code, page=page + 1) if page < len(pages) else None
        return Reply(pages[page - 1], more, command=command.code, check=(rule.id, encode_answers(answers)))

    def batch(self, rule: Rule, answers: dict, turn: Turn) -> list[Question]:
        """The yes/no questions one SMS asks together: the next question and each one after it
        while "no" to those before would still leave it to ask, as many as fit the budget (the
        same list when the answer arrives: it depends only on the answers and the language)."""
        trial, questions = dict(answers), []
        today = today_in_bishkek(turn.now)
        while len(questions) < MAX_BATCH:
            step = evaluate(rule, trial, today)
            if not isinstance(step, NextQuestion) or not batchable(step.question):
                break
            questions.append(step.question)
            trial[step.question.id] = False
        while len(questions) > 1 and not self._fits(self.batch_parts(questions, turn, example=False), turn):
            questions.pop()
        return questions

    def batch_parts(self, questions: list[Question], turn: Turn, example: bool = True) -> list[str]:
        frame = self.texts.get(turn.lang, "check_batch")
        shown = self.texts.get(turn.lang, "check_batch_example", example=" ".join("2" * len(questions)))
        return batch_parts(questions, frame, shown if example else None, turn.lang)

    def _fits(self, parts: list[str], turn: Turn) -> bool:
        sms = self.renderer.render(parts, turn.script)
        return not sms.dropped and not sms.truncated

    def ask(self, command: Command, rule: Rule, question: Question, answers: dict, turn: Turn,
            lead: list[str] = (), wrong: bool = False) -> Reply:
        """The question (after ``lead``), whole: an option cut off could not be chosen; or the
        yes/no questions that can be answered together in one reply (``2 2 2``). When it does not
        fit, the prompt's explanations (or the example) go first if ``lead`` says what was
        ``wrong``, else the lead (a greeting) does: a Cyrillic SMS is short."""
        lead = list(lead)
        batch = self.batch(rule, answers, turn)
        if len(batch) > 1:
            parts, short = self.batch_parts(batch, turn), self.batch_parts(batch, turn, example=False)
        else:
            parts = question_parts(question, turn.lang)
            short = [first_sentence(parts[0])] + parts[1:]
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

