"""Calls play what the cache has and ask a worker for the rest: ``<Play>`` or ``<Say>`` + one render."""

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from audio.cache import AudioCache
from hotline.prompts import render
from hotline.voice.checks import question_utterances
from hotline.voice.simulate import CallSimulator
from tests.prompts.conftest import enqueued
from tests.twilio_fake import SignedTwilio
from tests.workers import celery_worker, wait_until

PUBLIC = "https://hotline.example.org"
WELCOME = "/twilio/voice/flow/main/language?l=ky"  # "1" on the language menu: Kyrgyz, the keys, the main menu
WELCOME_PROMPTS = ["main.keys", "main.menu"]


def press_1_for_kyrgyz(app, sid: str) -> ET.Element:
    """A signed webhook for "1" on the language menu; the TwiML it answered."""
    base = app.config["PUBLIC_BASE_URL"] or "http://localhost"  # the URL Twilio signs
    twilio = SignedTwilio(app.test_client(), app.config["TWILIO_AUTH_TOKEN"], base=base)
    response = twilio.call(WELCOME, sid=sid, digits="1")
    assert response.status_code == 200, response.data
    assert response.mimetype == "text/xml"
    return ET.fromstring(response.data)


def spoken(twiml: ET.Element) -> list[tuple[str, str]]:
    """What the caller hears, in order: ("Play", url) or ("Say", text)."""
    return [(verb.tag, verb.text) for verb in twiml.iter() if verb.tag in ("Play", "Say")]


def words(app, lang: str, prompt_id: str) -> str:
    return app.extensions["voice"].speech.catalogue.text(lang, prompt_id)


def test_a_cached_prompt_is_played_from_the_public_url_and_the_rest_said(audio_app, broker_file):
    app = audio_app(PUBLIC_BASE_URL=PUBLIC)
    with app.app_context():
        assert render.render_one("ky", "main.keys", words(app, "ky", "main.keys")).rendered == 1
        name = render.audio_cache().lookup("ky", "main.keys", words(app, "ky", "main.keys"))

    heard = spoken(press_1_for_kyrgyz(app, "CA" + "1" * 32))
    assert heard == [("Play", f"{PUBLIC}/audio/{name}"), ("Say", words(app, "ky", "main.menu"))]
    # the played URL is ours, and serves the file
    response = app.test_client().get(f"/audio/{name}")
    assert response.status_code == 200
    assert response.data == (Path(app.config["AUDIO_DIR"]) / name).read_bytes()
    response.close()
    # only what was said is asked of the worker
    assert [args[1] for _, args in enqueued(broker_file)] == ["main.menu"]


def test_simulate_call_prints_the_words_of_a_played_prompt(audio_app):
    """`flask simulate call` shows what the caller hears: a prompt played from the cache prints as
    its words (from the manifest), beside the file's name, not as the file name alone."""
    app = audio_app(PUBLIC_BASE_URL=PUBLIC)
    with app.app_context():
        for prompt_id in ("lang.choose", "main.keys"):
            assert render.render_one("ky", prompt_id, words(app, "ky", prompt_id)).failed == []
        keys = render.audio_cache().lookup("ky", "main.keys", words(app, "ky", "main.keys"))
    result = app.test_cli_runner().invoke(args=["simulate", "call", "--from", "+996777000321", "--digits", "1"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert f"  [audio {keys}] {words(app, 'ky', 'main.keys')}" in lines
    assert f"  {words(app, 'ky', 'main.menu')}" in lines  # not built: said, and printed as said
    assert "  > 1" in lines


def test_missing_audio_is_said_and_rendered_once_by_a_worker(audio_app, broker_file):
    app = audio_app()
    audio_dir = Path(app.config["AUDIO_DIR"])
    for call in range(3):
        heard = spoken(press_1_for_kyrgyz(app, f"CA{call:032d}"))
        assert heard == [("Say", words(app, "ky", p)) for p in WELCOME_PROMPTS]

    messages = enqueued(broker_file)
    # three calls, one render each: the web process asks once, the cache answers the rest
    assert messages == [("tasks.audio.render", ["ky", p, words(app, "ky", p)]) for p in WELCOME_PROMPTS]
    # the webhook itself rendered nothing and downloaded nothing
    assert not audio_dir.exists() or not any(audio_dir.glob("*.wav"))


def test_office_rows_are_rendered_with_the_words_calls_look_up(audio_app, broker_file):
    app = audio_app()
    twilio = SignedTwilio(app.test_client(), app.config["TWILIO_AUTH_TOKEN"])
    # jardam "2": 112 and 102 in Russia, to a caller on a Russian SIM (numbers as dialled from abroad)
    assert twilio.call("/twilio/voice/flow/jardam/menu?l=ru", digits="2", caller="+79261234567").status_code == 200
    # jardam "4": emergencies at home, to a caller on +996 (national numbers)
    assert twilio.call("/twilio/voice/flow/jardam/menu?l=ky", digits="4", caller="+996555000111",
                       sid="CA" + "4" * 32).status_code == 200
    offices = [(lang, key, text) for _, (lang, key, text) in enqueued(broker_file) if key.startswith("office:")]
    assert [(lang, key) for lang, key, _ in offices] == [
        ("ru", "office:hotline-ru-112:intl"), ("ru", "office:hotline-ru-102:intl"),
        ("ky", "office:hotline-112"), ("ky", "office:hotline-103"),
    ]
    with app.app_context():
        items = {(item.lang, item.key): item.text for item in render.office_items(render.spoken_offices())}
        # the build renders exactly the words a call looks up
        for lang, key, text in offices:
            assert items[lang, key] == text
        # and the render task's function makes the next call play them
        for lang, key, text in offices:
            assert render.render_one(lang, key, text).failed == []
            assert render.audio_cache().lookup(lang, key, text) is not None


@pytest.mark.worker
def test_a_real_worker_renders_what_was_missing_and_the_next_call_plays_it(
    audio_app, broker_file, database_url, tmp_path
):
    app = audio_app(PUBLIC_BASE_URL=PUBLIC)
    first = spoken(press_1_for_kyrgyz(app, "CA" + "2" * 32))
    assert [verb for verb, _ in first] == ["Say"] * 2

    with app.app_context():  # and, as after a seed that edited it, an office
        assert render.request_office_renders(["hotline-112"])
        office_rows = render.office_items(render.spoken_offices(["hotline-112"]))

    cache = AudioCache(app.config["AUDIO_DIR"])
    texts = {p: words(app, "ky", p) for p in WELCOME_PROMPTS}
    with celery_worker(database_url, f"sqla+sqlite:///{broker_file}", AUDIO_DIR=app.config["AUDIO_DIR"],
                       AUDIO_ENGINES_KY="recorded,espeak", AUDIO_ENGINES_RU="recorded,espeak"):
        wait_until(lambda: all(cache.lookup("ky", p, text) for p, text in texts.items()),
                   what="the worker rendering the two prompts")
        wait_until(lambda: all(cache.lookup(row.lang, row.key, row.text) for row in office_rows),
                   what="the worker rendering the office's four rows")

    second = spoken(press_1_for_kyrgyz(app, "CA" + "3" * 32))
    names = [cache.lookup("ky", p, text) for p, text in texts.items()]
    assert second == [("Play", f"{PUBLIC}/audio/{name}") for name in names]
    for name in names:
        assert cache.path(name) is not None


def test_a_check_plays_its_built_question_and_says_only_the_typed_read_back(audio_app, broker_file):
    app = audio_app(PUBLIC_BASE_URL=PUBLIC)
    rule = app.extensions["eligibility"]["russia_registration"]
    with app.app_context():
        # what `flask audio build --prompts-only` renders for this check (its name and question, ky and ru)
        items = [item for item in render.rule_items() if item.key.startswith("rule:russia_registration:")]
        build = render.build(items)
        assert build.failed == [] and build.rendered == len(items) == 4
        question = question_utterances(rule, rule.questions[0], "ky")[0]
        name = render.audio_cache().lookup("ky", question.key, question.text)
        assert name
    # Kyrgyz: language, main menu 4 (Russia), 4 (registration), 4 (check), then 12 days ago
    turns = CallSimulator(app, caller="+996777000555", sid="CA" + "e" * 32).run(["1", "4", "4", "4", "12#"])
    assert turns[4].node == "russia.registration_check"
    assert name in turns[4].played  # the question from the cache, in the Kyrgyz voice
    assert rule.questions[0].prompt.ky not in "\n".join(s for s in turns[4].said if not s.startswith("[audio "))
    # printed as the words the file speaks, so `flask simulate call` shows what the caller hears
    assert f"[audio {name}] {question.text}" in turns[4].said
    # the read-back depends on what was typed ("dyn:"): said (its pieces are not built here), and
    # never asked of the worker
    assert "Он эки күн." in turns[5].said
    assert not [args for _, args in enqueued(broker_file) if args[1].startswith(("dyn:", "rule:"))]


def test_a_kyrgyz_verdict_is_played_from_pieces_built_ahead(audio_app, broker_file):
    """No voice speaks Kyrgyz at request time: a verdict made of the caller's numbers is played as the
    pieces the build rendered (the rule's sentences cut at their placeholders, the number words)."""
    app = audio_app(PUBLIC_BASE_URL=PUBLIC)
    with app.app_context():
        items = [item for item in render.rule_items() if item.key.startswith("piece:")
                 or item.key.startswith("rule:russia_registration:")]
        assert render.build(items).failed == []
    turns = CallSimulator(app, caller="+996777000556", sid="CA" + "f" * 32).run(["1", "4", "4", "4", "12#"])
    verdict = turns[5]
    assert verdict.node == "russia.registration_check"
    # the read-back ("он эки күн") and the dated deadline, first, in the Kyrgyz voice: played, never said
    assert [line.split("] ")[-1] for line in verdict.said[:3]] == ["он", "эки", "күн"]
    kyrgyz_said = [text for text in verdict.said if not text.startswith("[audio ")]
    assert not any("кечиктирбей" in text or "күн" in text for text in kyrgyz_said), kyrgyz_said
    assert any("кечиктирбей" in text for text in verdict.said)


def test_kyrgyz_with_no_audio_is_a_short_kyrgyz_prompt_and_an_sms(audio_app, broker_file):
    """What has no Kyrgyz audio yet (offices the seed just changed, here: all of them) is never read
    by a Russian voice: a short Kyrgyz prompt that has audio says the details come by SMS, they do,
    once (a retried request sends no second SMS), and a worker is asked to render them."""
    from sqlalchemy import select

    from hotline.extensions import db
    from hotline.messaging.models import SmsMessage

    app = audio_app(PUBLIC_BASE_URL=PUBLIC)
    with app.app_context():
        assert render.build([item for item in render.prompt_items() if item.lang == "ky"]).failed == []
        missing = render.audio_cache().lookup("ky", "audio.missing", words(app, "ky", "audio.missing"))
    twilio = SignedTwilio(app.test_client(), app.config["TWILIO_AUTH_TOKEN"], base=PUBLIC)
    url = "/twilio/voice/flow/jardam/menu?l=ky&s=3"
    for _ in range(2):  # Twilio retries the step
        doc = ET.fromstring(twilio.call(url, sid="CA" + "9" * 32, caller="+996555000123", digits="4").data)
        heard = spoken(doc)
        assert not [text for verb, text in heard if verb == "Say"]  # no Kyrgyz to a Russian voice
        assert ("Play", f"{PUBLIC}/audio/{missing}") in heard
        assert heard[-1][0] == "Play", doc  # the keys after it are played as usual
    with app.app_context():
        bodies = db.session.scalars(select(SmsMessage.body)).all()
    assert len(bodies) == 1 and "112" in bodies[0] and "103" in bodies[0]
    renders = [args[:2] for task, args in enqueued(broker_file) if task == "tasks.audio.render"]
    assert ["ky", "office:hotline-112"] in renders


def test_past_the_call_s_sms_cap_the_caller_hears_so_instead(audio_app, broker_file):
    """The SMS of words with no audio goes through the same caps as an answer's SMS: past
    SMS_PER_CALL the caller hears that no more SMS go out on this call, not that one is coming."""
    app = audio_app(PUBLIC_BASE_URL=PUBLIC, SMS_PER_CALL=1)
    with app.app_context():
        assert render.build([item for item in render.prompt_items() if item.lang == "ky"]).failed == []
        sending = render.audio_cache().lookup("ky", "audio.missing", words(app, "ky", "audio.missing"))
        capped = render.audio_cache().lookup("ky", "sms.capped_call", words(app, "ky", "sms.capped_call"))
    twilio = SignedTwilio(app.test_client(), app.config["TWILIO_AUTH_TOKEN"], base=PUBLIC)
    first = spoken(ET.fromstring(twilio.call("/twilio/voice/flow/jardam/menu?l=ky&s=3", sid="CA" + "8" * 32,
                                             caller="+996555000124", digits="4").data))
    again = spoken(ET.fromstring(twilio.call("/twilio/voice/flow/jardam/menu?l=ky&s=5", sid="CA" + "8" * 32,
                                             caller="+996555000124", digits="3").data))
    assert ("Play", f"{PUBLIC}/audio/{sending}") in first
    assert ("Play", f"{PUBLIC}/audio/{capped}") in again and ("Play", f"{PUBLIC}/audio/{sending}") not in again
    assert not [text for verb, text in first + again if verb == "Say"]
