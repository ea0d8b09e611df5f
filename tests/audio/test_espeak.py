"""espeak-ng speaking Kyrgyz offline, through the wheel's library and through the program."""

import shutil

import pytest

from audio.engines import EngineError, EngineUnavailable, EspeakEngine
from tests.audio.conftest import KYRGYZ_SENTENCE, wav_format

needs_program = pytest.mark.skipif(
    not shutil.which("espeak-ng"), reason="the espeak-ng program is not installed (apt-get install espeak-ng)"
)


@pytest.mark.parametrize("backend", ["library", pytest.param("program", marks=needs_program)])
def test_kyrgyz_sentence_becomes_telephony_wav(backend):
    wav = EspeakEngine("ky", backend=backend).render(KYRGYZ_SENTENCE)
    rate, channels, width, seconds = wav_format(wav)
    assert (rate, channels, width) == (8000, 1, 2)
    assert 1.0 < seconds < 10.0
    assert len(wav) == pytest.approx(44 + seconds * 16_000, abs=2)  # 16,000 bytes a second


def test_slower_speech_is_longer():
    fast = wav_format(EspeakEngine("ky", backend="library", words_per_minute=200).render(KYRGYZ_SENTENCE))[3]
    slow = wav_format(EspeakEngine("ky", backend="library", words_per_minute=120).render(KYRGYZ_SENTENCE))[3]
    assert slow > fast * 1.3


def test_russian_voice():
    wav = EspeakEngine("ru", backend="library").render("Для информации о детях нажмите один.")
    assert 1.0 < wav_format(wav)[3] < 10.0


def test_identity_changes_with_what_changes_the_sound():
    assert EspeakEngine("ky").identity != EspeakEngine("ru").identity
    assert EspeakEngine("ky").identity != EspeakEngine("ky", words_per_minute=120).identity
    # program and library are the same synthesiser: a file made by one is good for the other
    assert EspeakEngine("ky", backend="program").identity == EspeakEngine("ky", backend="library").identity


def test_missing_library_names_the_language_and_the_library(tmp_path):
    engine = EspeakEngine("ky", backend="library", library_path=str(tmp_path / "libespeak-ng.so"))
    with pytest.raises(EngineUnavailable, match=r"espeak cannot speak 'ky': libespeak-ng cannot be loaded"):
        engine.render(KYRGYZ_SENTENCE)


def test_missing_program_names_the_language_and_the_program():
    engine = EspeakEngine("ky", backend="program", program="espeak-ng-is-not-installed")
    with pytest.raises(EngineUnavailable, match=r"espeak cannot speak 'ky': the program .* is not on PATH"):
        engine.render(KYRGYZ_SENTENCE)


@pytest.mark.parametrize("backend", ["library", pytest.param("program", marks=needs_program)])
def test_unknown_voice_is_unavailable(backend):
    with pytest.raises(EngineUnavailable, match=r"espeak cannot speak 'xx'.*no voice 'xx'"):
        EspeakEngine("xx", backend=backend).render("salam")


def test_a_failed_voice_leaves_the_library_speaking():
    with pytest.raises(EngineUnavailable):
        EspeakEngine("xx", backend="library").render("salam")
    assert wav_format(EspeakEngine("ky", backend="library").render("Салам."))[3] > 0.2


@pytest.mark.parametrize("text", ["", "   \n "])
def test_empty_text_is_refused(text):
    with pytest.raises(EngineError, match="empty"):
        EspeakEngine("ky", backend="library").render(text)


def test_unknown_backend():
    with pytest.raises(ValueError, match="unknown espeak backend"):
        EspeakEngine("ky", backend="festival")


def test_auto_uses_the_library_when_the_program_is_absent():
    engine = EspeakEngine("ky", backend="auto", program="espeak-ng-is-not-installed")
    assert wav_format(engine.render("Салам."))[0] == 8000


@pytest.mark.parametrize(
    ("script", "error"),
    [
        ("printf 'not a wave file'", "gave no usable audio"),
        ("echo 'espeak-ng: internal failure' >&2; exit 3", r"failed \(3\): espeak-ng: internal failure"),
    ],
)
def test_a_program_that_misbehaves_is_an_engine_error(tmp_path, script, error):
    program = tmp_path / "espeak-ng"
    program.write_text(f"#!/bin/sh\ncat >/dev/null\n{script}\n")
    program.chmod(0o755)
    with pytest.raises(EngineError, match=error):
        EspeakEngine("ky", backend="program", program=str(program)).render("Салам.")
