"""0 reaches a person, or a message, on every node a caller can press it on: never a hangup.

Every node that gathers a key is asked, through the signed webhook, with 0; so is every turn of a
check that takes one key (in a number being typed, 0 is a digit: the test types a number, and
presses 0 on the check's first one-key turn: a yes/no, a choice, the verdict, or the offer after
three bad answers).
"""

import xml.etree.ElementTree as ET

import pytest

from hotline.hours import ServiceHours
from tests.twilio_fake import SignedTwilio

SID = "CA" + "0" * 32


def gathering_nodes(app) -> list[str]:
    flows = app.extensions["voice"].flows
    return [node.ref for flow in flows.flows.values() for node in flow.nodes.values() if node.gather is not None]


def check_nodes(app) -> list[str]:
    flows = app.extensions["voice"].flows
    return [node.ref for flow in flows.flows.values() for node in flow.nodes.values() if node.action == "eligibility"]


def url_of(ref: str, query: str = "l=ky") -> str:
    flow, _, node = ref.partition(".")
    return f"/twilio/voice/flow/{flow}/{node}?{query}"


def reaches_a_person_or_a_message(doc: ET.Element) -> bool:
    """A ``<Dial>`` of the operators, or a ``<Record>`` after the tone; no ``<Hangup>``."""
    verbs = [verb.tag for verb in doc]
    return ("Dial" in verbs or "Record" in verbs) and "Hangup" not in verbs


def press(twilio, url: str, digits: str, caller: str = "+996700000100") -> ET.Element:
    response = twilio.call(url, sid=SID, caller=caller, digits=digits)
    assert response.status_code == 200, response.data
    return ET.fromstring(response.data)


def test_every_menu_is_covered(app):
    refs = gathering_nodes(app)
    assert {"main.language", "main.resume", "main.menu", "operator.give_up", "regions.offices"} <= set(refs)
    assert len(refs) > 40


@pytest.mark.parametrize("lang", ["ky", "ru"])
def test_zero_on_every_menu_is_a_message_out_of_hours(app_ctx, twilio, lang):
    for ref in gathering_nodes(app_ctx):
        query = f"l={lang}&t=legal_aid&r=naryn&g=children.birth_grant"  # what the menus that need it read
        doc = press(twilio, url_of(ref, query), "0")
        assert reaches_a_person_or_a_message(doc), (ref, ET.tostring(doc, encoding="unicode"))


def test_zero_on_every_menu_rings_the_operators_in_hours(app_factory, database_url, broker_url):
    app = app_factory(database_url, broker_url, OPERATOR_NUMBERS="+996555000001")
    app.config["OPERATOR_SERVICE_HOURS"] = ServiceHours.parse("mon-sun 00:00-23:59", "Asia/Bishkek")
    twilio = SignedTwilio(app.test_client(), app.config["TWILIO_AUTH_TOKEN"])
    for ref in gathering_nodes(app):
        doc = press(twilio, url_of(ref), "0")
        assert [number.text for number in doc.iter("Number")] == ["+996555000001"], ref


def test_zero_on_the_first_one_key_turn_of_every_check(app_ctx, twilio):
    for ref in check_nodes(app_ctx):
        url, doc = url_of(ref), press(twilio, url_of(ref), "")  # arriving: the first question
        for typed in ("1#", "3#", "3#", "3#", "3#", "3#"):  # numbers that fit together, until a turn takes one key
            gather = doc.find("./Gather")
            if gather is None or gather.get("finishOnKey") != "#":
                break
            url = gather.get("action")
            date = any("сегиз сан" in (say.text or "") or "DDMMYYYY" in (say.text or "") for say in gather.iter("Say"))
            doc = press(twilio, url, "01012020#" if date else typed)
        gather = doc.find("./Gather")
        assert gather is not None and gather.get("numDigits") == "1", ref
        doc = press(twilio, gather.get("action"), "0")
        assert reaches_a_person_or_a_message(doc), (ref, ET.tostring(doc, encoding="unicode"))
