"""What the build speaks (prompts, checks' questions, directory rows), the renders behind the tasks,
and the seed's hook."""

import time
from collections import Counter

from hotline.prompts import render
from hotline.voice.checks import for_the_ear, question_utterances
from tests.directory.test_loader import copy_data, edit
from tests.prompts.conftest import enqueued


def test_everything_spoken_is_the_prompts_the_checks_the_names_and_each_office_four_ways(audio_app):
    app = audio_app()
    with app.app_context():
        prompts = render.prompt_items()
        checks = render.rule_items()
        names = render.name_items()
        offices = render.spoken_offices()
        items = render.speech_items()
        speech = app.extensions["voice"].speech
    pieces = app.extensions["voice"].pieces.utterances()  # Kyrgyz only: a verdict's words, built ahead
    assert len(items) == len(prompts) + len(checks) + len(names) + 4 * len(offices)
    assert len(names) == 2 * (9 + 15)  # nine regions and fifteen topics, in both languages
    assert not any(item.key.endswith(".sms") for item in items)
    assert Counter(item.lang for item in items) == {"ky": (len(items) - len(pieces)) // 2 + len(pieces),
                                                     "ru": (len(items) - len(pieces)) // 2}
    assert {item.key for item in checks if item.key.startswith("piece:")} == {u.key for u in pieces}
    by_key = {(item.lang, item.key): item.text for item in items}
    for office in offices:
        assert office.kind != "website"  # an address to type goes by SMS
        for lang in ("ky", "ru"):
            for international in (False, True):
                with app.app_context():
                    utterance = speech.office(lang, office, international)
                assert by_key[lang, utterance.key] == utterance.text
    with app.app_context():
        assert render.spoken_offices(["mlsd-benefit-calculator"]) == []  # a website
        assert render.speech_items(prompts_only=True) == prompts + checks


def test_each_rule_s_name_questions_and_options_are_built_as_a_call_says_them(audio_app):
    app = audio_app()
    with app.app_context():
        items = {(item.lang, item.key): item.text for item in render.rule_items()}
    rules = app.extensions["eligibility"]
    assert len(rules) == 14
    for rule in rules.values():
        for lang in ("ky", "ru"):
            assert items[lang, f"rule:{rule.id}:name"] == for_the_ear(rule.name.in_language(lang) + ".", lang)
            for question in rule.questions:
                for utterance in question_utterances(rule, question, lang):
                    assert items[lang, utterance.key] == utterance.text
    # a choice's options too, and Kyrgyz digits in words (the Kyrgyz voice, not a Russian <Say>, reads them)
    assert items["ky", "rule:social_benefit:who:elderly"] == "Сегиз — Улгайган адам."
    assert "1 —" not in items["ky", "rule:unemployment_benefit:registered"]
    assert not any(key.startswith("dyn:") for _, key in items)


def test_render_offices_renders_both_languages_at_home_and_abroad_once(audio_app):
    app = audio_app()
    with app.app_context():
        first = render.render_offices(["hotline-111", "legal-aid-kara-suu"])
        assert first.failed == []
        assert first.rendered + first.cached == 8
        # 111 from abroad adds "call from a phone in Kyrgyzstan": a file of its own, as Kara-Suu's +996
        assert first.rendered == 8
        cache = render.audio_cache()
        assert cache.source_of("ru", "office:legal-aid-kara-suu:intl") == "synthesised"
        home = [item for item in render.office_items(render.spoken_offices(["legal-aid-kara-suu"]))
                if item.lang == "ky"]
        names = {cache.lookup(item.lang, item.key, item.text) for item in home}
        assert len(names) == 2  # "0 3232 …" at home, "+996 3232 …" from abroad

        again = render.render_offices(["hotline-111", "legal-aid-kara-suu"])
        assert (again.rendered, again.cached) == (0, 8)
        assert render.summary_dict(again)["failed"] == []


def test_the_seed_asks_a_worker_for_the_edited_offices(audio_app, broker_file, tmp_path):
    app = audio_app()
    runner = app.test_cli_runner()
    data_dir = copy_data(tmp_path)
    edit(data_dir / "offices/legal_aid.yaml", '"(03232) 5-23-56"', '"(03232) 5-23-57"')
    try:
        result = runner.invoke(args=["seed", "--data-dir", str(data_dir)])
        assert result.exit_code == 0, result.output
        assert enqueued(broker_file) == [("tasks.audio.render_offices", [["legal-aid-kara-suu"]])]
    finally:
        restore = runner.invoke(args=["seed"])
        assert restore.exit_code == 0, restore.output
        time.sleep(app.config["DIRECTORY_CACHE_SECONDS"])  # every process sees the restored directory again
    # a seed that changes nothing asks for nothing
    assert runner.invoke(args=["seed"]).exit_code == 0
    assert len(enqueued(broker_file)) == 2
