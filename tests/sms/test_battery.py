"""The battery (tests/sms/battery.yaml): what people text, each from a fresh number through the SMS
pipeline, must reach its topic or action and say its fact; 95 % of them at least. The README
reports the figure; `flask report unmatched` shows what still falls through in the field."""

from pathlib import Path

import yaml

from hotline.extensions import db
from hotline.sms.normalize import fold_for_match
from hotline.sms.pipeline import Inbound
from hotline.timeutil import utcnow

BATTERY = yaml.safe_load((Path(__file__).parent / "battery.yaml").read_text(encoding="utf-8"))
TARGET = 0.95


def reached(reply, reach: str, topics) -> bool:
    if reach == "unmatched":
        return reply.unmatched
    if reach.startswith("region:"):
        return reply.region == reach.partition(":")[2] and reply.command is None and not reply.unmatched
    if reach in topics:
        return reply.topic == reach
    return reply.command == reach and not reply.unmatched


def run_battery(app) -> list[str]:
    """The rows not understood, each with what it got."""
    pipeline = app.extensions["sms"]
    misses = []
    with app.app_context():
        for number, (text, reach, says) in enumerate(BATTERY, start=1):
            inbound = Inbound(f"SMbattery{number:06d}", f"+99655590{number:04d}", "+996312000000", str(text), utcnow())
            body, reply = pipeline.respond(inbound)
            db.session.commit()
            got = f"topic={reply.topic} command={reply.command} region={reply.region} unmatched={reply.unmatched}"
            if not reached(reply, reach, pipeline.commands.phrases.topics):
                misses.append(f"{text!r} → {reach}: got {got}\n    {body!r}")
            elif fold_for_match(str(says)) not in fold_for_match(body):
                misses.append(f"{text!r} → {reach}: does not say {says!r}\n    {body!r}")
    return misses


def test_the_battery_is_big_and_covers_every_topic(app):
    topics = set(app.extensions["sms"].commands.phrases.topics)
    assert len(BATTERY) >= 250
    assert topics <= {reach for _, reach, _ in BATTERY}
    assert len({text for text, _, _ in BATTERY}) == len(BATTERY), "a message listed twice"


def test_the_battery_is_understood(app):
    misses = run_battery(app)
    accuracy = 1 - len(misses) / len(BATTERY)
    print(f"\nSMS battery: {len(BATTERY) - len(misses)}/{len(BATTERY)} understood ({accuracy:.1%})")
    assert accuracy >= TARGET, f"{accuracy:.1%} < {TARGET:.0%}; misses:\n" + "\n".join(misses)
    for miss in misses:
        print("  miss:", miss)
