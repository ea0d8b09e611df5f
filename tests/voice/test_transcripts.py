"""Golden call transcripts: inputs in, the nodes and TwiML verbs each turn must produce.

Each file in ``transcripts/`` is one call, replayed through the real webhooks by the same simulator
``flask simulate call`` uses; TwiML is parsed, never compared as text.
"""

from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from hotline.callbacks.models import CallbackRequest
from hotline.extensions import db
from hotline.messaging.models import SmsMessage
from hotline.voice.simulate import CallSimulator

TRANSCRIPTS = sorted((Path(__file__).parent / "transcripts").glob("*.yaml"))


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=[p.stem for p in TRANSCRIPTS])
def test_transcript(app, call_path, path):
    script = yaml.safe_load(path.read_text(encoding="utf-8"))
    sid = "CA" + path.stem.encode().hex()[:32].ljust(32, "0")
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
        assert db.session.scalar(select(func.count(SmsMessage.id))) == script.get("sms", 0)
        assert db.session.scalar(select(func.count(CallbackRequest.id))) == script.get("callbacks", 0)
