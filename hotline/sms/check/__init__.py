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
    AnswerError, NextQuestion, Question, Rule, evaluate, find_inconsistency, one_shot_answers,
)
from hotline.eligibility.codec import decode_answers, encode_answers
from hotline.sms.render import Renderer, Reply
from hotline.sms.check.setup import CheckSetupError, link_rules, link_topics
from hotline.sms.check.read import (
    batch_answers, sms_answer, split_one_shot, today_in_bishkek,
)
from hotline.sms.check.verdict import VerdictWords
from hotline.sms.check.words import batch_parts, batchable, check_form, first_sentence, question_parts
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
        self.topic_rules = link_topics(rules, commands.phrases)
        self.commands, self.texts, self.renderer = commands, texts, renderer
        self.directory, self.formatter = directory, formatter
        self.verdict = VerdictWords(texts, directory, formatter)
        self._footers: dict[tuple[str, str], tuple[object, str | None]] = {}

    def rule_for(self, command: str | None, topic: str | None = None) -> Rule | None:
        """The rule a check asks: the topic's, else the one the command's keyword checks."""
        if topic in self.topic_rules:
            return self.topic_rules[topic]
        return self.rules.get(command) if command else None

    def one_shot_form(self, command: str, topic: str | None) -> bool:
        """Whether the command's check form (``KOMOK 5 3 4000``) asks this topic's rule."""
        rule = self.rule_for(command, topic)
        return rule is not None and bool(rule.sms_order) and rule is self.rules.get(command)

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
        topic = self._topic_of(command, rule)
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
                return self.proceed(command, rule, answers, turn, [self.texts.get(turn.lang, "check_bad_batch")], True,
                                    topic=topic)
        return self.proceed(command, rule, answers, turn, lead=lead, topic=topic)

    def start(self, command: Command, turn: Turn, topic: str | None = None) -> Reply:
        """The first question of the check (the "2" under a topic's or a command's answer)."""
        rule = self.rule_for(command.code, topic)
        topic = topic or self._topic_of(command, rule)
        return self.proceed(command, rule, {}, turn, lead=[self.texts.get(turn.lang, "check_start")], topic=topic)

    def with_answers(self, command: Command, topic: str, answers: dict, turn: Turn) -> Reply | None:
        """What the numbers of a message say for the topic's rule ("россия келдим 10 кун": the
        deadline), or the next question; None when they cannot be its answers."""
        rule = self.topic_rules[topic]
        try:
            evaluate(rule, answers, today_in_bishkek(turn.now))
        except (AnswerError, KeyError):
            return None
        fact = self.commands.phrases.topics[topic].fact.in_language(turn.lang)  # before a question still open
        return self.proceed(command, rule, answers, turn, lead=[fact], topic=topic)

    def _topic_of(self, command: Command, rule: Rule) -> str | None:
        """The command's default topic, when it asks the same rule (its check's menus say so)."""
        topic = self.commands.phrases.defaults.get(command.code)
        return topic if topic and self.topic_rules.get(topic) is rule else None

    def answer(self, menu: Menu, words: list[str], stored: tuple[str | None, str | None], turn: Turn) -> Reply:
        """One message answering the open question (or the yes/no questions asked together: ``2 2 2``,
        or only the first of them); a bad answer gets the same question again. ``stored`` is the
        conversation's rule id and answers so far."""
        command = self.commands.commands[menu.command]
        rule, topic = self.rule_for(command.code, menu.topic), menu.topic
        today = today_in_bishkek(turn.now)
        answers = decode_answers(rule, stored[1] if stored[0] == rule.id else None, today)
        step = evaluate(rule, answers, today)
        if not isinstance(step, NextQuestion):  # answered meanwhile: show the verdict again
            return self.proceed(command, rule, answers, turn, topic=topic)
        batch = self.batch(rule, answers, turn)
        try:
            if len(batch) > 1:
                answers |= batch_answers(batch, words, today)
            else:
                answers[step.question.id] = sms_answer(step.question, words, today)
        except AnswerError as error:
            key = ("check_bad_batch" if len(batch) > 1 else
                   f"check_{error.code}" if error.code in BAD_ANSWER_KEYS else "check_bad_answer")
            return self.proceed(command, rule, answers, turn, [self.texts.get(turn.lang, key)], wrong=True, topic=topic)
        return self.proceed(command, rule, answers, turn, topic=topic)

    def verdict_page(self, menu: Menu, stored: tuple[str | None, str | None], turn: Turn) -> Reply:
        """Page ``menu.page`` of the verdict the conversation's answers give ("1 – more"); past the
        last page, the first again."""
        command = self.commands.commands[menu.command]
        rule = self.rule_for(command.code, menu.topic)
        answers = decode_answers(rule, stored[1] if stored[0] == rule.id else None, today_in_bishkek(turn.now))
        return self.proceed(command, rule, answers, turn, page=menu.page, topic=menu.topic)

    # -- replies ------------------------------------------------------------------------------

    def proceed(self, command: Command, rule: Rule, answers: dict, turn: Turn, lead: list[str] = (),
                wrong: bool = False, page: int = 1, topic: str | None = None) -> Reply:
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
            return self.ask(command, rule, step.question, answers, turn, lead, wrong, topic)
        more = self.texts.get(turn.lang, "more")
        pages = self.renderer.paginate(self.renderer.whole(self.verdict_parts(rule, step, turn), turn.script, more),
                                       turn.script, more)
        page = page if page <= len(pages) else 1  # past the end: the verdict again, never a dead end
        more = Menu("verdict", command.code, page=page + 1, topic=topic) if page < len(pages) else None
        return Reply(pages[page - 1], more, command=command.code, check=(rule.id, encode_answers(answers)),
                     topic=topic)

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
            lead: list[str] = (), wrong: bool = False, topic: str | None = None) -> Reply:
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
        return Reply(sms, Menu("check", command.code, topic=topic), command=command.code,
                     check=(rule.id, encode_answers(answers)), topic=topic)

    def verdict_parts(self, rule: Rule, verdict, turn: Turn) -> list[str]:
        """The verdict as SMS parts, most important first (the voice channel texts them too)."""
        return self.verdict.parts(rule, verdict, turn)
