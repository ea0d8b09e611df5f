"""The voice engine: a Twilio request on a node in, TwiML out.

Each step routes the key through :meth:`ivr_flows.FlowSet.step`, records the step as a call event,
carries out the exit's action (an SMS, a callback request, a language), and renders the next node;
everything goes through ``db.session``, and the webhook commits it before the TwiML goes out. A
retried step (the same URL, so the same step number) finds its event recorded already and does
nothing twice.

What the number chose is kept for its next call, in the same transaction: the region it chose, and
the answer it reached (a node with a ``label``, a check, a region's offices), offered first on the
next call (``main.resume``). A wrong key is answered with one short sentence naming the menu's keys,
not the whole menu again; after an SMS the caller is back on the same answer's keys.
"""

from dataclasses import dataclass, replace
from datetime import datetime, timezone

from flask import current_app, g
from twilio.twiml.voice_response import VoiceResponse

from hotline.callbacks.requests import request_callback
from hotline.hours import ServiceHours
from hotline.messaging.outbound import try_queue_sms
from hotline.voice import memory, store
from hotline.voice.check_node import CheckNode
from hotline.voice.pieces import Pieces
from hotline.voice.playback import SAY_LANGUAGE, STEP_IS_NEW, Playback  # noqa: F401  (SAY_LANGUAGE: views)
from hotline.voice.speech import Speech, Utterance
from hotline.voice.state import CallState
from ivr_flows import FlowSet
from ivr_flows.model import Node

FLOW_URL = "/twilio/voice/flow/{flow}/{node}"
FULL, KEYS, AFTER = "full", "keys", "after"  # how a node is said: all of it; its keys after a wrong one; after an SMS


@dataclass(frozen=True)
class Caller:
    """Who is on the line, from the request Twilio sent."""

    sid: str
    number: str | None  # E.164, None when withheld
    hotline_number: str | None

    @property
    def abroad(self) -> bool:
        """Not on a Kyrgyz number: numbers are read as dialled from abroad."""
        return self.number is not None and not self.number.startswith("+996")


class VoiceEngine:
    """Flows, speech and side effects, bound together for the webhooks."""

    def __init__(self, flows: FlowSet, speech: Speech, audio=None, rules: dict | None = None):
        self.flows, self.speech, self.audio = flows, speech, audio
        self.rules = rules or {}
        self.checks = CheckNode(self, self.rules)  # the eligibility nodes
        self.pieces = Pieces(self.rules.values())  # Kyrgyz verdicts and read-backs, from audio built ahead
        self.playback = Playback(audio, speech.catalogue, self.pieces)

    # -- requests ---------------------------------------------------------------------------

    def incoming(self, caller: Caller) -> VoiceResponse:
        """A new call: record it, then the answer the number heard last (if any), the saved
        language's main menu, or the language choice."""
        saved = store.preference(caller.number)
        lang = saved.language if saved else None
        store.record_call(caller.sid, caller.number, caller.hotline_number, lang)
        ref, state = memory.first_node(self, saved, CallState(lang=lang or "ky", abroad=caller.abroad))
        first_time = store.record_event(caller.sid, 0, ref, "start", detail=f"lang={lang}" if lang else None)
        setattr(g, STEP_IS_NEW, first_time)
        return self.render(ref, state, caller)

    def step(self, ref: str, state: CallState, caller: Caller, form) -> VoiceResponse:
        """The caller pressed ``form['Digits']`` (or nothing) on ``ref``; answer with the next node."""
        state = replace(state, abroad=caller.abroad)
        node = self.flows.node(ref)
        if node.action == "eligibility":
            return self.checks.step(ref, state, caller, form)
        if node.action in ("operator", "voicemail"):  # Twilio reports how <Dial>/<Record> ended
            return self._after_dial_or_record(node, state, caller, form)
        if node.gather is None:  # a node that takes no key (the goodbye after a silent <Record>): say it
            state, _ = self.record(caller, state, ref, "arrive", next_node=ref)
            return self.render(ref, state, caller)
        digits = form.get("Digits") or None
        step = self.flows.step(ref, digits, state.fails, state.return_to)
        exit_ = step.exit
        new = replace(state, fails=step.fails, page=0 if step.next != ref else state.page, resume=None)
        if exit_.set.get("topic"):
            new = replace(new, topic=exit_.set["topic"], return_to=ref, region=None)
        if exit_.set.get("region"):
            new = replace(new, region=exit_.set["region"])
            store.save_region(caller.number, new.region, new.lang)
        target = step.next
        if exit_.action == "resume":  # the answer heard last (a URL without one: the main menu)
            target = state.resume if state.resume and self.flows.has(state.resume) else self.flows.home
        elif step.outcome == "route":
            target, new = memory.arrive(self, target, new, caller)
        new, first_time = self.record(caller, new, ref, step.outcome, digits, target, topic_detail(new))
        new, said = self._act(exit_.action, exit_.params, node, state, new, caller, first_time)
        prefix = [self.speech.prompt(new.lang, p) for p in exit_.say] + said  # in the language just chosen
        if target != ref:
            memory.remember(self, caller, target, new)
        mode = FULL
        if target == ref and step.outcome == "other":
            mode = KEYS
        elif target == ref and exit_.action == "sms":
            mode = AFTER
        return self.render(target, new, caller, prefix, mode=mode)

    def _act(self, action, params, node: Node, old: CallState, new: CallState, caller: Caller, first_time: bool):
        """Carry out an exit's action; returns the state after it and what to say about it.

        A retried step (``first_time`` False) says the same, but sends no second SMS and asks for no
        second callback (its first try did, and committed it)."""
        if action in ("set_language", "switch_language"):
            lang = params.get("lang") if action == "set_language" else old.other_language().lang
            store.save_language(caller.number, lang)
            store.set_call_language(caller.sid, lang)
            return replace(new, lang=lang), []
        if action == "more":
            return replace(new, page=old.page + 1), []
        if action == "sms":
            said = self._send_sms(node, old, caller) if first_time else "sms.sent"
            return new, [self.speech.prompt(new.lang, said)]
        if action == "callback":
            return new, [self.speech.prompt(new.lang, p) for p in self._callback(caller, new, "menu", node.ref)]
        return new, []  # repeat, resume, or no action

    def _send_sms(self, node: Node, state: CallState, caller: Caller) -> str:
        parts = self.speech.sms_parts(node, state)
        if caller.number is None or not parts:
            return "sms.not_sent"
        rendered = current_app.extensions["sms"].renderer.render(parts, "cyrillic")  # SMS_MAX_SEGMENTS
        # sent, or why not: a number the hotline does not text, SMS_PER_CALL, SMS_PER_NUMBER_DAILY …
        return try_queue_sms(caller.number, rendered, hotline_number=caller.hotline_number, call_sid=caller.sid).prompt

    def _callback(self, caller: Caller, state: CallState, source: str, topic: str | None) -> tuple[str, ...]:
        """Record a callback request; the prompts that say so (recorded / already there, and when), or why
        no call is coming (a number the hotline does not call, a cap)."""
        if caller.number is None:
            return ("callback.no_number",)
        return request_callback(caller.number, source=source, language=state.lang, topic=state.topic or topic,
                                call_sid=caller.sid, hotline_number=caller.hotline_number).prompts

    def _after_dial_or_record(self, node: Node, state: CallState, caller: Caller, form) -> VoiceResponse:
        """After ``<Dial>`` or ``<Record>``: the event (with where the call goes, as every step's
        event says), then the node after it. An answered operator call ends there."""
        after = self.flows.resolve(node.next, node.flow) if node.next else None
        if node.action == "operator":
            status = form.get("DialCallStatus", "")
            if status == "completed":
                after = None
            state, _ = self.record(caller, state, node.ref, "dial", next_node=after, detail=f"status={status}")
        else:
            state, _ = self.record(caller, state, node.ref, "record", next_node=after,
                                   detail=f"seconds={form.get('RecordingDuration')}")
        if after is None:
            response = VoiceResponse()
            response.hangup()
            return response
        return self.render(after, state, caller)

    # -- rendering --------------------------------------------------------------------------

    def render(self, ref: str, state: CallState, caller: Caller, prefix: list[Utterance] | None = None,
               depth: int = 0, mode: str = FULL) -> VoiceResponse:
        """TwiML for arriving at ``ref``, saying ``prefix`` first. ``mode``: the whole node (FULL),
        only the sentence naming its keys after a wrong one (KEYS), or only its keys after an SMS (AFTER)."""
        node = self.flows.node(ref)
        if node.action == "eligibility":
            return self.checks.render(ref, state, caller, prefix)
        lang = state.lang
        said = list(prefix or [])
        response = VoiceResponse()
        if node.gather is not None:
            if mode == KEYS and node.keys_prompt:
                said.append(self.speech.prompt(lang, node.keys_prompt))
            else:
                content, more = self.speech.content(node, state, caller.abroad)
                after = [self.speech.prompt(lang, p) for p in node.after]
                if more:
                    after.append(self.speech.prompt(lang, "offices.more"))
                if mode == FULL:
                    said += [self.speech.prompt(lang, p) for p in node.say] + memory.resume_said(self, node, state) + content
                said += after
            url = self.url(ref, state)
            with response.gather(action=url, method="POST", num_digits=1, timeout=node.gather.timeout,
                                 finish_on_key="") as gather:
                self._speak(gather, said, lang, caller)
            response.redirect(url, method="POST")  # silence: the same URL without Digits
            return response
        said += [self.speech.prompt(lang, p) for p in node.say]
        if node.action == "hangup":
            self._speak(response, said, lang, caller)
            response.hangup()
        elif node.action == "operator":
            numbers, hours = current_app.config["OPERATOR_NUMBER_LIST"], current_app.config["OPERATOR_SERVICE_HOURS"]
            if not numbers or not hours.is_open(datetime.now(timezone.utc)):
                return self.render(self.flows.resolve(node.next, node.flow), state, caller, prefix, depth + 1)
            self._speak(response, said, lang, caller)
            dial = response.dial(action=self.url(ref, state), method="POST",
                                 timeout=current_app.config["OPERATOR_DIAL_SECONDS"])
            for number in numbers:
                dial.number(number)
        elif node.action == "voicemail":
            booked = self._callback(caller, state, "operator_hours", state.topic)
            if booked[0] not in ("callback.recorded", "callback.refreshed"):
                # no call back is coming (a withheld number, one the hotline does not call, a cap):
                # say why, not "we will call you back", and take no message nobody could return
                why = [self.speech.prompt(lang, p) for p in (*booked, "operator.callback_done")]  # "thank you, goodbye"
                self._speak(response, list(prefix or []) + why, lang)
                response.hangup()
                return response
            self._speak(response, said, lang)
            response.record(action=self.url(ref, state), method="POST", play_beep=True, trim="trim-silence",
                            max_length=current_app.config["VOICEMAIL_MAX_SECONDS"],
                            recording_status_callback="/twilio/voice/recording",
                            recording_status_callback_method="POST")
            response.redirect(self.url(self.flows.resolve(node.next, node.flow), state), method="POST")
        elif node.next and depth < 10:
            return self.render(self.flows.resolve(node.next, node.flow), state, caller, said, depth + 1)
        return response

    def url(self, ref: str, state: CallState) -> str:
        flow, _, node = ref.partition(".")
        return FLOW_URL.format(flow=flow, node=node) + "?" + state.query()

    def _speak(self, verb, utterances: list[Utterance], lang: str, caller: Caller | None = None) -> None:
        """``<Play>`` what the audio cache has; see :mod:`hotline.voice.playback` for the rest."""
        self.playback.speak(verb, utterances, lang, caller)

    def record(self, caller: Caller, state: CallState, node: str, outcome: str, digits: str | None = None,
               next_node: str | None = None, detail: str | None = None) -> tuple[CallState, bool]:
        """Record this request's step of the call; returns the state the next URLs carry, and whether
        the step is new (False: Twilio retried it, and its first try's row is there)."""
        step = state.step + 1
        first_time = store.record_event(caller.sid, step, node, outcome, digits, next_node, detail)
        setattr(g, STEP_IS_NEW, first_time)  # a retry sends no second SMS of missing audio either
        return replace(state, step=step), first_time


def topic_detail(state: CallState) -> str | None:
    """The topic and region a step left the caller in, for the call log."""
    return " ".join(f"{k}={v}" for k, v in (("topic", state.topic), ("region", state.region)) if v) or None


def service_hours(config) -> ServiceHours:
    return ServiceHours.parse(config["OPERATOR_HOURS"], config["OPERATOR_TIMEZONE"])
