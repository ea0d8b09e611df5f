"""Golden SMS transcripts: messages in, what each reply must say, through the real webhook.

Each file in ``transcripts/`` is one number texting the hotline, replayed by the simulator
``flask simulate sms`` uses. Every reply must fit the segment budget, be in the alphabet the
person wrote in, and quote no phone number the directory does not hold.
"""

import re
from pathlib import Path

import pytest
import yaml

from hotline.messaging.models import SmsMessage
from hotline.sms.simulate import SmsSimulator

TRANSCRIPTS = sorted((Path(__file__).parent / "transcripts").glob("*.yaml"))
E164 = re.compile(r"\+\d{8,15}")


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=[p.stem for p in TRANSCRIPTS])
def test_transcript(app, sms_rows, directory_numbers, path):
    script = yaml.safe_load(path.read_text(encoding="utf-8"))
    simulator = SmsSimulator(app, caller=script["caller"])
    budget = app.config["SMS_MAX_SEGMENTS"]
    for number, turn in enumerate(script["turns"], start=1):
        exchange = simulator.send(str(turn["send"]))
        where = f"turn {number} ({turn['send']!r})"
        assert exchange.reply, f"{where}: no reply"
        assert exchange.segments.segments <= budget, f"{where}: {exchange.segments}\n{exchange.reply}"
        assert exchange.segments.encoding == turn["encoding"], f"{where}:\n{exchange.reply}"
        for phrase in turn.get("says", []):
            assert phrase in exchange.reply, f"{where} does not say {phrase!r}:\n{exchange.reply}"
        quoted = set(E164.findall(exchange.reply))
        assert quoted <= directory_numbers, f"{where} quotes numbers not in data/: {quoted - directory_numbers}"
        inbound, reply = sms_rows(script["caller"])[-2:]
        assert (inbound.direction, inbound.body) == (SmsMessage.INBOUND, str(turn["send"]))
        assert inbound.command == turn["command"], where
        assert inbound.status == turn.get("status", SmsMessage.RECEIVED), where
        assert (reply.direction, reply.reply_to_id, reply.body) == (SmsMessage.OUTBOUND, inbound.id, exchange.reply)
        assert (reply.encoding, reply.segments) == (exchange.segments.encoding, exchange.segments.segments)
