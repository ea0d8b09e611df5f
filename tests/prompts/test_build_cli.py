"""``flask audio build`` and ``flask audio list`` on a small catalogue, with real offline speech."""

import json
import re
from pathlib import Path

import pytest

from audio.cache import AudioCache, text_hash
from tests.audio.conftest import tone_wav
from tests.prompts.conftest import wav_format, write_small_catalogue


def invoke(app, *args):
    return app.test_cli_runner().invoke(args=["audio", *args])


def manifest(app) -> dict:
    return json.loads((Path(app.config["AUDIO_DIR"]) / "manifest.json").read_text(encoding="utf-8"))["languages"]


def pieces(app) -> int:
    """The Kyrgyz pieces the checks' answers are said with (the small rules' sentences, number words)."""
    return len(app.extensions["voice"].pieces.utterances())


def spoken_count(app) -> int:
    """Prompts, each check's name and questions (the two small rules: 2 + 3 questions, 2 names), in
    both languages, and the Kyrgyz pieces."""
    catalogue = app.extensions["voice"].speech.catalogue
    return len(catalogue.items()) + 2 * (2 + 3 + 2) + pieces(app)


def test_build_renders_everything_then_nothing(audio_app, small_catalogue):
    app = audio_app(**small_catalogue)
    total = spoken_count(app)
    first = invoke(app, "build", "--prompts-only")
    assert first.exit_code == 0, first.output
    # every item rendered, bar the pieces whose words an item already said (the same file serves both)
    built = re.search(rf"{total} items: rendered (\d+), cached (\d+), failed 0", first.output)
    assert built and int(built.group(2)) <= pieces(app), first.output
    assert "s of speech" in first.output

    files = {path.name: path.stat().st_mtime_ns for path in Path(app.config["AUDIO_DIR"]).glob("*.wav")}
    second = invoke(app, "build", "--prompts-only")
    assert second.exit_code == 0, second.output
    assert f"{total} items: rendered 0, cached {total}, failed 0" in second.output
    assert {path.name: path.stat().st_mtime_ns for path in Path(app.config["AUDIO_DIR"]).glob("*.wav")} == files

    entries = manifest(app)
    assert "main.menu.sms" not in entries["ky"]  # the text of a message is never spoken
    for lang in ("ky", "ru"):
        for key, entry in entries[lang].items():
            rate, channels, width, seconds = wav_format(Path(app.config["AUDIO_DIR"]) / entry["file"])
            assert (rate, channels, width) == (8000, 1, 2), (lang, key)
            # a word or a short sentence: more than a click, less than a speech
            assert 0.2 < seconds < 8, (lang, key, seconds)
            assert entry["seconds"] == pytest.approx(seconds, abs=0.001)
        assert entries[lang]["main.menu"]["engine"] == "espeak"
        # the checks' fixed words are built too: a first caller hears the question in the language's voice
        assert {"rule:small_komok:name", "rule:small_komok:q_c", "rule:small_bala:q_b"} <= entries[lang].keys()
    assert entries["ky"]["rule:small_komok:q_a"]["text_hash"] == text_hash("small_komok: канча q_a?")
    # a longer sentence takes longer to say
    longer = write_small_catalogue(Path(small_catalogue["PROMPTS_DIR"]).parent, {"ky": {
        "main.bye": "Саламатта калыңыз. Бул линияга кайра чалып, керектүү маалыматты ала аласыз."}})
    app = audio_app(**longer)
    third = invoke(app, "build", "--prompts-only")
    assert third.exit_code == 0 and f"rendered 1, cached {total - 1}," in third.output, third.output
    assert manifest(app)["ky"]["main.bye"]["seconds"] > 2 * entries["ky"]["main.bye"]["seconds"]


def test_changed_text_gets_a_new_file_and_the_rest_stays(audio_app, small_catalogue, tmp_path):
    app = audio_app(**small_catalogue)
    assert invoke(app, "build", "--prompts-only").exit_code == 0
    before = manifest(app)

    changed = write_small_catalogue(tmp_path / "catalogue", {"ru": {"main.bye": "Всего доброго."}})
    app = audio_app(**changed)
    result = invoke(app, "build", "--prompts-only")
    assert result.exit_code == 0, result.output
    assert "rendered 1," in result.output
    after = manifest(app)
    assert after["ru"]["main.bye"]["file"] != before["ru"]["main.bye"]["file"]
    assert after["ky"]["main.bye"] == before["ky"]["main.bye"]
    # the old file stays: a call that was given its URL a moment ago can still fetch it
    assert (Path(app.config["AUDIO_DIR"]) / before["ru"]["main.bye"]["file"]).is_file()


def test_check_lists_what_is_missing_and_fails(audio_app, small_catalogue):
    app = audio_app(**small_catalogue)
    result = invoke(app, "build", "--check", "--prompts-only")
    assert result.exit_code == 1
    assert "missing ky main.menu" in result.output and "missing ru main.bye" in result.output
    assert "missing ky rule:small_bala:name\n" in result.output and "missing ru rule:small_komok:q_b\n" in result.output
    assert "have no audio" in result.output

    assert invoke(app, "build", "--prompts-only").exit_code == 0
    result = invoke(app, "build", "--check", "--prompts-only")
    assert result.exit_code == 0, result.output
    assert f"all {spoken_count(app)} items have audio" in result.output

    # without --prompts-only the directory rows count too, and none is built yet
    result = invoke(app, "build", "--check")
    assert result.exit_code == 1
    assert "missing ky office:hotline-111\n" in result.output
    assert "missing ru office:hotline-111:intl\n" in result.output
    assert not any(key.startswith("office:") for key in manifest(app)["ky"])  # --check renders nothing


def test_a_recording_overrides_synthesis(audio_app, small_catalogue, tmp_path):
    recorded = tmp_path / "recorded" / "ky"
    recorded.mkdir(parents=True)
    (recorded / "main.menu.wav").write_bytes(tone_wav(rate=44_100, channels=2, seconds=1.5))
    app = audio_app(**small_catalogue)
    assert invoke(app, "build", "--prompts-only").exit_code == 0

    entries = manifest(app)
    assert entries["ky"]["main.menu"]["engine"] == "recorded"
    assert entries["ru"]["main.menu"]["engine"] == "espeak"
    rate, channels, width, seconds = wav_format(Path(app.config["AUDIO_DIR"]) / entries["ky"]["main.menu"]["file"])
    assert (rate, channels, width) == (8000, 1, 2) and seconds == pytest.approx(1.5, abs=0.01)

    assert listed(app)["main.menu"] == ["ky", "recorded", "ru", "synthesised"]


def listed(app) -> dict[str, list[str]]:
    result = invoke(app, "list")
    assert result.exit_code == 0, result.output
    return {line.split()[0]: line.split()[1:] for line in result.output.splitlines()}


def test_list_says_missing_until_built_and_when_the_text_changed(audio_app, small_catalogue, tmp_path):
    app = audio_app(**small_catalogue)
    sources = listed(app)
    assert sources["main.bye"] == ["ky", "missing", "ru", "missing"]
    assert sources["rule:small_komok:q_a"] == ["ky", "missing", "ru", "missing"]
    assert "main.menu.sms" not in sources
    kyrgyz = (spoken_count(app) - pieces(app)) // 2 + pieces(app)
    assert sources["ky:"] == ["0", "recorded,", "0", "synthesised,", f"{kyrgyz}", "missing"]

    assert invoke(app, "build", "--prompts-only").exit_code == 0
    # the words changed since the build: callers would hear <Say>, so it is missing
    changed = write_small_catalogue(tmp_path / "catalogue", {"ky": {"main.bye": "Кош болуңуз."}})
    sources = listed(audio_app(**changed))
    assert sources["main.bye"] == ["ky", "missing", "ru", "synthesised"]
    assert sources["main.menu"] == ["ky", "synthesised", "ru", "synthesised"]
    assert sources["rule:small_bala:q_b"] == ["ky", "synthesised", "ru", "synthesised"]


def test_russian_through_gtts_from_the_fake_google(audio_app, small_catalogue, fake_google):
    engines = {"ky": ["recorded", "espeak"], "ru": ["recorded", "gtts", "espeak"]}
    app = audio_app(AUDIO_ENGINES=engines, GTTS_BASE_URL=fake_google.base_url, **small_catalogue)
    result = invoke(app, "build", "--prompts-only")
    assert result.exit_code == 0, result.output
    entries = manifest(app)
    assert {entry["engine"] for entry in entries["ru"].values()} == {"gtts"}
    assert {entry["engine"] for entry in entries["ky"].values()} == {"espeak"}  # Google has no Kyrgyz
    assert len(fake_google.requests) == len(entries["ru"])
    assert [args[0] for _, args in fake_google.requests if args[0] == "Один – начало."]


def test_an_engine_that_cannot_speak_kyrgyz_is_named(audio_app, small_catalogue):
    app = audio_app(AUDIO_ENGINES={"ky": ["recorded", "gtts"], "ru": ["recorded", "espeak"]}, **small_catalogue)
    result = invoke(app, "build", "--prompts-only")
    assert result.exit_code == 1
    assert "gtts cannot speak 'ky'" in result.output


def test_a_machine_without_espeak_fails_naming_each_language(audio_app, small_catalogue, monkeypatch, tmp_path):
    # Neither the espeak-ng program nor the espeakng-loader wheel: as on a machine that has neither.
    import audio.engines.espeak as espeak

    def no_wheel():
        raise OSError("the espeakng-loader wheel is not installed")

    monkeypatch.setattr(espeak, "_wheel_paths", no_wheel)
    monkeypatch.setenv("PATH", str(tmp_path))
    app = audio_app(**small_catalogue)
    result = invoke(app, "build", "--prompts-only")
    assert result.exit_code == 1
    for lang in ("ky", "ru"):
        assert f"failed in {lang!r}: espeak: espeak cannot speak {lang!r}" in result.output
    assert f"failed {spoken_count(app)}" in result.output
    assert AudioCache(app.config["AUDIO_DIR"]).source_of("ky", "main.menu") == "missing"
