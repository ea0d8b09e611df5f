"""The voice menus as data: load, check and step through the flows in this directory.

``load_flows(prompts=...)`` reads every ``*.yaml`` here, checks them together, and returns a
:class:`FlowSet`; :meth:`FlowSet.step` turns a key press on a node into the next node. Nothing
here knows about Flask, Twilio or the database.
"""

from collections.abc import Mapping
from pathlib import Path

from ivr_flows.loader import FLOWS_DIR, FlowError, read_flow
from ivr_flows.model import CHECK_PROMPTS, CONTENT_PROMPTS, RETURN, Exit, Flow, Node, Step

__all__ = ["FLOWS_DIR", "FlowError", "FlowSet", "load_flows"]

MAX_FAILS = 3  # wrong keys or silences in a row on one menu before the caller is offered a message


class FlowSet:
    """All flows, checked; nodes are addressed as ``"flow.node"``."""

    def __init__(self, flows: dict[str, Flow]):
        self.flows = flows
        self.entries = [f"{f.name}.{node}" for f in flows.values() for node in f.entries]

    def resolve(self, ref: str, flow: str) -> str:
        """``"node"`` within ``flow``, or ``"other_flow.node"``, as a full ref."""
        return ref if "." in ref else f"{flow}.{ref}"

    def node(self, ref: str) -> Node:
        """The node at ``ref``; KeyError if there is none."""
        flow, _, node_id = ref.partition(".")
        return self.flows[flow].nodes[node_id]

    def has(self, ref: str) -> bool:
        flow, _, node_id = ref.partition(".")
        return flow in self.flows and node_id in self.flows[flow].nodes

    def start(self, flow: str) -> str:
        return f"{flow}.{self.flows[flow].start}"

    def settled(self, ref: str) -> str:
        """Where a caller sent to ``ref`` ends up listening: a node that only speaks (no key to
        gather, no action) passes on to its ``next``, as the webhook renders it. An unknown ref
        (a node since removed from the flows) is returned as it is."""
        for _ in range(10):  # the webhook follows at most as many
            if not self.has(ref):
                return ref
            node = self.node(ref)
            if node.gather is not None or node.action is not None or not node.next:
                return ref
            ref = self.resolve(node.next, node.flow)
        return ref

    @property
    def home(self) -> str:
        """The main menu (the ``main`` flow's start, else the first entry flow's): where "back" goes
        when nothing else fits. Not simply the first entry: ``callback`` sorts before ``main``."""
        flow = "main" if "main" in self.flows else self.entries[0].partition(".")[0]
        return self.start(flow)

    def back_of(self, ref: str, return_to: str | None = None) -> str:
        """Where ``*`` leads from ``ref``: its ``back``, the menu that chose the topic, or its flow's start."""
        node, flow = self.node(ref), self.flows[ref.partition(".")[0]]
        if node.back == RETURN:
            return return_to if return_to and self.has(return_to) else self.home
        return self.resolve(node.back or flow.start, node.flow)

    def step(self, ref: str, digits: str | None, fails: int = 0, return_to: str | None = None) -> Step:
        """Route ``digits`` pressed on the node at ``ref`` (None or "" for silence).

        ``fails`` counts wrong keys and silences in a row on this node; ``return_to`` is the menu
        that chose the call's topic (where ``back: "@return"`` leads).
        """
        node, flow = self.node(ref), self.flows[ref.partition(".")[0]]
        key = (digits or "")[:1]
        if not key:
            outcome, exit_ = "no_response", node.routes["no_response"]
        elif node.reserved_keys and key == "*":
            outcome, exit_ = "back", Exit(goto=self.back_of(ref, return_to))
        elif key == "0" and flow.operator:  # a person, on every menu: never a wrong key
            outcome, exit_ = "operator", Exit(goto=flow.operator)
        elif node.reserved_keys and key == "#":
            outcome, exit_ = "language", Exit(goto=node.id, action="switch_language")
        elif key in node.routes and key not in ("other", "no_response"):
            outcome, exit_ = "route", node.routes[key]
        else:
            outcome, exit_ = "other", node.routes["other"]
        failed = outcome in ("other", "no_response")
        target = self.resolve(exit_.goto, node.flow) if exit_.goto else ref
        count = fails + 1 if failed else 0
        if failed and count >= MAX_FAILS and flow.give_up:
            return Step("give_up", Exit(goto=flow.give_up), self.resolve(flow.give_up, node.flow), 0)
        return Step(outcome, exit_, target, count if target == ref else 0)

    def edges(self, node: Node):
        """Every ref a node can lead to (for the reachability check and the diagram)."""
        flow = self.flows[node.flow]
        for label, exit_ in node.routes.items():
            if exit_.goto:
                yield label, self.resolve(exit_.goto, node.flow)
        if node.next:
            yield "next", self.resolve(node.next, node.flow)
        if node.gather is not None and node.reserved_keys and node.back != RETURN:
            yield "*", self.back_of(node.ref)
        if node.gather is not None and flow.operator:
            yield "0", self.resolve(flow.operator, node.flow)
        if node.if_region:
            yield "region known", self.resolve(node.if_region, node.flow)
        if node.gather is not None and flow.give_up:
            yield "3 fails", self.resolve(flow.give_up, node.flow)


def load_flows(directory: Path = FLOWS_DIR, prompts: Mapping[str, set[str]] | None = None,
               rules: set[str] | None = None) -> FlowSet:
    """Read and check every flow in ``directory``; raise :class:`FlowError` listing all problems.

    ``prompts`` maps each language to the prompt ids its catalogue has; every id a flow uses must be
    in every language. ``rules``: the eligibility rule ids that exist; an eligibility node naming
    another is a problem.
    """
    problems: list[str] = []
    flows = {}
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        raise FlowError([f"{directory}: no flow files (*.yaml)"])
    for path in paths:
        flow = read_flow(path, problems)
        if flow is not None:
            flows[flow.name] = flow
    flow_set = FlowSet(flows)
    if not flow_set.entries:
        problems.append("no flow is marked 'entry: true'; no caller could reach any menu")
    _check_references(flow_set, problems)
    if rules is not None:
        _check_rules(flow_set, rules, problems)
    if prompts is not None:
        _check_prompts(flow_set, prompts, problems)
    if not problems:
        _check_reachable(flow_set, problems)
    if problems:
        raise FlowError(problems)
    return flow_set


def _check_references(flow_set: FlowSet, problems: list[str]) -> None:
    for flow in flow_set.flows.values():
        file = Path(flow.path).name
        for label, ref in (("give_up", flow.give_up), ("operator", flow.operator)):
            if ref and not flow_set.has(flow_set.resolve(ref, flow.name)):
                problems.append(f"{file}: {label} {ref!r} is not a node")
        for node in flow.nodes.values():
            where = f"{file}, node '{node.id}'"
            refs = [(f"route '{k}'", e.goto) for k, e in node.routes.items() if e.goto]
            refs += [("back", node.back if node.back != RETURN else None), ("next", node.next),
                     ("if_region", node.if_region)]
            for label, ref in refs:
                if ref and not flow_set.has(flow_set.resolve(ref, flow.name)):
                    problems.append(f"{where}: {label} leads to {ref!r}, which is not a node")
            for key, exit_ in node.routes.items():
                if exit_.action == "more" and not node.content:
                    problems.append(f"{where}: route '{key}' asks for more, but the node has no content")
                if exit_.action == "sms" and not (node.content or node.sms):
                    problems.append(f"{where}: route '{key}' sends an SMS, but the node has no content or sms prompt")


def _check_rules(flow_set: FlowSet, rules: set[str], problems: list[str]) -> None:
    for flow in flow_set.flows.values():
        for node in flow.nodes.values():
            if node.action == "eligibility" and node.rule and node.rule not in rules:
                problems.append(f"{Path(flow.path).name}, node '{node.id}': unknown rule '{node.rule}' "
                                f"(no data/rules/{node.rule}.yaml)")


def _prompt_ids(node: Node):
    yield from node.say
    yield from node.after
    if node.label:
        yield node.label
    if node.sms:
        yield node.sms
    for exit_ in node.routes.values():
        yield from exit_.say


def _check_prompts(flow_set: FlowSet, prompts: Mapping[str, set[str]], problems: list[str]) -> None:
    checks = any(n.action == "eligibility" for f in flow_set.flows.values() for n in f.nodes.values())
    for prompt in CONTENT_PROMPTS + (CHECK_PROMPTS if checks else ()):
        missing = [lang for lang, ids in sorted(prompts.items()) if prompt not in ids]
        if missing:
            problems.append(f"prompt '{prompt}' (spoken by the engine) is missing in {', '.join(missing)}")
    for flow in flow_set.flows.values():
        for node in flow.nodes.values():
            for prompt in dict.fromkeys(_prompt_ids(node)):
                missing = [lang for lang, ids in sorted(prompts.items()) if prompt not in ids]
                if missing:
                    problems.append(f"{Path(flow.path).name}, node '{node.id}': prompt '{prompt}' "
                                    f"is missing in {', '.join(missing)}")


def _check_reachable(flow_set: FlowSet, problems: list[str]) -> None:
    seen, todo = set(), list(flow_set.entries)
    while todo:
        ref = todo.pop()
        if ref in seen:
            continue
        seen.add(ref)
        todo.extend(target for _, target in flow_set.edges(flow_set.node(ref)))
    for flow in flow_set.flows.values():
        for node in flow.nodes.values():
            if node.ref not in seen:
                problems.append(f"{Path(flow.path).name}, node '{node.id}': no caller can reach it")
