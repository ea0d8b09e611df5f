"""Engines chosen per language from settings; recordings found by language and key."""

import pytest

from audio.engines import DEFAULT_SETTINGS, EngineUnavailable, EspeakEngine, GttsEngine, Recordings, voices_from_settings
from tests.audio.conftest import tone_wav


def test_default_settings(tmp_path):
    voices = voices_from_settings(DEFAULT_SETTINGS, recorded_dir=tmp_path)
    assert [type(e) for e in voices["ky"].engines] == [EspeakEngine]
    assert [type(e) for e in voices["ru"].engines] == [GttsEngine, EspeakEngine]
    assert voices["ky"].recordings.root == tmp_path


def test_options_reach_the_engines():
    voices = voices_from_settings(
        {"ru": ["gtts", "espeak"]},
        options={"gtts": {"base_url": "http://127.0.0.1:9"}, "espeak": {"words_per_minute": 130}},
    )
    gtts, espeak = voices["ru"].engines
    assert gtts.base_url == "http://127.0.0.1:9"
    assert espeak.words_per_minute == 130
    assert voices["ru"].recordings is None  # "recorded" not listed: recordings are not looked for


def test_a_recording_goes_first_wherever_it_is_listed(tmp_path):
    (tmp_path / "ky").mkdir()
    (tmp_path / "ky" / "main.menu.wav").write_bytes(tone_wav())
    voice = voices_from_settings({"ky": ["espeak", "recorded"]}, recorded_dir=tmp_path)["ky"]
    assert [c.engine for c in voice.candidates("main.menu", "Салам.")] == ["recorded", "espeak"]
    assert [c.engine for c in voice.candidates("main.other", "Салам.")] == ["espeak"]


@pytest.mark.parametrize(
    ("settings", "error", "message"),
    [
        ({"ky": ["gtts"]}, EngineUnavailable, "gtts cannot speak 'ky'"),
        ({"ky": ["espeak", "festival"]}, ValueError, "unknown speech engine 'festival' for 'ky'"),
    ],
)
def test_bad_settings(settings, error, message):
    with pytest.raises(error, match=message):
        voices_from_settings(settings)


@pytest.mark.parametrize(
    ("files", "key", "found"),
    [
        (["main.menu.wav"], "main.menu", "main.menu.wav"),
        (["main.menu.mp3"], "main.menu", "main.menu.mp3"),
        (["main.menu.wav", "main.menu.mp3"], "main.menu", "main.menu.wav"),
        (["office:legal-aid-osh-city.wav"], "office:legal-aid-osh-city", "office:legal-aid-osh-city.wav"),
        (["main.menu.ogg"], "main.menu", None),
        (["main.menu.wav"], "main.menus", None),
        ([], "../ky/main.menu", None),
    ],
)
def test_recordings_find(tmp_path, files, key, found):
    (tmp_path / "ky").mkdir()
    for name in files:
        (tmp_path / "ky" / name).write_bytes(b"...")
    path = Recordings(tmp_path).find("ky", key)
    assert (path.name if path else None) == found
    assert Recordings(tmp_path).find("ru", key) is None
