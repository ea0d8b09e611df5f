"""What a number chose is kept for its next call: the region, and the answer it heard last.

Both are written in the webhook's own transaction and committed before the TwiML goes out: read here
through a connection of their own, as another process or machine would read them.
"""

import xml.etree.ElementTree as ET

from sqlalchemy import create_engine, text

from hotline.callers import CallerPreference
from hotline.extensions import db
from hotline.voice.simulate import CallSimulator

NARYN_LEGAL_AID = ["1", "3", "1", "8"]  # Kyrgyz, help, free legal aid, Naryn


def committed(database_url: str, number: str) -> tuple | None:
    """The number's row as another connection sees it (what was committed, nothing else)."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT language, region, last_node, last_topic FROM caller_preferences "
                                     "WHERE number = :n"), {"n": number}).first()
    finally:
        engine.dispose()


def test_the_region_and_the_answer_are_committed_with_the_step(app, database_url):
    CallSimulator(app, caller="+996700555001", sid="CA" + "1" * 32).run(NARYN_LEGAL_AID)
    assert tuple(committed(database_url, "+996700555001")) == ("ky", "naryn", "regions.offices", "legal_aid")


def test_a_returning_caller_hears_the_last_answer_first(app):
    CallSimulator(app, caller="+996700555002", sid="CA" + "2" * 32).run(NARYN_LEGAL_AID)
    turns = CallSimulator(app, caller="+996700555002", sid="CA" + "3" * 32).run(["1"])
    assert turns[0].node == "main.resume"
    assert turns[0].said == ["Саламатсызбы! Бир – кайра:", "Акысыз юридикалык жардам.", "Нарын облусу.",
                             "Эки – негизги меню."]
    assert turns[1].node == "regions.offices" and turns[1].said[0] == "Нарын облусу."
    # 2, or silence, is the main menu
    for key in ("2", "-"):
        turns = CallSimulator(app, caller="+996700555002", sid="CA" + "4" * 32).run([key])
        assert turns[-1].node == "main.menu"


def test_an_answer_names_itself_and_a_check_by_its_rule(app):
    CallSimulator(app, caller="+996700555003", sid="CA" + "5" * 32).run(["1", "1", "1"])  # the birth grant
    turns = CallSimulator(app, caller="+996700555003", sid="CA" + "6" * 32).run([])
    assert turns[0].said[1] == "Балага сүйүнчү."
    CallSimulator(app, caller="+996700555003", sid="CA" + "7" * 32).run(["2", "2", "1", "4"])  # the family check
    turns = CallSimulator(app, caller="+996700555003", sid="CA" + "8" * 32).run(["1"])
    assert turns[0].said[1] == "«Үй-бүлөгө көмөк» жөлөкпулу."
    assert turns[1].node == "benefits.family_check" and "канча балаңыз бар?" in turns[1].said[0]


def test_the_saved_region_skips_the_region_menu_and_star_still_chooses(app):
    CallSimulator(app, caller="+996700555004", sid="CA" + "9" * 32).run(NARYN_LEGAL_AID)
    # next call: main menu, jobs, short courses: Naryn's, at once
    turns = CallSimulator(app, caller="+996700555004", sid="CA" + "a" * 32).run(["2", "5", "2", "*", "9"])
    assert [t.node for t in turns[2:]] == ["jobs.menu", "regions.offices", "regions.choose", "regions.offices"]
    assert turns[3].said[0] == "Нарын облусу."
    assert turns[5].said[0] == "Талас облусу."  # another region chosen: remembered from now on
    with app.app_context():
        assert db.session.get(CallerPreference, "+996700555004").region == "talas"


def test_a_region_chosen_by_a_new_number_keeps_the_language_of_the_call(app, twilio):
    """A number whose row does not exist yet (a callback's call, say) gets one with the call's language."""
    doc = ET.fromstring(twilio.call("/twilio/voice/flow/regions/choose?l=ru&t=legal_aid", caller="+79261234999",
                                    digits="3").data)
    assert doc.find("./Gather/Say").text == "город Ош."
    with app_context(twilio):
        row = db.session.get(CallerPreference, "+79261234999")
        assert (row.language, row.region, row.last_node) == ("ru", "osh_city", "regions.offices")


def test_other_numbers_are_not_touched(app):
    CallSimulator(app, caller="+996700555005", sid="CA" + "b" * 32).run(NARYN_LEGAL_AID)
    turns = CallSimulator(app, caller="+996700555006", sid="CA" + "c" * 32).run([])
    assert turns[0].node == "main.language"


def app_context(twilio):
    return twilio.client.application.app_context()
