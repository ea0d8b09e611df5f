"""The voice engine: a Twilio request on a node in, TwiML out.

Each step routes the key through :meth:`ivr_flows.FlowSet.step`, records the step as a call event,
carries out the exit's action (an SMS, a callback request, a language), and renders the next node;
everything goes through ``db.session``, and the webhook commits it before the TwiML goes out. A
retried step (the same URL, so the same step number) finds its event recorded already and does
nothing twice.
"""

from dataclasses import dataclass, replace
from datetime import datetime, timezone

from flask import current_app
from twilio.twiml.voice_response import VoiceResponse

from hotline.callbacks.requests import request_callback
from hotline.celery_app import enqueue_after_commit
from hotline.extensions import db
from hotline.hours import ServiceHours
from hotline.messaging.outbound import queue_sms
from hotline.voice import store
from hotline.voice.check_node import CheckNode
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

    def __init__(self, flows: FlowSet, speech: Speech, audio=None, rules: dict | None = None):
        self.flows, self.speech, self.audio = flows, speech, audio
        self.checks = CheckNode(self, rules or {})  # the eligibility nodes
        # audio this process already asked the worker to render (a bound on broker traffic only:
        # a render is idempotent, and asking again from another process costs one task)
        self._render_requested: set[tuple[str, str]] = set()

    # -- requests ---------------------------------------------------------------------------

    def incoming(self, caller: Caller) -> VoiceResponse:
        """A new call: record it, then the saved language's main menu or the language choice."""
        lang = store.saved_language(caller.number)
        store.record_call(caller.sid, caller.number, caller.hotline_number, lang)
        ref = "main.menu" if lang else "main.language"
        store.record_event(caller.sid, 0, ref, "start", detail=f"lang={lang}" if lang else None)
        return self.render(ref, CallState(lang=lang or "ky"), caller)

    def step(self, ref: str, state: CallState, caller: Caller, form) -> VoiceResponse:
        """The caller pressed ``form['Digits']`` (or nothing) on ``ref``; answer with the next node."""
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
        new = replace(state, fails=step.fails, page=0 if step.next != ref else state.page)
        if exit_.set.get("topic"):
            new = replace(new, topic=exit_.set["topic"], return_to=ref, region=None)
        if exit_.set.get("region"):
            new = replace(new, region=exit_.set["region"])
        prefix = [self.speech.prompt(new.lang, p) for p in exit_.say]
        new, first_time = self.record(caller, new, ref, step.outcome, digits, step.next, topic_detail(new))
        new, said = self._act(exit_.action, exit_.params, node, state, new, caller, first_time)
        return self.render(step.next, new, caller, prefix + said)

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
        return new, []  # repeat, or no action

    def _send_sms(self, node: Node, state: CallState, caller: Caller) -> str:
        parts = self.speech.sms_parts(node, state)
        if caller.number is None or not parts:
            return "sms.not_sent"
        from hotline.messaging.outbound import try_queue_sms

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
               depth: int = 0) -> VoiceResponse:
        """TwiML for arriving at ``ref``, saying ``prefix`` first."""
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
                enqueue_after_commit(db.session, "tasks.audio.render", lang, utterance.key, utterance.text)

    def record(self, caller: Caller, state: CallState, node: str, outcome: str, digits: str | None = None,
               next_node: str | None = None, detail: str | None = None) -> tuple[CallState, bool]:
        """Record this request's step of the call; returns the state the next URLs carry, and whether
        the step is new (False: Twilio retried it, and its first try's row is there)."""
        step = state.step + 1
        first_time = store.record_event(caller.sid, step, node, outcome, digits, next_node, detail)
        return replace(state, step=step), first_time


def topic_detail(state: CallState) -> str | None:
    """The topic and region a step left the caller in, for the call log."""
    return " ".join(f"{k}={v}" for k, v in (("topic", state.topic), ("region", state.region)) if v) or None


def service_hours(config) -> ServiceHours:
    return ServiceHours.parse(config["OPERATOR_HOURS"], config["OPERATOR_TIMEZONE"])
