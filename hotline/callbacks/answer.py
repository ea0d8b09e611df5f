"""The call the hotline makes back, as TwiML, through the voice engine.

The person hears who is calling and why (``ivr_flows/callback.yaml``), then an operator when one is
on duty (``<Dial>``), else the menu they asked about: the node of their topic, or the main menu.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from twilio.twiml.voice_response import VoiceResponse

from hotline.callbacks.models import CallbackRequest
from hotline.voice import store
from hotline.voice.engine import Caller
from hotline.voice.state import CallState
from ivr_flows import FlowSet

GREETING = "callback.greeting"  # the entry node of the outbound call
TO_MENU = "callback.menu"  # said before the menu when nobody can take the call
NOT_A_DESTINATION = ("operator", "callback")  # flows that are about calling back, not a topic


@dataclass(frozen=True)
class Destination:
    """Where the person goes when no operator is on duty."""

    ref: str  # a node that gathers a key
    topic: str | None = None
    return_to: str | None = None  # the menu that sets the topic ("*" goes back there)


def destination(flows: FlowSet, topic: str | None) -> Destination | None:
    """The menu for ``topic`` (a node ref such as ``jardam.menu``, a topic code set by a menu exit
    such as ``legal_aid``, or a flow's name), or None for the main menu."""
    if not topic:
        return None
    if flows.has(topic):
        node = flows.node(topic)
        if node.gather is not None and node.flow not in NOT_A_DESTINATION:
            return Destination(topic)
        return None
    for flow in flows.flows.values():
        for node in flow.nodes.values():
            for exit_ in node.routes.values():
                if exit_.set.get("topic") == topic and exit_.goto:
                    return Destination(flows.resolve(exit_.goto, flow.name), topic, node.ref)
    if topic in flows.flows and topic not in NOT_A_DESTINATION:
        return Destination(flows.start(topic))
    return None


def operators_available(now: datetime) -> bool:
    """The same rule as the voice flow's operator node: numbers configured and within their hours."""
    config = current_app.config
    return bool(config["OPERATOR_NUMBER_LIST"]) and config["OPERATOR_SERVICE_HOURS"].is_open(now)


def answer_callback(request: CallbackRequest, caller: Caller, now: datetime) -> VoiceResponse | str:
    """TwiML for the moment the person picks up: greeting, then a person or their menu."""
    engine = current_app.extensions["voice"]
    lang = request.language or store.saved_language(request.caller) or "ky"
    target = destination(engine.flows, request.topic)
    state = CallState(lang=lang, topic=target.topic if target else None,
                      return_to=target.return_to if target else None)
    store.record_call(caller.sid, request.caller, caller.hotline_number, lang, direction="outbound")
    first = GREETING if target is None or operators_available(now) else target.ref
    store.record_event(caller.sid, 0, GREETING, "start", None, first, f"callback={request.id}")
    if first == GREETING:
        return engine.render(GREETING, state, caller)
    said = [engine.speech.prompt(lang, p) for p in engine.flows.node(GREETING).say + engine.flows.node(TO_MENU).say]
    return engine.render(target.ref, state, caller, prefix=said)
