"""The content-hash cache: what is rendered, what is reused, what the manifest says."""

import json
import os

import pytest

from audio.cache import FORMAT_VERSION, AudioCache, SpeechItem, file_name
from audio.engines import EspeakEngine, GttsEngine, Recordings, Voice
from tests.audio.conftest import KYRGYZ_SENTENCE, TONE_MP3, Counting, tone_wav, wav_format

MENU = SpeechItem("ky", "main.menu", KYRGYZ_SENTENCE)
INVALID = SpeechItem("ky", "common.invalid", "Туура эмес. Кайра басыңыз.")


@pytest.fixture
def cache(tmp_path) -> AudioCache:
    return AudioCache(tmp_path / "cache")


@pytest.fixture
def recordings(tmp_path) -> Recordings:
    return Recordings(tmp_path / "recorded")


@pytest.fixture
def voices(espeak_ky, recordings) -> dict[str, Voice]:
    return {"ky": Voice("ky", (espeak_ky,), recordings)}


def wav_files(cache: AudioCache) -> list[str]:
    return sorted(path.name for path in cache.directory.glob("*.wav"))


def test_build_renders_then_reuses(cache, voices, espeak_ky):
    first = cache.build([MENU, INVALID], voices)
    assert (first.rendered, first.cached, first.failed) == (2, 0, [])
    second = cache.build([MENU, INVALID], voices)
    assert (second.rendered, second.cached, second.failed) == (0, 2, [])
    assert len(espeak_ky.calls) == 2
    assert second.bytes == first.bytes == sum((cache.directory / f).stat().st_size for f in wav_files(cache))
    assert 2.0 < second.seconds < 20.0


def test_same_text_twice_renders_once(cache, voices, espeak_ky):
    twin = SpeechItem("ky", "office:legal-aid-osh-city", MENU.text)
    summary = cache.build([MENU, twin], voices)
    assert (summary.rendered, summary.cached) == (1, 1)
    assert espeak_ky.calls == [MENU.text]
    assert cache.lookup("ky", MENU.key, MENU.text) == cache.lookup("ky", twin.key, twin.text)
    assert len(wav_files(cache)) == 1


def test_lookup_gives_the_file_that_speaks_the_text(cache, voices):
    cache.build([MENU], voices)
    name = cache.lookup("ky", "main.menu", MENU.text)
    assert name == file_name("ky", voices["ky"].engines[0].identity, MENU.text)
    assert name.startswith("ky-") and name.endswith(".wav")
    assert wav_format(cache.path(name).read_bytes())[:3] == (8000, 1, 2)


@pytest.mark.parametrize(
    ("lang", "key", "text"),
    [("ru", "main.menu", KYRGYZ_SENTENCE), ("ky", "main.other", KYRGYZ_SENTENCE), ("ky", "main.menu", "Башка текст.")],
)
def test_lookup_misses_what_was_not_built_for_that_text(cache, voices, lang, key, text):
    cache.build([MENU], voices)
    assert cache.lookup(lang, key, text) is None


def test_changed_text_gets_a_new_file(cache, voices, espeak_ky):
    cache.build([MENU], voices)
    old = cache.lookup("ky", MENU.key, MENU.text)
    changed = SpeechItem("ky", MENU.key, "Балдар жөнүндө билүү үчүн бирди басыңыз.")
    assert cache.check([changed]) == [changed]
    assert cache.build([changed], voices).rendered == 1
    new = cache.lookup("ky", MENU.key, changed.text)
    assert new not in (None, old)
    assert cache.lookup("ky", MENU.key, MENU.text) is None  # the old words are no longer what it says


def test_whitespace_is_not_a_change(cache, voices, espeak_ky):
    cache.build([MENU], voices)
    rewrapped = SpeechItem("ky", MENU.key, MENU.text.replace(" ", "\n  ", 2) + "\n")
    assert cache.build([rewrapped], voices).cached == 1
    assert cache.lookup("ky", MENU.key, rewrapped.text) == cache.lookup("ky", MENU.key, MENU.text)
    assert len(espeak_ky.calls) == 1


@pytest.mark.parametrize(("name", "make"), [("main.menu.wav", lambda: tone_wav(44_100, 2)),
                                             ("main.menu.mp3", TONE_MP3.read_bytes)])  # fmt: skip
def test_a_recording_wins_over_synthesis(cache, voices, espeak_ky, recordings, name, make):
    (recordings.root / "ky").mkdir(parents=True)
    (recordings.root / "ky" / name).write_bytes(make())
    summary = cache.build([MENU, INVALID], voices)
    assert summary.rendered == 2
    assert espeak_ky.calls == [INVALID.text]  # the recorded prompt was never synthesised
    assert cache.source_of("ky", MENU.key) == "recorded"
    assert cache.source_of("ky", INVALID.key) == "synthesised"
    assert cache.source_of("ky", "main.unknown") == "missing"
    recorded = cache.path(cache.lookup("ky", MENU.key, MENU.text)).read_bytes()
    assert wav_format(recorded)[:3] == (8000, 1, 2)


def test_a_new_take_gets_a_new_file(cache, voices, recordings):
    take = recordings.root / "ky" / "main.menu.wav"
    take.parent.mkdir(parents=True)
    take.write_bytes(tone_wav(hz=440))
    cache.build([MENU], voices)
    first = cache.lookup("ky", MENU.key, MENU.text)
    take.write_bytes(tone_wav(hz=660))
    assert cache.build([MENU], voices).rendered == 1
    assert cache.lookup("ky", MENU.key, MENU.text) != first


def test_an_unavailable_engine_falls_back_and_is_asked_once(cache, espeak_ky, fake_google):
    fake_google.statuses = [429] * 10
    gtts = Counting(GttsEngine("ru", base_url=fake_google.base_url, retries=0))
    espeak_ru = Counting(EspeakEngine("ru", backend="library"))
    items = [SpeechItem("ru", "main.menu", "Нажмите один."), SpeechItem("ru", "common.invalid", "Неверно.")]
    summary = cache.build(items, {"ru": Voice("ru", (gtts, espeak_ru))})
    assert (summary.rendered, summary.failed) == (2, [])
    assert len(fake_google.requests) == 1  # rate-limited once: not asked again this run
    assert len(espeak_ru.calls) == 2
    assert cache.source_of("ru", "main.menu") == "synthesised"


def test_the_preferred_engine_takes_over_when_it_is_back(cache, fake_google):
    item = SpeechItem("ru", "main.menu", "Нажмите один.")
    voice = Voice("ru", (GttsEngine("ru", base_url=fake_google.base_url, retries=0),
                         EspeakEngine("ru", backend="library")))  # fmt: skip
    fake_google.statuses = [503]
    cache.build([item], {"ru": voice})
    by_espeak = cache.lookup("ru", item.key, item.text)
    assert cache.build([item], {"ru": voice}).rendered == 1
    assert cache.lookup("ru", item.key, item.text) != by_espeak


def test_what_no_engine_can_speak_fails_with_every_reason(cache, tmp_path):
    broken = EspeakEngine("ky", backend="library", library_path=str(tmp_path / "missing.so"))
    items = [MENU, SpeechItem("tr", "main.menu", "Merhaba.")]
    summary = cache.build(items, {"ky": Voice("ky", (broken,))})
    assert summary.rendered == 0
    assert [(f.lang, f.key) for f in summary.failed] == [("ky", "main.menu"), ("tr", "main.menu")]
    assert "espeak cannot speak 'ky': libespeak-ng cannot be loaded" in summary.failed[0].reason
    assert summary.failed[1].reason == "no voice is configured for 'tr'"
    assert cache.check(items) == items


def test_progress_is_reported_per_item(cache, voices):
    seen = []
    cache.build([MENU, MENU, SpeechItem("ru", "x", "y")], voices, progress=lambda *args: seen.append(args))
    assert [(done, total, outcome) for done, total, _, outcome in seen] == [
        (1, 3, "rendered"), (2, 3, "cached"), (3, 3, "failed"),
    ]  # fmt: skip


def test_manifest_says_what_each_file_is(cache, voices):
    cache.build([MENU], voices)
    data = json.loads(cache.manifest_path.read_text(encoding="utf-8"))
    entry = data["languages"]["ky"]["main.menu"]
    assert data["format_version"] == FORMAT_VERSION
    assert entry["engine"] == "espeak" and entry["file"] == cache.lookup("ky", MENU.key, MENU.text)
    assert entry["bytes"] == cache.path(entry["file"]).stat().st_size
    assert 1.0 < entry["seconds"] < 10.0
    assert not list(cache.directory.glob(".tmp-*"))  # written whole, then renamed


def test_builds_add_to_the_manifest_they_do_not_replace_it(cache, voices):
    cache.build([MENU], voices)
    cache.build([INVALID], voices)  # e.g. a render task for one prompt
    assert cache.check([MENU, INVALID]) == []


def test_another_process_sees_a_new_build(cache, voices):
    web = AudioCache(cache.directory)  # as a web worker holds it
    assert web.lookup("ky", MENU.key, MENU.text) is None
    cache.build([MENU], voices)
    assert web.lookup("ky", MENU.key, MENU.text) is not None


def test_lookup_rereads_the_manifest_only_when_it_changed(cache, voices):
    cache.build([MENU], voices)
    web = AudioCache(cache.directory)
    name = web.lookup("ky", MENU.key, MENU.text)
    # Change the manifest's bytes in place, keeping its size, inode and mtime: lookup must not see it.
    stat = cache.manifest_path.stat()
    text = cache.manifest_path.read_text(encoding="utf-8")
    with open(cache.manifest_path, "r+", encoding="utf-8") as manifest:
        manifest.write(text.replace(name, "ky-" + "0" * 24 + ".wav"))
    os.utime(cache.manifest_path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert web.lookup("ky", MENU.key, MENU.text) == name
    os.utime(cache.manifest_path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert web.lookup("ky", MENU.key, MENU.text) == "ky-" + "0" * 24 + ".wav"


def test_a_broken_manifest_means_say_not_an_error(cache, voices, caplog):
    cache.build([MENU], voices)
    cache.manifest_path.write_text("{not json", encoding="utf-8")
    assert AudioCache(cache.directory).lookup("ky", MENU.key, MENU.text) is None
    assert "unreadable" in caplog.text


def test_check_finds_a_deleted_file(cache, voices):
    cache.build([MENU, INVALID], voices)
    cache.path(cache.lookup("ky", MENU.key, MENU.text)).unlink()
    assert cache.check([MENU, INVALID]) == [MENU]
    assert cache.build([MENU, INVALID], voices).rendered == 1


@pytest.mark.parametrize("name", ["manifest.json", ".manifest.lock", "../cache/manifest.json", "ky-xyz.wav",
                                  "ky-" + "0" * 24 + ".wav", ""])  # fmt: skip
def test_path_serves_only_cache_files(cache, voices, name):
    cache.build([MENU], voices)
    assert cache.path(name) is None


def test_a_damaged_recording_falls_back_to_synthesis_and_says_so(cache, voices, espeak_ky, recordings, caplog):
    (recordings.root / "ky").mkdir(parents=True)
    (recordings.root / "ky" / "main.menu.wav").write_bytes(b"RIFF but nothing a decoder can read")
    summary = cache.build([MENU], voices)
    assert (summary.rendered, summary.failed) == (1, [])
    assert cache.source_of("ky", MENU.key) == "synthesised"
    assert "ky main.menu: recorded failed" in caplog.text
