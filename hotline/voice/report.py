"""What the call log says: each call's path, and where callers leave each menu.

Every step of a call is a :class:`~hotline.voice.models.CallEvent`: the node, the key, what it
meant (``outcome``) and the node it led to. From those, :func:`call_paths` gives calls with their
steps, and :func:`menu_stats` gives, for each node, the calls that reached it, what callers did
there, and the calls that ended on it: the drop-off. ``flask report calls`` and ``flask report
menus`` print them; the operator console will read the same functions.
"""

import itertools
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.voice.models import Call, CallEvent
from ivr_flows import FlowSet

ONGOING = (Call.QUEUED, Call.RINGING, Call.IN_PROGRESS)
#: A call Twilio never reported over (a lost status callback, a simulated call) is taken as over
#: once this long has passed since its last step.
QUIET = timedelta(hours=1)


@dataclass(frozen=True)
class Step:
    at: datetime
    node: str
    digits: str | None
    outcome: str  # start | route | other | no_response | back | operator | language | give_up | dial | record | arrive
    next_node: str | None
    detail: str | None

    @property
    def arrived(self) -> str | None:
        """The node the caller was on after this step (None: the call ended with it)."""
        return self.node if self.outcome == "start" else self.next_node


@dataclass(frozen=True)
class CallPath:
    sid: str
    caller: str | None
    direction: str
    language: str | None
    status: str
    started_at: datetime
    duration_seconds: int | None
    steps: tuple[Step, ...]

    @property
    def ended_on(self) -> str | None:
        """The node the caller was on when the call ended (or is on now); None after an operator
        answered (the call ended with them) or when it has no steps."""
        return self.steps[-1].arrived if self.steps else None

    def over(self, now: datetime) -> bool:
        return is_over(self.status, self.steps[-1].at if self.steps else self.started_at, now)


def is_over(status: str, last_step_at: datetime, now: datetime) -> bool:
    """Twilio said the call ended, or it has been quiet for :data:`QUIET`."""
    return status not in ONGOING or now - last_step_at >= QUIET


def _step(event) -> Step:
    return Step(event.at, event.node, event.digits, event.outcome, event.next_node, event.detail)


def call_paths(session: Session, since: datetime, until: datetime, caller: str | None = None,
               limit: int = 20) -> list[CallPath]:
    """The latest ``limit`` calls started in [since, until) (of ``caller`` only, if given), newest
    first, each with its steps in order."""
    query = select(Call).where(Call.started_at >= since, Call.started_at < until)
    if caller is not None:
        query = query.where(Call.caller == caller)
    calls = session.scalars(query.order_by(Call.started_at.desc(), Call.id.desc()).limit(limit)).all()
    steps: dict[str, list[Step]] = {call.external_id: [] for call in calls}
    if steps:
        events = session.scalars(select(CallEvent).where(CallEvent.call_sid.in_(list(steps))).order_by(CallEvent.id))
        for event in events:
            steps[event.call_sid].append(_step(event))
    return [CallPath(call.external_id, call.caller, call.direction, call.language, call.status, call.started_at,
                     call.duration_seconds, tuple(steps[call.external_id])) for call in calls]


@dataclass
class MenuStats:
    """One node over a period."""

    node: str
    reached: int = 0  # calls that arrived on it (once per call, however often they came back)
    outcomes: Counter = field(default_factory=Counter)  # what callers did on it, by outcome
    ended: int = 0  # calls, now over, that ended while on it

    @property
    def drop_off(self) -> float:
        """The share of the calls that reached this node and ended on it."""
        return self.ended / self.reached if self.reached else 0.0


@dataclass(frozen=True)
class MenuReport:
    calls: int  # calls started in the period that have steps
    over: int  # of which over (see QUIET)
    nodes: list[MenuStats]  # most reached first


def menu_stats(session: Session, since: datetime, until: datetime, now: datetime,
               flows: FlowSet | None = None) -> MenuReport:
    """Reach, actions and drop-off of every node, over the calls started in [since, until).

    With ``flows``, a call sent to a node that only speaks (a welcome) is counted on the menu it
    passes on to, where the caller actually listens and presses keys (see :meth:`FlowSet.settled`).
    """
    settled = flows.settled if flows is not None else (lambda ref: ref)
    rows = session.execute(
        select(CallEvent.call_sid, CallEvent.at, CallEvent.node, CallEvent.digits, CallEvent.outcome,
               CallEvent.next_node, CallEvent.detail, Call.status)
        .join(Call, Call.external_id == CallEvent.call_sid)
        .where(Call.started_at >= since, Call.started_at < until)
        .order_by(CallEvent.call_sid, CallEvent.id)
    ).yield_per(5000)
    nodes: dict[str, MenuStats] = {}

    def stats(node: str) -> MenuStats:
        found = nodes.get(node)
        if found is None:
            found = nodes[node] = MenuStats(node)
        return found

    calls = over = 0
    for _, events in itertools.groupby(rows, key=lambda row: row.call_sid):
        events = list(events)
        steps = [_step(event) for event in events]
        calls += 1
        for step in steps:
            if step.outcome != "start":
                stats(step.node).outcomes[step.outcome] += 1
        for node in {settled(step.arrived) for step in steps if step.arrived}:
            stats(node).reached += 1
        if is_over(events[0].status, steps[-1].at, now):
            over += 1
            if steps[-1].arrived:
                stats(settled(steps[-1].arrived)).ended += 1
    return MenuReport(calls, over, sorted(nodes.values(), key=lambda s: (-s.reached, s.node)))
