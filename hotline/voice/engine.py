"""The voice engine: a Twilio request on a node in, TwiML out.

Each step routes the key through :meth:`ivr_flows.FlowSet.step`, carries out the exit's action,
appends a call event to the batch buffer, and renders the next node. A step writes nothing else to
the database unless the caller is waiting on it (an SMS, a callback request, a language choice).
"""

import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone

from flask import current_app
from twilio.twiml.voice_response import VoiceResponse

from hotline.callbacks.requests import request_callback
from hotline.celery_app import enqueue
from hotline.extensions import db
from hotline.hours import ServiceHours
from hotline.messaging.outbound import queue_sms
from hotline.sms.render import render_sms_reply
from hotline.voice import store
from hotline.voice.check_node import CheckNode
from hotline.voice.events import EventBuffer
from hotline.voice.speech import Speech, Utterance
from hotline.voice.state import CallState
from ivr_flows import FlowSet
from ivr_flows.model import Node

SAY_LANGUAGE = {"ky": "ru-RU", "ru": "ru-RU"}  # Twilio has no Kyrgyz voice: <Say> is the stopgap
FLOW_URL = "/twilio/voice/flow/{flow}/{node}"


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

    def __init__(self, flows: FlowSet, speech: Speech, events: EventBuffer, audio=None, rules: dict | None = None):
        self.flows, self.speech, self.events, self.audio = flows, speech, events, audio
        self.checks = CheckNode(self, rules or {})  # the eligibility nodes
        self._render_requested: set[tuple[str, str]] = set()  # audio already asked of the worker
        # Menus render the same TwiML for the same state: keep it per process, until the
        # directory or the audio changes (operator and voicemail nodes depend on the clock: not kept).
        self._rendered: dict[tuple, str] = {}
        self._rendered_generation = None
        self._generation_checked_at = float("-inf")

    # -- requests ---------------------------------------------------------------------------

    def incoming(self, caller: Caller) -> VoiceResponse:
        """A new call: record it, then the saved language's main menu or the language choice."""
        lang = store.saved_language(caller.number)
        self.events.add_call(db.engine, caller.sid, caller.number, caller.hotline_number, lang)
        ref = "main.menu" if lang else "main.language"
        self._event(caller, ref, "start", detail=f"lang={lang}" if lang else None)
        return self.render(ref, CallState(lang=lang or "ky"), caller)

    def step(self, ref: str, state: CallState, caller: Caller, form) -> VoiceResponse:
        """The caller pressed ``form['Digits']`` (or nothing) on ``ref``; answer with the next node."""
        node = self.flows.node(ref)
        if node.action == "eligibility":
            return self.checks.step(ref, state, caller, form)
        if node.action in ("operator", "voicemail"):  # Twilio reports how <Dial>/<Record> ended
            return self._after_dial_or_record(node, state, caller, form)
        digits = form.get("Digits") or None
        step = self.flows.step(ref, digits, state.fails, state.return_to)
        exit_ = step.exit
        new = replace(state, fails=step.fails, page=0 if step.next != ref else state.page)
        if exit_.set.get("topic"):
            new = replace(new, topic=exit_.set["topic"], return_to=ref, region=None)
        if exit_.set.get("region"):
            new = replace(new, region=exit_.set["region"])
        prefix = [self.speech.prompt(new.lang, p) for p in exit_.say]
        new, said = self._act(exit_.action, exit_.params, node, state, new, caller)
        self._event(caller, ref, step.outcome, digits, step.next, new)
        return self.render(step.next, new, caller, prefix + said)

    def _act(self, action, params, node: Node, old: CallState, new: CallState, caller: Caller):
        """Carry out an exit's action; returns the state after it and what to say about it."""
        if action in ("set_language", "switch_language"):
            lang = params.get("lang") if action == "set_language" else old.other_language().lang
            store.save_language(caller.number, lang)
            self.events.set_language(db.engine, caller.sid, lang)
            return replace(new, lang=lang), []
        if action == "more":
            return replace(new, page=old.page + 1), []
        if action == "sms":
            return new, [self.speech.prompt(new.lang, self._send_sms(node, old, caller))]
        if action == "callback":
            return new, [self.speech.prompt(new.lang, p) for p in self._callback(caller, new, "menu", node.ref)]
        return new, []  # repeat, or no action

    def _send_sms(self, node: Node, state: CallState, caller: Caller) -> str:
        parts = self.speech.sms_parts(node, state)
        if caller.number is None or not parts:
            return "sms.not_sent"
        rendered = render_sms_reply(parts, script="cyrillic", max_segments=2)
        message = queue_sms(caller.number, rendered, hotline_number=caller.hotline_number, call_sid=caller.sid)
        return "sms.sent" if message is not None else "sms.not_sent"

    def _callback(self, caller: Caller, state: CallState, source: str, topic: str | None) -> tuple[str, ...]:
        """Record a callback request; the prompts that say so (recorded / already there / capped, and when)."""
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
            self._event(caller, node.ref, "dial", next_node=after, detail=f"status={status}"[:200])
        else:
            self._event(caller, node.ref, "record", next_node=after, detail=f"seconds={form.get('RecordingDuration')}")
        if after is None:
            response = VoiceResponse()
            response.hangup()
            return response
        return self.render(after, state, caller)

    # -- rendering --------------------------------------------------------------------------

    def render(self, ref: str, state: CallState, caller: Caller, prefix: list[Utterance] | None = None,
               depth: int = 0):
        """TwiML for arriving at ``ref``, saying ``prefix`` first (a menu's, from memory when seen before)."""
        node = self.flows.node(ref)
        if node.gather is None:
            return self._render(ref, state, caller, prefix, depth)
        now = time.monotonic()
        # a query and a stat: at most once a second (as often as the directory cache looks, in tests)
        if now - self._generation_checked_at >= min(1.0, self.speech.directory.check_seconds):
            self._generation_checked_at = now
            generation = (self.speech.directory.version(), self.audio.generation() if self.audio else None)
            if generation != self._rendered_generation:
                self._rendered, self._rendered_generation = {}, generation
        if len(self._rendered) > 20000:
            self._rendered = {}
        key = (ref, state, caller.abroad, tuple(u.key for u in prefix or ()))
        if key not in self._rendered:
            self._rendered[key] = str(self._render(ref, state, caller, prefix, depth))
        return self._rendered[key]

    def _render(self, ref: str, state: CallState, caller: Caller, prefix: list[Utterance] | None = None,
                depth: int = 0) -> VoiceResponse:
        node = self.flows.node(ref)
        if node.action == "eligibility":
            return self.checks.render(ref, state, caller, prefix)
        lang = state.lang
        said = list(prefix or []) + [self.speech.prompt(lang, p) for p in node.say]
        response = VoiceResponse()
        if node.gather is not None:
            content, more = self.speech.content(node, state, caller.abroad)
            after = [self.speech.prompt(lang, p) for p in node.after]
            if more:
                after.append(self.speech.prompt(lang, "offices.more"))
            url = self.url(ref, state)
            with response.gather(action=url, method="POST", num_digits=1, timeout=node.gather.timeout,
                                 finish_on_key="") as gather:
                self._speak(gather, said + content + after, lang)
            response.redirect(url, method="POST")  # silence: the same URL without Digits
            return response
        if node.action == "hangup":
            self._speak(response, said, lang)
            response.hangup()
        elif node.action == "operator":
            numbers, hours = current_app.config["OPERATOR_NUMBER_LIST"], current_app.config["OPERATOR_SERVICE_HOURS"]
            if not numbers or not hours.is_open(datetime.now(timezone.utc)):
                return self.render(self.flows.resolve(node.next, node.flow), state, caller, prefix, depth + 1)
            self._speak(response, said, lang)
            dial = response.dial(action=self.url(ref, state), method="POST",
                                 timeout=current_app.config["OPERATOR_DIAL_SECONDS"])
            for number in numbers:
                dial.number(number)
        elif node.action == "voicemail":
            if caller.number is not None:
                self._callback(caller, state, "operator_hours", state.topic)
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

    def _speak(self, verb, utterances: list[Utterance], lang: str) -> None:
        """``<Play>`` what the audio cache has, ``<Say>`` the rest and ask the worker to render it
        (not for "dyn:" keys: words made from a caller's answers are said, never rendered ahead)."""
        base = current_app.config["PUBLIC_BASE_URL"]
        for utterance in utterances:
            name = self.audio.lookup(lang, utterance.key, utterance.text) if self.audio else None
            if name:
                verb.play(f"{base}/audio/{name}")
                continue
            verb.say(utterance.text, language=SAY_LANGUAGE[lang])
            key = (lang, utterance.key)
            if utterance.key.startswith("dyn:"):
                continue
            if self.audio is not None and key not in self._render_requested and len(self._render_requested) < 10000:
                self._render_requested.add(key)
                enqueue("tasks.audio.render", lang, utterance.key, utterance.text)

    def _event(self, caller: Caller, node: str, outcome: str, digits: str | None = None,
               next_node: str | None = None, state: CallState | None = None, detail: str | None = None) -> None:
        if state is not None and detail is None:
            detail = " ".join(f"{k}={v}" for k, v in (("topic", state.topic), ("region", state.region)) if v) or None
        self.events.add(db.engine, caller.sid, node, outcome, digits, next_node, detail)


def service_hours(config) -> ServiceHours:
    return ServiceHours.parse(config["OPERATOR_HOURS"], config["OPERATOR_TIMEZONE"])
