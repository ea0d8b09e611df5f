"""What a call does with what the number chose before (:mod:`hotline.callers`, one row per number).

- A returning caller whose number reached an answer before hears it offered first (``main.resume``:
  "1 – again: Naryn oblast, free legal aid. 2 – the main menu"); 1 goes straight back there.
- A menu with ``if_region`` (the region menu) is skipped when the number chose a region before: the
  offices of that region are read, the region named first (* there chooses another).
- Every answer reached (a node with a ``label``, a check, a region's offices) is remembered, and the
  region chosen, in the request's transaction: the next call, on any process, sees them.
"""

from dataclasses import replace

from hotline.voice import store
from hotline.voice.checks import name_utterance
from hotline.voice.speech import Utterance
from hotline.voice.state import CallState

RESUME = "main.resume"  # a returning caller's first node, when the number heard an answer before


def first_node(engine, saved, state: CallState) -> tuple[str, CallState]:
    """Where a call starts: the resume of the answer heard last, the main menu, or the language."""
    ref = "main.menu" if saved else "main.language"
    last = saved.last_node if saved else None
    if not last or not engine.flows.has(last) or not engine.flows.has(RESUME):
        return ref, state
    node = engine.flows.node(last)
    offices = (node.content or {}).get("type") == "offices"
    if node.resumable and (not offices or (saved.last_topic and saved.region)):  # offices need both to be named
        return RESUME, replace(state, resume=last, topic=saved.last_topic, region=saved.region)
    return ref, state


def arrive(engine, target: str, state: CallState, caller) -> tuple[str, CallState]:
    """Where a caller sent to ``target`` lands: a node with ``if_region`` goes straight to its offices
    when the number chose a region before."""
    node = engine.flows.node(target)
    if node.if_region and state.region is None:
        region = store.saved_region(caller.number)
        if region:
            return engine.flows.resolve(node.if_region, node.flow), replace(state, region=region)
    return target, state


def remember(engine, caller, target: str, state: CallState) -> None:
    """An answer reached (:attr:`ivr_flows.model.Node.resumable`) is offered first next time."""
    if engine.flows.has(target) and engine.flows.node(target).resumable:
        store.save_last(caller.number, target, state.topic, state.lang)


def resume_said(engine, node, state: CallState) -> list[Utterance]:
    """``main.resume``'s words: "1 – again:", the name of the answer heard last, "2 – the main menu".
    A label names an answer; a check is named by its rule; a region's offices by their topic and
    region (the directory's names)."""
    if (node.content or {}).get("type") != "resume" or not state.resume or not engine.flows.has(state.resume):
        return []
    lang, last, speech = state.lang, engine.flows.node(state.resume), engine.speech
    if last.label:
        names = [speech.prompt(lang, last.label)]
    elif last.action == "eligibility" and last.rule in engine.rules:
        names = [name_utterance(engine.rules[last.rule], lang)]
    else:
        names = [speech.name(lang, "topic", state.topic or ""), speech.name(lang, "region", state.region or "")]
    return ([speech.prompt(lang, "main.resume")] + [n for n in names if n is not None]
            + [speech.prompt(lang, "main.resume_menu")])
