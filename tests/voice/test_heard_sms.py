"""The SMS is what was heard: the same offices, in the same order, with the numbers read out, the
asked-for region first, within SMS_MAX_SEGMENTS; and after it the caller is back where they were."""

import re

import pytest
from sqlalchemy import select

from hotline.extensions import db
from hotline.messaging.models import SmsMessage
from hotline.sms.segments import count_segments
from hotline.voice.simulate import CallSimulator

REGIONS = {"1": "bishkek", "2": "chui", "3": "osh_city", "4": "osh", "5": "jalal_abad", "6": "batken",
           "7": "issyk_kul", "8": "naryn", "9": "talas"}


def office_names(turn, app, lang: str) -> list[str]:
    """The offices a turn read, by name: each office's words start with its name and "Телефону:"."""
    phone = app.extensions["voice"].speech.catalogue.text(lang, "offices.phone")
    return [said.split(". " + phone)[0] for said in turn.said if f". {phone} " in said]


def sms_of(app, sid: str) -> list[str]:
    with app.app_context():
        return db.session.scalars(select(SmsMessage.body).where(SmsMessage.call_sid == sid)).all()


@pytest.mark.parametrize(("topic_keys", "region_key"), [
    (["3", "1"], key) for key in REGIONS] + [(["5", "2"], key) for key in ("2", "4", "8")])
@pytest.mark.parametrize("page_keys", [[], ["3"]])
def test_the_sms_of_a_region_s_offices_is_the_page_just_heard(app, topic_keys, region_key, page_keys):
    sid = "CA" + f"{int(region_key) * 10 + len(page_keys)}{''.join(topic_keys)}".ljust(32, "0")
    caller = f"+99670055{region_key}{len(page_keys)}{topic_keys[0]}{topic_keys[1]}"
    turns = CallSimulator(app, caller=caller, sid=sid).run(["1", *topic_keys, region_key, *page_keys, "1"])
    heard = office_names(turns[-2], app, "ky")
    bodies = sms_of(app, sid)
    if not heard:  # a page past the last: nothing to send but what the node says
        return
    assert len(bodies) == 1
    body = bodies[0]
    assert count_segments(body).segments <= app.config["SMS_MAX_SEGMENTS"]
    lines = body.splitlines()
    if not page_keys:  # the asked-for region first, as it was said first
        assert turns[-2].said[0].rstrip(".") + ":" == lines[0]
    written = [line.split(": +")[0] for line in lines if ": +" in line]
    assert written == heard, body  # the same offices, in the same order
    for line in lines:
        for number in re.findall(r"\+\d+", line):
            assert number.startswith("+996")  # E.164: they dial from Russia too
    assert turns[-1].node == "regions.offices" and turns[-1].said[0] == "SMS жөнөтүлдү."


@pytest.mark.parametrize(("keys", "caller", "expected"), [
    (["1", "1", "3"], "+996700556001", ["Балдар үчүн ишеним телефону 111: 111", "«Үмүт» кеңеш берүү борбору: +996"]),
    # a caller abroad heard Russia's 112 after the Kyrgyz numbers: the SMS has it too, in that order
    (["1", "3", "4"], "+79261230077", ["112 телефону: 112", "Экстрендик медицина 103: 103", "Россияда 112, андан кийин 2: 112"]),
])
def test_the_sms_of_an_answer_has_its_offices_as_heard(app, keys, caller, expected):
    sid = "CA" + caller[-6:].rjust(32, "0")
    turns = CallSimulator(app, caller=caller, sid=sid).run([*keys, "1"])
    [body] = sms_of(app, sid)
    lines = body.splitlines()
    for line, start in zip(lines, expected, strict=True):
        assert line.startswith(start), body
    assert turns[-1].node == turns[-2].node  # back on the answer's keys, not the main menu
    assert turns[-1].said[1:] == [app.extensions["voice"].speech.catalogue.text("ky", "answer.keys_more")]


def test_a_short_kyrgyz_number_is_said_with_where_it_works_to_a_caller_abroad(app):
    abroad = CallSimulator(app, caller="+79261230078", sid="CA" + "7" * 32).run(["1", "1", "3"])
    home = CallSimulator(app, caller="+996700556078", sid="CA" + "8" * 32).run(["1", "1", "3"])
    assert "Телефону: жүз он бир. Кыргызстандагы телефондон чалыңыз." in abroad[-1].said[0]
    assert "Кыргызстандагы телефондон" not in home[-1].said[0]
    # a full number abroad is read as dialled from abroad (+996 …), never with "from a Kyrgyz phone"
    assert "плюс тогуз тогуз алты" in abroad[-1].said[1] and "Кыргызстандагы" not in abroad[-1].said[1]
