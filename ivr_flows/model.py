"""The shape of a flow: nodes that say prompts, gather a key, and route it (after goflow's model).

A node says its prompts, optionally dynamic content (offices from the directory), gathers one key
and routes it through an exit. Every gathering node has an ``other`` exit (a key it does not use)
and a ``no_response`` exit (silence). Keys ``0``, ``*`` and ``#`` are reserved on every menu
(a person, back, the other language) and handled by the engine, not by the nodes; ``0`` reaches a
person (or a message) on every node that gathers a key, the language choice included. A menu's own
keys run from 1 without a gap, so a wrong key is answered by one short sentence naming them
(``keys.upto_<n>``).
"""

from dataclasses import dataclass, field

RESERVED_KEYS = ("0", "*", "#")
MENU_KEYS = tuple("123456789")
SPECIAL_ROUTES = ("other", "no_response")

#: What an exit may do besides moving on (the voice webhook carries these out).
EXIT_ACTIONS = {
    "set_language": "remember the language in params['lang'] for this caller",
    "sms": "send what this node said as an SMS to the caller",
    "more": "read the next page of this node's content",
    "repeat": "say this node again",
    "callback": "record a callback request for this caller",
    "resume": "go back to the answer this number heard last (main.resume: its topic and region)",
}
#: What a node that does not gather does.
NODE_ACTIONS = {
    "operator": "connect to an operator in service hours, else take a message",
    "voicemail": "record a message and store a callback request",
    "hangup": "say the prompts, then end the call",
    "eligibility": "ask the questions of the rule named in 'rule' by keypad, then speak the verdict; "
                   "'next' is where the caller goes after it (and with '*')",
}
#: Dynamic content a node may speak after its prompts.
CONTENT_TYPES = {
    "offices": "offices for the call's topic and region, three at a time (params: topic optional)",
    "office_list": "the offices named in params['codes'], in that order; params['abroad']: offices added "
                   "for a caller on a non-Kyrgyz number (the Russian equivalent of a Kyrgyz short number)",
    "resume": "the answer this number heard last, named (its label, or its topic and region)",
}
#: Prompts the content renderer speaks around dynamic content; the check requires them in every language.
CONTENT_PROMPTS = (
    "offices.phone", "offices.address", "offices.hours_24_7", "offices.unverified",
    "offices.more", "offices.no_more", "offices.none", "offices.fallback", "offices.national",
    # said by the webhook after an exit's action
    "sms.sent", "sms.not_sent", "callback.recorded", "callback.refreshed", "callback.no_number",
    "sms.cannot_text", "sms.capped_call", "sms.capped_day",
    "fallback.apology", "fallback.unavailable",
    # a wrong key: one short sentence naming the menu's keys, 1 to n
    *(f"keys.upto_{n}" for n in range(1, 10)),
    # a returning caller: "1 – again:" the answer heard last, "2 – the main menu"
    "main.resume", "main.resume_menu",
    # a short Kyrgyz number to a caller abroad; audio missing: the details go by SMS
    "offices.from_kyrgyz_phone", "audio.missing",
)
#: Prompts an eligibility node speaks around a rule's own questions and verdict.
CHECK_PROMPTS = (
    "check.number_keys", "check.empty",
    "check.not_digits", "check.below_minimum", "check.above_maximum", "check.no_such_option",
    "check.not_a_date", "check.future_date", "check.after", "check.after_abroad", "check.after_more",
    "check.after_abroad_more",
)
#: Context a node or exit may set for the rest of the call.
CONTEXT_KEYS = ("topic", "region")
#: ``back: "@return"`` goes back to the menu that chose the topic (shared menus such as regions).
RETURN = "@return"


@dataclass(frozen=True)
class Exit:
    """Where a key (or silence) leads: prompts said first, an action, context set, the next node."""

    goto: str | None  # "node" or "flow.node"; None: this node again
    say: tuple[str, ...] = ()
    action: str | None = None
    params: dict = field(default_factory=dict)
    set: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Gather:
    timeout: int = 6  # seconds of silence before the no_response exit


@dataclass(frozen=True)
class Node:
    """One menu or message of a flow."""

    flow: str
    id: str
    say: tuple[str, ...] = ()
    content: dict | None = None  # {"type": ..., **params}
    after: tuple[str, ...] = ()  # prompts after the content (e.g. "1 for SMS")
    gather: Gather | None = None
    routes: dict[str, Exit] = field(default_factory=dict)
    back: str | None = None  # where "*" leads (default: the flow's start)
    action: str | None = None  # for nodes that do not gather
    next: str | None = None  # for nodes that neither gather nor end the call
    sms: str | None = None  # prompt id of the SMS version of a static message
    reserved_keys: bool = True  # False on the language choice, where * and # mean nothing yet (0 still does)
    rule: str | None = None  # the eligibility rule an ``action: eligibility`` node asks about
    label: str | None = None  # prompt naming an answer, for a returning caller ("1 – the birth grant")
    if_region: str | None = None  # the node to go to instead when the caller's region is known already

    @property
    def ref(self) -> str:
        return f"{self.flow}.{self.id}"

    @property
    def keys_prompt(self) -> str | None:
        """The sentence that names this menu's keys after a wrong one (``keys.upto_3``: "press 1 to 3")."""
        keys = [k for k in self.routes if k in MENU_KEYS]
        return f"keys.upto_{len(keys)}" if keys else None

    @property
    def resumable(self) -> bool:
        """An answer a returning caller may be offered again: it names itself, it is a check (named by
        its rule), or it is the offices of a topic in a region (named by them)."""
        return bool(self.label) or self.action == "eligibility" or (self.content or {}).get("type") == "offices"


@dataclass(frozen=True)
class Flow:
    """One YAML file: its nodes, its start node, and the file it came from."""

    name: str
    start: str
    nodes: dict[str, Node]
    path: str
    # where the engine sends a caller after three failures on one menu, and for the "0" key
    give_up: str | None = None
    operator: str | None = None
    entries: tuple[str, ...] = ()  # nodes a call may start on (the webhook chooses)


@dataclass(frozen=True)
class Step:
    """The outcome of one key press (or silence) on a node."""

    outcome: str  # "route" | "other" | "no_response" | "back" | "operator" | "language" | "give_up"
    exit: Exit
    next: str  # full ref "flow.node"
    fails: int  # consecutive failures on the node, carried to the next request
