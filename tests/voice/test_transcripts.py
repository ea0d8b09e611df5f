"""Golden call transcripts: inputs in, the nodes and TwiML verbs each turn must produce.

Each file in ``transcripts/`` is one call, replayed through the real webhooks by the same simulator
``flask simulate call`` uses; TwiML is parsed, never compared as text. ``before`` lists the keys of
earlier calls from the same number (a returning caller: what the number chose is remembered), not
checked themselves; ``sms_says`` are phrases the call's SMS must contain. The ``task_*`` files are
the everyday tasks ``flask flows check --timing`` times (``ivr_flows/timing/tasks.yaml``), each as a
first and as a returning call.
"""

from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from hotline.callbacks.models import CallbackRequest
from hotline.extensions import db
from hotline.messaging.models import SmsMessage
from hotline.voice.simulate import CallSimulator
from hotline.voice.timing import load_tasks

TRANSCRIPTS = sorted((Path(__file__).parent / "transcripts").glob("*.yaml"))


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=[p.stem for p in TRANSCRIPTS])
def test_transcript(app, call_path, path):
    script = yaml.safe_load(path.read_text(encoding="utf-8"))
    sid = "CA" + path.stem.encode().hex()[:32].ljust(32, "0")
    for number, earlier in enumerate(script.get("before", [])):
        CallSimulator(app, caller=script["caller"], sid=f"CA{number:032d}").run([str(i) for i in earlier])
    with app.app_context():
        sms_before = db.session.scalar(select(func.count(SmsMessage.id)))
        callbacks_before = db.session.scalar(select(func.count(CallbackRequest.id)))
    turns = CallSimulator(app, caller=script["caller"], sid=sid).run([str(i) for i in script["inputs"]])
    assert [t.node for t in turns] == [t["node"] for t in script["turns"]]
    for number, (turn, expected) in enumerate(zip(turns, script["turns"]), start=1):
        assert turn.verbs == expected["verbs"], f"turn {number}"
        spoken = "\n".join(turn.said)
        for phrase in expected.get("says", []):
            assert phrase in spoken, f"turn {number} ({turn.node}) does not say {phrase!r}:\n{spoken}"
    if "events" in script:
        assert [list(row) for row in call_path(sid)] == [[*e[:1], e[1], *e[2:]] for e in script["events"]]
    with app.app_context():
        bodies = db.session.scalars(select(SmsMessage.body).where(SmsMessage.call_sid == sid)).all()
        assert db.session.scalar(select(func.count(SmsMessage.id))) - sms_before == script.get("sms", 0)
        assert db.session.scalar(select(func.count(CallbackRequest.id))) - callbacks_before == script.get("callbacks", 0)
    for phrase in script.get("sms_says", []):
        assert any(phrase in body for body in bodies), f"no SMS says {phrase!r}: {bodies}"


def test_every_timed_task_has_its_transcripts():
    """Each task ``flask flows check --timing`` times is replayed here, first and returning, with its keys."""
    stems = {path.stem: yaml.safe_load(path.read_text(encoding="utf-8")) for path in TRANSCRIPTS}
    for task in load_tasks():
        first, returning = stems[f"task_{task.id}_first"], stems[f"task_{task.id}_returning"]
        assert [str(i) for i in first["inputs"]] == list(task.first)
        assert [[str(i) for i in call] for call in returning["before"]] == [list(task.first)]
        assert [str(i) for i in returning["inputs"]] == list(task.returning)
