"""The languages callers chose, held by each process: an incoming call reads nothing, a choice made
in another process is seen at its next look, and nothing is missed or kept too long."""

import uuid
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from sqlalchemy import delete, text, update

from hotline.extensions import db
from hotline.timeutil import utcnow
from hotline.voice.languages import MARGIN, CallerLanguages
from hotline.voice.models import CallerPreference
from tests.twilio_fake import SignedTwilio
from tests.workers import wait_until

NUMBER, OTHER = "+996700777001", "+79260777002"


@pytest.fixture
def process(app, app_factory, database_url, broker_url):
    """``process()``: another web process on the test database, looking for changes once an hour."""
    return lambda: app_factory(database_url, broker_url, CALLER_LANGUAGES_SECONDS=3600)


def choose(app, number: str, key: str) -> None:
    """A call from ``number`` that answers the language question with ``key``."""
    twilio = SignedTwilio(app.test_client(), app.config["TWILIO_AUTH_TOKEN"])
    sid = "CA" + uuid.uuid4().hex
    assert twilio.call(sid=sid, caller=number).status_code == 200
    assert twilio.call("/twilio/voice/flow/main/language?l=ky", sid=sid, caller=number, digits=key).status_code == 200


def greeting(app, number: str) -> str:
    """Where a new call from ``number`` starts: the action of its first ``<Gather>``."""
    twilio = SignedTwilio(app.test_client(), app.config["TWILIO_AUTH_TOKEN"])
    response = twilio.call(sid="CA" + uuid.uuid4().hex, caller=number)
    assert response.status_code == 200
    return ET.fromstring(response.data).find("./Gather").get("action")


def test_an_incoming_call_reads_no_language_from_the_database(process):
    web = process()
    choose(web, NUMBER, "2")
    web.extensions["voice"].events.flush()
    with web.app_context():  # the table out of reach: a call that read it would fail
        db.session.execute(text("ALTER TABLE caller_preferences RENAME TO caller_preferences_away"))
        db.session.commit()
        try:
            action = greeting(web, NUMBER)
        finally:
            db.session.rollback()
            db.session.execute(text("ALTER TABLE caller_preferences_away RENAME TO caller_preferences"))
            db.session.commit()
    assert action == "/twilio/voice/flow/main/menu?l=ru"  # remembered: straight to the Russian menu


def test_a_choice_made_in_another_process_is_seen_at_its_next_look(process):
    first, second = process(), process()
    assert greeting(second, OTHER) == "/twilio/voice/flow/main/language?l=ky"  # loaded: nobody chose yet
    choose(first, OTHER, "2")
    assert greeting(second, OTHER) == "/twilio/voice/flow/main/language?l=ky"  # not looked since
    with second.app_context():
        second.extensions["caller_languages"].refresh(db.engine)
    assert greeting(second, OTHER) == "/twilio/voice/flow/main/menu?l=ru"


def test_changes_late_commits_and_deletions(app_ctx):
    languages = CallerLanguages(refresh_seconds=3600)
    now = utcnow()
    db.session.add(CallerPreference(number=NUMBER, language="ky", updated_at=now))
    db.session.commit()
    assert languages.get(db.engine, NUMBER) == "ky"  # the first lookup loads every row
    # a change, and a row whose transaction committed after the newest one seen, within the margin
    db.session.execute(update(CallerPreference).values(language="ru", updated_at=now + timedelta(seconds=1)))
    db.session.add(CallerPreference(number=OTHER, language="ru", updated_at=now - MARGIN / 2))
    db.session.commit()
    assert languages.get(db.engine, NUMBER) == "ky"  # not looked since
    languages.refresh(db.engine)
    assert (languages.get(db.engine, NUMBER), languages.get(db.engine, OTHER)) == ("ru", "ru")
    # a deleted row is forgotten at the next whole load (every RELOAD_SECONDS)
    db.session.execute(delete(CallerPreference).where(CallerPreference.number == OTHER))
    db.session.commit()
    languages.refresh(db.engine)
    assert languages.get(db.engine, OTHER) == "ru"
    languages.refresh(db.engine, whole=True)
    assert (languages.get(db.engine, NUMBER), languages.get(db.engine, OTHER)) == ("ru", None)


def test_a_language_chosen_by_sms_is_known_at_once_to_the_same_process(process, app_ctx):
    from hotline.sms.simulate import SmsSimulator

    web = process()
    assert greeting(web, NUMBER) == "/twilio/voice/flow/main/language?l=ky"
    SmsSimulator(web, caller=NUMBER).conversation(["TIL 2"])  # TIL: the language for calls too
    assert greeting(web, NUMBER) == "/twilio/voice/flow/main/menu?l=ru"


def test_the_periodic_whole_load_runs_off_the_request_path(app_ctx, monkeypatch):
    languages = CallerLanguages(refresh_seconds=3600)
    db.session.add_all([CallerPreference(number=NUMBER, language="ky"), CallerPreference(number=OTHER, language="ru")])
    db.session.commit()
    assert languages.get(db.engine, OTHER) == "ru"
    db.session.execute(delete(CallerPreference).where(CallerPreference.number == OTHER))
    db.session.commit()
    monkeypatch.setattr("hotline.voice.languages.RELOAD_SECONDS", 0.0)  # a whole load is due at every look
    languages.refresh(db.engine)  # the look itself reads only the changes; a thread loads the rest
    wait_until(lambda: languages.get(db.engine, OTHER) is None, seconds=10, what="the deleted row forgotten")
    assert languages.get(db.engine, NUMBER) == "ky"
