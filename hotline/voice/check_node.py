"""An eligibility node on a call: one question per turn, read-back of typed numbers, the verdict.

Everything the check knows travels in the action URL (``CallState.answers`` and ``typed``), so a
turn is ``evaluate`` on those answers — no session, no database read. Which phase a request is in
follows from the state: a verdict when the rule has what it needs, a confirmation when a number is
waiting in ``typed``, else the next question.

Keys: on one-key turns (yes/no, choices, confirmation, the verdict) ``0`` is a person, ``*`` back,
``#`` the other language, as on every menu. On a number the caller types, ``#`` ends the number
and ``0`` is a digit; ``*`` still goes back (the intro says so).

The verdict is said short (what it means, why, how much, where); 4 says the rest — deadlines,
documents, notes, doubts — and the same menu (``page`` 1 in the URL). Answers that cannot all be
true (5 children under 16 in a family of 3) are said, dropped and asked again.
"""

from dataclasses import replace
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from twilio.twiml.voice_response import VoiceResponse

from hotline.callbacks.windows import caller_timezone
from hotline.eligibility import AnswerError, Verdict, evaluate, find_inconsistency, parse_keypad_answer
from hotline.eligibility.codec import decode_answers, encode_answers
from hotline.messaging.outbound import queue_sms
from hotline.sms.check import Turn
from hotline.timeutil import utcnow
from hotline.voice.checks import (
    consistency_utterance, is_number_question, name_utterance, question_utterances,
    readback, verdict_details, verdict_utterances,
)
from hotline.voice.speech import Utterance
from ivr_flows import MAX_FAILS

NUMBER_TIMEOUT = 10  # seconds between keys before Twilio sends what was typed without "#"
SPOKEN_OFFICES = 2  # offices of the rule's apply_at read after the verdict (the SMS carries them too)


def today_for(caller) -> "datetime.date":
    """The caller's date: "how many days ago" counts in their time zone (+7 → Moscow), not ours."""
    default = current_app.config["CALLBACK_DEFAULT_TIMEZONE"]
    zone = caller_timezone(caller.number, default) if caller.number else default
    return datetime.now(timezone.utc).astimezone(ZoneInfo(zone)).date()


class CheckNode:
    """Steps and renders ``action: eligibility`` nodes for a :class:`~hotline.voice.engine.VoiceEngine`."""

    def __init__(self, engine, rules: dict):
        self.engine, self.rules = engine, rules

    def _turn(self, node, state, caller):
        """The rule, the caller's date, the answers so far, and what comes next (a question or the verdict).
        A typed number the question cannot take (a tampered URL) is dropped: the question is asked again."""
        rule = self.rules[node.rule]
        today = today_for(caller)
        answers = decode_answers(rule, state.answers, today)
        turn = evaluate(rule, answers, today)
        typed = None
        if state.typed and not isinstance(turn, Verdict) and is_number_question(turn.question):
            try:
                typed = parse_keypad_answer(turn.question, state.typed, today)
            except AnswerError:
                pass
        return rule, today, answers, turn, typed

    # -- a key (or silence) on the check --------------------------------------------------------

    def step(self, ref: str, state, caller, form):
        """The caller pressed ``form['Digits']`` (or nothing) on the check at ``ref``."""
        engine, node = self.engine, self.engine.flows.node(ref)
        rule, today, answers, turn, typed = self._turn(node, state, caller)
        if typed is None:
            state = replace(state, typed=None)
        digits = (form.get("Digits") or "").strip()
        done = engine.flows.resolve(node.next, node.flow)
        leave = replace(state, answers=None, typed=None, fails=0, page=0)
        number = not isinstance(turn, Verdict) and is_number_question(turn.question) and not state.typed
        key = digits[:1]
        if number and "*" in digits or not number and key == "*":
            return self._go(caller, ref, "back", digits, done, leave)
        if not number and key == "0":
            return self._go(caller, ref, "operator", digits, engine.flows.flows[node.flow].operator or done, leave)
        if not number and key == "#":
            engine._act("switch_language", {}, node, state, state, caller, True)
            return self._go(caller, ref, "language", digits, ref, state.other_language())
        if isinstance(turn, Verdict):
            return self._on_verdict(ref, node, rule, turn, state, caller, key, done, leave)
        question = turn.question
        if state.typed:  # "you typed 5: 1 yes, 2 type again"
            if key == "1":
                answers[question.id] = typed
                return self._answered(caller, ref, rule, today, answers, question, state, None)
            if key == "2":
                return self._go(caller, ref, "retype", digits, ref, replace(state, typed=None, fails=0),
                                f"q={question.id}", [engine.speech.prompt(state.lang, "check.type_again")])
            if not key:
                return self._fail(caller, ref, node, state, "no_response", None, [])
            return self._fail(caller, ref, node, state, "other", digits, ["common.invalid_answer"])
        if not digits:
            return self._fail(caller, ref, node, state, "no_response", None, ["check.number_keys"] if number else [])
        try:
            value = parse_keypad_answer(question, digits, today)
        except AnswerError as error:
            # typed numbers stay out of the call log (an income is nobody's business); the error says enough
            return self._fail(caller, ref, node, state, "other", None if number else digits,
                              [f"check.{error.code}"] + (["check.number_keys"] if number else []),
                              f"q={question.id} error={error.code}")
        if number:  # read it back before it counts
            typed = digits.rstrip("#")
            return self._go(caller, ref, "typed", None, ref, replace(state, typed=typed, fails=0), f"q={question.id}")
        answers[question.id] = value
        return self._answered(caller, ref, rule, today, answers, question, state, digits)

    def _answered(self, caller, ref, rule, today, answers, question, state, digits):
        """The answer counts, unless the answers cannot all be true (5 children under 16 in a family
        of 3): then the rule's message is said, the answers it names are dropped and asked again."""
        found = find_inconsistency(rule, answers, today)
        new = replace(state, typed=None, fails=0, page=0)
        if found is None:
            return self._go(caller, ref, "answer", digits, ref, replace(new, answers=encode_answers(answers)),
                            f"q={question.id}")
        entry, message = found
        kept = {key: value for key, value in answers.items() if key not in entry.ask_again}
        return self._go(caller, ref, "inconsistent", digits, ref, replace(new, answers=encode_answers(kept)),
                        f"q={question.id} consistency={entry.id}",
                        [consistency_utterance(rule, entry, message, state.lang)])

    def _on_verdict(self, ref, node, rule, verdict, state, caller, key, done, leave):
        engine = self.engine
        if key == "1":  # recorded first: a retried request (its step already there) sends no second SMS
            leave, first_time = engine.record(caller, leave, ref, "sms", key, done)
            prompt = self._send_sms(rule, verdict, state, caller) if first_time else "sms.sent"
            return engine.render(done, leave, caller, [engine.speech.prompt(state.lang, prompt)])
        if key == "2":
            return self._go(caller, ref, "repeat", key, ref, replace(state, fails=0, page=0))
        if key == "4" and verdict_details(verdict, state.lang, _dated(rule)):  # the rest, then the same menu
            return self._go(caller, ref, "details", key, ref, replace(state, fails=0, page=1))
        if key == "3" and not _abroad(rule):  # the rule's offices in the caller's region; "*" there comes back
            regions = engine.flows.start("regions")
            chosen = replace(leave, topic=rule.apply_at.topic, region=None, return_to=done)
            return self._go(caller, ref, "offices", key, regions, chosen)
        if not key:
            return self._go(caller, ref, "no_response", None, done, leave)
        return self._fail(caller, ref, node, state, "other", key, ["common.invalid_answer"])

    def _send_sms(self, rule, verdict, state, caller) -> str:
        """The verdict as one outbound SMS: the words the SMS channel gives it (its first page: the
        outcome, the amount or why not, the nearest office), within ``SMS_MAX_SEGMENTS``."""
        if caller.number is None:
            return "sms.not_sent"
        sms = current_app.extensions["sms"]
        turn = Turn(state.lang, "cyrillic", utcnow(), state.region, None)
        rendered = sms.renderer.render(sms.checks.verdict_parts(rule, verdict, turn), "cyrillic")
        message = queue_sms(caller.number, rendered, hotline_number=caller.hotline_number, call_sid=caller.sid)
        return "sms.sent" if message is not None else "sms.not_sent"

    def _fail(self, caller, ref, node, state, outcome, digits, prompts, detail=None):
        """A wrong key, a bad answer or silence: say what to do and ask again; the third in a row gives up."""
        engine = self.engine
        fails = state.fails + 1
        give_up = engine.flows.flows[node.flow].give_up
        if fails >= MAX_FAILS and give_up:
            return self._go(caller, ref, "give_up", digits, give_up, replace(state, answers=None, typed=None, fails=0))
        prefix = [engine.speech.prompt(state.lang, p) for p in prompts]
        return self._go(caller, ref, outcome, digits, ref, replace(state, fails=fails), detail, prefix)

    def _go(self, caller, ref, outcome, digits, target, state, detail=None, prefix=None):
        engine = self.engine
        target = engine.flows.resolve(target, ref.partition(".")[0])
        state, _ = engine.record(caller, state, ref, outcome, digits, target, detail)
        return engine.render(target, state, caller, prefix)

    # -- what the caller hears --------------------------------------------------------------------

    def render(self, ref: str, state, caller, prefix: list[Utterance] | None = None) -> VoiceResponse:
        """The check at ``ref`` in its current phase: a question, a read-back, or the verdict."""
        engine, node = self.engine, self.engine.flows.node(ref)
        rule, today, answers, turn, typed = self._turn(node, state, caller)
        lang, say = state.lang, list(prefix or [])
        prompt = lambda prompt_id: engine.speech.prompt(lang, prompt_id)  # noqa: E731
        one_key = {"num_digits": 1, "finish_on_key": "", "timeout": 8}
        if isinstance(turn, Verdict):
            if state.page == 1:  # key 4: the rest of the verdict
                say += verdict_utterances(turn, lang, details=True, dated=_dated(rule))
            else:
                say += verdict_utterances(turn, lang, dated=_dated(rule))
                offices = engine.speech.directory.offices(rule.apply_at.offices)[:SPOKEN_OFFICES]
                say += [engine.speech.office(lang, office, caller.abroad) for office in offices]
            more = "_more" if verdict_details(turn, lang, _dated(rule)) else ""
            say.append(prompt(("check.after_abroad" if _abroad(rule) else "check.after") + more))
            gather = one_key
        elif typed is not None:
            text = f"{engine.speech.catalogue.text(lang, 'check.you_typed')} {readback(turn.question, typed, lang)}."
            say += [Utterance(f"dyn:typed:{lang}:{turn.question.type}:{state.typed}", text), prompt("check.confirm")]
            gather = one_key
        else:
            if not answers and not state.fails and not prefix:  # arriving: what this is and which keys work
                say += [prompt(p) for p in node.say]
                say += [name_utterance(rule, lang), prompt(_intro(rule))]
            say += question_utterances(rule, turn.question, lang)
            number = is_number_question(turn.question)
            gather = {"finish_on_key": "#", "timeout": NUMBER_TIMEOUT} if number else one_key
        response = VoiceResponse()
        url = engine.url(ref, state)
        with response.gather(action=url, method="POST", **gather) as verb:
            engine._speak(verb, say, lang)
        response.redirect(url, method="POST")  # silence: the same URL without Digits
        return response


def _abroad(rule) -> bool:
    """Applied for abroad (an office in Russia) or on a website: the regions of Kyrgyzstan are no help."""
    return rule.apply_at.kind in ("office_abroad", "website")


def _dated(rule) -> bool:
    """A deadline rule ("register within 30 days"): its dated deadline is the verdict, said first."""
    return rule.kind == "deadline"


def _intro(rule) -> str:
    """The keys a check takes: typing numbers with "#" only where a question asks for a number."""
    return "check.intro" if any(is_number_question(q) for q in rule.questions) else "check.intro_keys"
