"""Read the flow files and check them: every problem is named by file and node.

Checks: unknown fields, node ids, prompt ids, actions and content types; dangling exits; gathering
nodes without ``other`` or ``no_response``; reserved keys used as menu choices; a prompt missing in
one language; nodes no caller can reach; eligibility nodes without a rule (unknown rule ids are
checked in ``load_flows``, given the rule ids).
"""

from collections.abc import Mapping
from pathlib import Path

import yaml

from ivr_flows.model import (
    CONTENT_TYPES, CONTEXT_KEYS, EXIT_ACTIONS, MENU_KEYS, NODE_ACTIONS, RESERVED_KEYS,
    SPECIAL_ROUTES, Exit, Flow, Gather, Node,
)

FLOWS_DIR = Path(__file__).resolve().parent
NODE_FIELDS = {"say", "content", "after", "gather", "routes", "back", "action", "next", "sms", "reserved_keys",
               "rule", "label", "if_region"}
EXIT_FIELDS = {"goto", "say", "action", "params", "set"}
FLOW_FIELDS = {"flow", "start", "entry", "give_up", "operator", "nodes"}


class FlowError(ValueError):
    """One or more problems in the flow files; ``problems`` lists them, one line each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def _ids(value, where, problems) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(f"{where}: expected a prompt id or a list of them")
        return ()
    return tuple(value)


def _exit(raw, where, problems) -> Exit:
    if isinstance(raw, str):
        raw = {"goto": raw}
    if not isinstance(raw, Mapping):
        problems.append(f"{where}: expected a node id or a mapping with goto")
        return Exit(goto=None)
    for name in set(raw) - EXIT_FIELDS:
        problems.append(f"{where}: unknown field '{name}'")
    action = raw.get("action")
    if action is not None and action not in EXIT_ACTIONS:
        problems.append(f"{where}: unknown action '{action}' (one of {', '.join(EXIT_ACTIONS)})")
    goto = raw.get("goto")
    params, context = raw.get("params") or {}, raw.get("set") or {}
    for key in set(context) - set(CONTEXT_KEYS):
        problems.append(f"{where}: cannot set '{key}' (only {', '.join(CONTEXT_KEYS)})")
    if action == "set_language" and params.get("lang") not in ("ky", "ru"):
        problems.append(f"{where}: set_language needs params.lang ky or ru")
    return Exit(goto=goto, say=_ids(raw.get("say"), where, problems), action=action,
                params=dict(params), set=dict(context))


def _node(flow: str, node_id: str, raw, where: str, problems: list[str]) -> Node:
    if not isinstance(raw, Mapping):
        problems.append(f"{where}: expected a mapping")
        return Node(flow=flow, id=node_id)
    for name in set(raw) - NODE_FIELDS:
        problems.append(f"{where}: unknown field '{name}'")
    gather = None
    if "gather" in raw:
        timeout = (raw["gather"] or {}).get("timeout", 6)
        if not isinstance(timeout, int) or not 1 <= timeout <= 30:
            problems.append(f"{where}: gather.timeout must be 1-30 seconds")
        gather = Gather(timeout=timeout)
    routes = {}
    for key, exit_raw in (raw.get("routes") or {}).items():
        key = str(key)
        if key in RESERVED_KEYS and raw.get("reserved_keys", True):
            problems.append(f"{where}: key '{key}' is reserved on every menu (0 person, * back, # language)")
        elif key not in MENU_KEYS + RESERVED_KEYS + SPECIAL_ROUTES:
            problems.append(f"{where}: '{key}' is not a key (1-9) or other/no_response")
        routes[key] = _exit(exit_raw, f"{where}, route '{key}'", problems)
    content = raw.get("content")
    if content is not None:
        if isinstance(content, str):
            content = {"type": content}
        if not isinstance(content, Mapping) or content.get("type") not in CONTENT_TYPES:
            problems.append(f"{where}: unknown content {content!r} (one of {', '.join(CONTENT_TYPES)})")
        content = dict(content)
    action = raw.get("action")
    if gather is not None:
        for special in SPECIAL_ROUTES:
            if special not in routes:
                problems.append(f"{where}: gathers a key but has no '{special}' exit")
        keys = sorted(k for k in routes if k in MENU_KEYS)
        if keys != list(MENU_KEYS[:len(keys)]):
            problems.append(f"{where}: its keys {', '.join(keys)} leave a gap (a menu's keys run 1, 2, 3 … so a "
                            "wrong key can be told which keys there are)")
        if action is not None:
            problems.append(f"{where}: a node that gathers a key cannot also have an action")
    elif routes:
        problems.append(f"{where}: has routes but does not gather a key")
    elif action is None and raw.get("next") is None:
        problems.append(f"{where}: neither gathers, nor has an action, nor a next node")
    if action is not None and action not in NODE_ACTIONS:
        problems.append(f"{where}: unknown action '{action}' (one of {', '.join(NODE_ACTIONS)})")
    rule = raw.get("rule")
    if action == "eligibility":
        if not isinstance(rule, str) or not rule:
            problems.append(f"{where}: an eligibility node needs 'rule' (a rule id from data/rules)")
        if raw.get("next") is None:
            problems.append(f"{where}: an eligibility node needs 'next' (where the caller goes after the verdict)")
    elif rule is not None:
        problems.append(f"{where}: 'rule' is only for 'action: eligibility'")
    return Node(
        flow=flow, id=node_id, say=_ids(raw.get("say"), f"{where}, say", problems), content=content,
        after=_ids(raw.get("after"), f"{where}, after", problems), gather=gather, routes=routes,
        back=raw.get("back"), action=action, next=raw.get("next"), sms=raw.get("sms"),
        reserved_keys=bool(raw.get("reserved_keys", True)), rule=rule if isinstance(rule, str) else None,
        label=raw.get("label"), if_region=raw.get("if_region"),
    )


def read_flow(path: Path, problems: list[str]) -> Flow | None:
    """Parse one flow file (None when it cannot be read at all)."""
    where = path.name
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        problems.append(f"{where}: not valid YAML: {exc}")
        return None
    if not isinstance(raw, Mapping) or not isinstance(raw.get("nodes"), Mapping):
        problems.append(f"{where}: expected a mapping with 'flow', 'start' and 'nodes'")
        return None
    for name in set(raw) - FLOW_FIELDS:
        problems.append(f"{where}: unknown field '{name}'")
    name = raw.get("flow")
    if name != path.stem:
        problems.append(f"{where}: 'flow' must be the file's name ({path.stem!r}), not {name!r}")
    nodes = {str(node_id): _node(path.stem, str(node_id), node_raw, f"{where}, node '{node_id}'", problems)
             for node_id, node_raw in raw["nodes"].items()}
    start = raw.get("start")
    if start not in nodes:
        problems.append(f"{where}: start node {start!r} is not a node")
    entry = raw.get("entry", False)
    entries = (start,) if entry is True else tuple(entry) if isinstance(entry, list) else ()
    for node_id in entries:
        if node_id not in nodes:
            problems.append(f"{where}: entry {node_id!r} is not a node")
    return Flow(name=path.stem, start=start, nodes=nodes, path=str(path), give_up=raw.get("give_up"),
                operator=raw.get("operator"), entries=entries)
