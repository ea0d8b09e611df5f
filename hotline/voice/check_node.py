"""An eligibility node on a call: one question per turn, read-back of typed numbers, the verdict.

Everything the check knows travels in the action URL (``CallState.answers``), so a turn is
``evaluate`` on those answers — no session, no database read: a verdict when the rule has what it
needs, else the next question.

A typed number is read back as the next turn begins ("five. How many …"), not confirmed with a key
of its own: a caller paying by the minute does not spend four seconds a number on "1 – right, 2 –
type again". ``*`` goes back one question (the last answer is asked again; from the first question,
back to the menu), so a number heard wrong is typed again with one key.

Keys: on one-key turns (yes/no, choices, the verdict) ``0`` is a person, ``*`` back, ``#`` the other
language, as on every menu. On a number the caller types, ``#`` ends the number and ``0`` is a
digit (0 then reaches a person on the next one-key turn); ``*`` still goes back.

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
from hotline.voice import memory
from hotline.voice.checks import (
    consistency_utterance, is_number_question, question_utterances, readback, verdict_details,
    verdict_utterances,
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
        """The rule, the caller's date, the answers so far, and what comes next (a question or the verdict)."""
        rule = self.rules[node.rule]
        today = today_for(caller)
        answers = decode_answers(rule, state.answers, today)
        return rule, today, answers, evaluate(rule, answers, today)

    # -- a key (or silence) on the check --------------------------------------------------------

    def step(self, ref: str, state, caller, form):
        """The caller pressed ``form['Digits']`` (or nothing) on the check at ``ref``."""
        engine, node = self.engine, self.engine.flows.node(ref)
        rule, today, answers, turn = self._turn(node, state, caller)
        digits = (form.get("Digits") or "").strip()
        done = engine.flows.resolve(node.next, node.flow)
        leave = replace(state, answers=None, fails=0, page=0)
        number = not isinstance(turn, Verdict) and is_number_question(turn.question)
        key = digits[:1]
        if number and "*" in digits or not number and key == "*":
            if answers and not isinstance(turn, Verdict):  # back one question: the last answer is asked again
                last = list(answers)[-1]
                rest = {k: v for k, v in answers.items() if k != last}
                return self._go(caller, ref, "back", digits, ref, replace(state, answers=encode_answers(rest), fails=0),
                                f"q={last}")
            return self._go(caller, ref, "back", digits, done, leave)
        if not number and key == "0":
            return self._go(caller, ref, "operator", digits, engine.flows.flows[node.flow].operator or done, leave)
        if not number and key == "#":
            engine._act("switch_language", {}, node, state, state, caller, True)
            return self._go(caller, ref, "language", digits, ref, state.other_language())
        if isinstance(turn, Verdict):
            return self._on_verdict(ref, node, rule, turn, state, caller, key, done, leave)
        question = turn.question
        if not digits:
            return self._fail(caller, ref, node, state, "no_response", None, ["check.number_keys"] if number else [])
        try:
            value = parse_keypad_answer(question, digits, today)
        except AnswerError as error:
            # typed numbers stay out of the call log (an income is nobody's business); the error says enough
            return self._fail(caller, ref, node, state, "other", None if number else digits,
                              [f"check.{error.code}"] + (["check.number_keys"] if number else []),
                              f"q={question.id} error={error.code}")
        answers[question.id] = value
        # a typed number is read back as the next turn begins ("four thousand som."): * there types it again
        heard = [self._heard(question, value, digits, state.lang)] if number else []
        return self._answered(caller, ref, rule, today, answers, question, state, None if number else digits, heard)

    @staticmethod
    def _heard(question, value, digits: str, lang: str) -> Utterance:
        """A typed number as it is read back ("Four thousand som."); its words are the caller's own,
        so a "dyn:" utterance, said by the Kyrgyz pieces rendered ahead."""
        words = readback(question, value, lang)
        return Utterance(f"dyn:typed:{lang}:{question.type}:{digits.rstrip('#')}", f"{words[:1].upper()}{words[1:]}.")

    def _answered(self, caller, ref, rule, today, answers, question, state, digits, heard):
        """The answer counts, unless the answers cannot all be true (5 children under 16 in a family
        of 3): then the rule's message is said, the answers it names are dropped and asked again.
        ``heard``: the typed number read back, said first."""
        found = find_inconsistency(rule, answers, today)
        new = replace(state, fails=0, page=0)
        if found is None:
            return self._go(caller, ref, "answer", digits, ref, replace(new, answers=encode_answers(answers)),
                            f"q={question.id}", heard)
        entry, message = found
        kept = {key: value for key, value in answers.items() if key not in entry.ask_again}
        return self._go(caller, ref, "inconsistent", digits, ref, replace(new, answers=encode_answers(kept)),
                        f"q={question.id} consistency={entry.id}",
                        heard + [consistency_utterance(rule, entry, message, state.lang)])

    def _on_verdict(self, ref, node, rule, verdict, state, caller, key, done, leave):
        engine = self.engine
        if key == "1":  # recorded first: a retried request (its step already there) sends no second SMS
            stay, first_time = engine.record(caller, replace(state, fails=0), ref, "sms", key, ref)
            prompt = self._send_sms(rule, verdict, state, caller) if first_time else "sms.sent"
            # back where the caller was: the verdict's keys, not the menu
            return self.render(ref, stay, caller, [engine.speech.prompt(state.lang, prompt)], keys_only=True)
        if key == "2":
            return self._go(caller, ref, "repeat", key, ref, replace(state, fails=0, page=0))
        if key == "4" and verdict_details(verdict, state.lang, _dated(rule)):  # the rest, then the same menu
            return self._go(caller, ref, "details", key, ref, replace(state, fails=0, page=1))
        if key == "3" and not _abroad(rule):  # the rule's offices in the caller's region; "*" there comes back
            chosen = replace(leave, topic=rule.apply_at.topic, region=None, return_to=done)
            target, chosen = memory.arrive(engine, engine.flows.start("regions"), chosen, caller)
            return self._go(caller, ref, "offices", key, target, chosen)
        if not key:
            return self._go(caller, ref, "no_response", None, done, leave)
        return self._fail(caller, ref, node, state, "other", key, [], keys_only=True)

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

    def _fail(self, caller, ref, node, state, outcome, digits, prompts, detail=None, keys_only=False):
        """A wrong key, a bad answer or silence: say what to do and ask again (after a verdict, only its
        keys: one short sentence); the third in a row gives up."""
        engine = self.engine
        fails = state.fails + 1
        give_up = engine.flows.flows[node.flow].give_up
        if fails >= MAX_FAILS and give_up:
            return self._go(caller, ref, "give_up", digits, give_up, replace(state, answers=None, fails=0))
        prefix = [engine.speech.prompt(state.lang, p) for p in prompts]
        return self._go(caller, ref, outcome, digits, ref, replace(state, fails=fails), detail, prefix, keys_only)

    def _go(self, caller, ref, outcome, digits, target, state, detail=None, prefix=None, keys_only=False):
        engine = self.engine
        target = engine.flows.resolve(target, ref.partition(".")[0])
        state, _ = engine.record(caller, state, ref, outcome, digits, target, detail)
        if target != ref:
            memory.remember(engine, caller, target, state)
        if keys_only and target == ref:
            return self.render(ref, state, caller, prefix, keys_only=True)
        return engine.render(target, state, caller, prefix)

    # -- what the caller hears --------------------------------------------------------------------

    def render(self, ref: str, state, caller, prefix: list[Utterance] | None = None,
               keys_only: bool = False) -> VoiceResponse:
        """The check at ``ref`` in its current phase: a question, or the verdict (with ``keys_only``,
        after an SMS or a wrong key: only the verdict's keys). Arriving says nothing of its own: the
        menu before it named the check, and each question says how to answer it."""
        engine, node = self.engine, self.engine.flows.node(ref)
        rule, today, answers, turn = self._turn(node, state, caller)
        lang, say = state.lang, list(prefix or [])
        prompt = lambda prompt_id: engine.speech.prompt(lang, prompt_id)  # noqa: E731
        one_key = {"num_digits": 1, "finish_on_key": "", "timeout": 8}
        if isinstance(turn, Verdict):
            if keys_only:
                pass
            elif state.page == 1:  # key 4: the rest of the verdict
                say += verdict_utterances(turn, lang, details=True, dated=_dated(rule))
            else:
                say += verdict_utterances(turn, lang, dated=_dated(rule))
                offices = engine.speech.directory.offices(rule.apply_at.offices)[:SPOKEN_OFFICES]
                say += [engine.speech.office(lang, office, caller.abroad) for office in offices]
            more = "_more" if verdict_details(turn, lang, _dated(rule)) else ""
            say.append(prompt(("check.after_abroad" if _abroad(rule) else "check.after") + more))
            gather = one_key
        else:
            say += question_utterances(rule, turn.question, lang)
            number = is_number_question(turn.question)
            gather = {"finish_on_key": "#", "timeout": NUMBER_TIMEOUT} if number else one_key
        response = VoiceResponse()
        url = engine.url(ref, state)
        with response.gather(action=url, method="POST", **gather) as verb:
            engine._speak(verb, say, lang, caller)
        response.redirect(url, method="POST")  # silence: the same URL without Digits
        return response


def _abroad(rule) -> bool:
    """Applied for abroad (an office in Russia) or on a website: the regions of Kyrgyzstan are no help."""
    return rule.apply_at.kind in ("office_abroad", "website")


def _dated(rule) -> bool:
    """A deadline rule ("register within 30 days"): its dated deadline is the verdict, said first."""
    return rule.kind == "deadline"


