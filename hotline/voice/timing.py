"""How long a caller listens before the answer: ``flask flows check --timing``.

A migrant calling from Russia pays by the minute. Each everyday task of ``ivr_flows/timing/tasks.yaml``
is played through the real webhooks (:class:`~hotline.voice.simulate.CallSimulator`) twice from one
number: a first call (the language chosen first) and the next call, when the hotline knows the
number. The seconds are the speech heard until the sentence that carries the answer ends, each
``<Play>`` timed by the audio manifest, anything without audio estimated from its characters
(:data:`~hotline.voice.simulate.CHARACTERS_PER_SECOND`; the report says how much was estimated).

The calls run in a scratch app on a throwaway SQLite database seeded from ``data/``, with the audio
directory of the app that asked: nothing is written to the real database, no SMS or callback
leaves the machine, and the answer is the one the configured audio gives.
"""

import statistics
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from hotline.voice.simulate import CHARACTERS_PER_SECOND  # noqa: F401  (the estimate's rate)
from ivr_flows import FLOWS_DIR

TASKS_FILE = FLOWS_DIR / "timing" / "tasks.yaml"
TARGETS = {
    "first_median": 45.0,  # seconds: a first call, the median over the tasks
    "returning_median": 25.0,  # the next call from the same number
    "worst": 120.0,  # any task, any call (an eligibility check is the slowest)
    "menu_prompt": 15.0,  # every prompt a menu says, alone
    "office_returning": 45.0,  # an office's number, on a returning caller's call
}


@dataclass(frozen=True)
class Task:
    id: str
    title: str
    first: tuple[str, ...]
    returning: tuple[str, ...]
    answer: tuple[str, ...]
    answer_returning: tuple[str, ...] = ()  # when the next call's answer differs (the language switched back)
    check: bool = False
    office: bool = False


@dataclass
class Timed:
    """One call of a task: the keys pressed and the speech heard until the answer."""

    keys: int = 0
    seconds: float = 0.0
    estimated: float = 0.0  # of ``seconds``, what had no audio to time it
    reached: bool = False
    nodes: list[str] = field(default_factory=list)


@dataclass
class TaskTiming:
    task: Task
    first: Timed
    returning: Timed


def load_tasks(path: Path = TASKS_FILE) -> list[Task]:
    """The tasks of ``path``; ValueError naming the task and field of anything malformed."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    tasks = []
    for number, item in enumerate(raw.get("tasks") or [], 1):
        where = f"{path.name}, task {item.get('id') or number}"
        for name in ("id", "title", "first", "returning", "answer"):
            if not item.get(name):
                raise ValueError(f"{where}: '{name}' is required")
        tasks.append(Task(str(item["id"]), str(item["title"]), tuple(str(k) for k in item["first"]),
                          tuple(str(k) for k in item["returning"]), tuple(str(a) for a in item["answer"]),
                          tuple(str(a) for a in item.get("answer_returning") or ()),
                          bool(item.get("check")), bool(item.get("office"))))
    return tasks


def keys_pressed(inputs) -> int:
    """Keys a caller presses for these inputs ("4000#" is five; a silence none)."""
    return sum(len(i) for i in inputs if i != "-")


def time_call(turns, answer: tuple[str, ...]) -> Timed:
    """Speech and keys until the first utterance that carries ``answer``, to the end of its sentence."""
    timed = Timed()
    for turn in turns:
        timed.nodes.append(turn.node)
        for spoken in turn.spoken:
            found = [spoken.text.find(a) for a in answer if a in spoken.text]
            if found:
                at = min(found)
                end = spoken.text.find(".", at)
                share = (end + 1 if end >= 0 else len(spoken.text)) / max(1, len(spoken.text))
                timed.seconds += spoken.seconds * share
                timed.estimated += 0 if spoken.measured else spoken.seconds * share
                timed.reached = True
                return timed
            timed.seconds += spoken.seconds
            timed.estimated += 0 if spoken.measured else spoken.seconds
        if turn.input is not None and turn.input != "-":
            timed.keys += keys_pressed([turn.input])
    return timed


def scratch_app(config):
    """An app like the running one on a throwaway SQLite database, seeded from ``data/``; the
    broker is in memory, so nothing it queues (an SMS, a render) reaches a worker."""
    from hotline import create_app
    from hotline.directory.loader import load_directory
    from hotline.directory.seed import seed_directory
    from hotline.extensions import db

    directory = Path(tempfile.mkdtemp(prefix="hotline-timing-"))
    keep = ("AUDIO_DIR", "PROMPTS_DIR", "FLOWS_DIR", "RULES_DIR", "TWILIO_AUTH_TOKEN", "OPERATOR_NUMBERS",
            "OPERATOR_HOURS", "OPERATOR_TIMEZONE", "SMS_MAX_SEGMENTS", "SMS_COMMANDS_FILE")
    overrides = {name: config[name] for name in keep if name in config}
    app = create_app(overrides | {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory / 'timing.db'}",
                                  "SQLALCHEMY_ENGINE_OPTIONS": {}, "PUBLIC_BASE_URL": "", "TESTING": True})
    app.config["CELERY"] = app.config["CELERY"] | {"broker_url": "memory://"}
    app.extensions["celery"].conf.broker_url = "memory://"
    with app.app_context():
        db.create_all()
        seed_directory(db.session, load_directory())
        db.session.commit()
    return app, directory


def measure(config, tasks: list[Task]) -> list[TaskTiming]:
    """Play every task as a first and a returning call in a scratch app (see the module's doc)."""
    import shutil

    from flask import current_app

    from hotline.extensions import db
    from hotline.voice.simulate import CallSimulator

    previous = current_app.extensions.get("celery")
    app, directory = scratch_app(config)
    results = []
    try:
        with app.app_context():
            for index, task in enumerate(tasks, 1):
                number = f"+99670{index:07d}"
                calls = []
                answers = (task.answer, task.answer_returning or task.answer)
                for run, keys in enumerate((task.first, task.returning)):
                    sid = f"CA{index:04d}{run:02d}" + "0" * 26
                    turns = CallSimulator(app, caller=number, sid=sid).run(list(keys))
                    calls.append(time_call(turns, answers[run]))
                results.append(TaskTiming(task, *calls))
            db.session.remove()
            db.engine.dispose()
    finally:
        if previous is not None:
            previous.set_default()  # the scratch app made its own Celery the default
        shutil.rmtree(directory, ignore_errors=True)
    return results


def menu_prompts(flows, catalogue, audio) -> list[tuple[str, float, bool]]:
    """Every prompt a menu (a node that gathers a key) says, in every language ("ky main.menu"), with
    its seconds and whether audio timed it; the longest first."""
    from hotline.voice.simulate import estimated_seconds

    seen = {}
    for lang in catalogue.prompts:
        for flow in flows.flows.values():
            for node in flow.nodes.values():
                if node.gather is None:
                    continue
                for prompt_id in node.say + node.after:
                    text = catalogue.text(lang, prompt_id)
                    entry = audio.manifest.entries().get(lang, {}).get(prompt_id) if audio else None
                    if audio and audio.lookup(lang, prompt_id, text) and entry.get("seconds") is not None:
                        seen[lang, prompt_id] = (f"{lang} {prompt_id}", float(entry["seconds"]), True)
                    else:
                        seen[lang, prompt_id] = (f"{lang} {prompt_id}", estimated_seconds(text), False)
    return sorted(seen.values(), key=lambda item: -item[1])


def summary(results: list[TaskTiming], prompts: list[tuple[str, float, bool]]) -> list[tuple[str, float, float, bool]]:
    """Each target: (name, measured, target, met)."""
    first = [r.first.seconds if r.first.reached else float("inf") for r in results]
    returning = [r.returning.seconds if r.returning.reached else float("inf") for r in results]
    offices = [r.returning.seconds if r.returning.reached else float("inf") for r in results if r.task.office]
    rows = [
        ("first_median", statistics.median(first), TARGETS["first_median"]),
        ("returning_median", statistics.median(returning), TARGETS["returning_median"]),
        ("worst", max(first + returning), TARGETS["worst"]),
        ("menu_prompt", prompts[0][1] if prompts else 0.0, TARGETS["menu_prompt"]),
        ("office_returning", max(offices, default=0.0), TARGETS["office_returning"]),
    ]
    return [(name, value, target, value <= target if name != "menu_prompt" else value < target)
            for name, value, target in rows]


def table(results: list[TaskTiming]) -> str:
    """The Markdown table the README shows."""
    lines = ["| task | first call: keys | seconds | returning: keys | seconds |", "|---|---:|---:|---:|---:|"]
    for r in results:
        cells = []
        for timed in (r.first, r.returning):
            seconds = f"{timed.seconds:.0f}" if timed.reached else "not reached"
            if timed.reached and timed.estimated >= 0.5:
                seconds += f" ({timed.estimated:.0f} est.)"
            cells += [str(timed.keys), seconds]
        lines.append(f"| {r.task.title} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
