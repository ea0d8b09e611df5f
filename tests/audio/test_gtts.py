"""gTTS against a fake of Google's endpoint on 127.0.0.1: the host, retries, decoding, errors."""

import time

import pytest

from audio.engines import EngineError, EngineUnavailable, GttsEngine
from tests.audio.conftest import wav_format

GOOGLE_PATH = "/_/TranslateWebserverUi/data/batchexecute"


def engine(base_url: str, **options) -> GttsEngine:
    return GttsEngine("ru", base_url=base_url, **{"backoff": 0.01, "retries": 3} | options)


def test_speaks_through_the_configured_host(fake_google):
    wav = engine(fake_google.base_url).render("Для информации о детях нажмите один.")
    assert wav_format(wav)[:3] == (8000, 1, 2)
    assert wav_format(wav)[3] == pytest.approx(1.056, abs=0.01)  # the fake's MP3, decoded
    assert fake_google.requests == [(GOOGLE_PATH, ["Для информации о детях нажмите один.", "ru", None, "null"])]  # None: normal speed


def test_long_text_goes_in_parts_and_comes_back_whole(fake_google):
    """Google takes 100 characters at a time; gTTS splits, and the MP3 parts decode as one."""
    text = "Для информации о детях нажмите один. " * 4
    wav = engine(fake_google.base_url).render(text)
    assert len(fake_google.requests) > 1
    assert wav_format(wav)[3] == pytest.approx(1.056 * len(fake_google.requests), abs=0.05)


@pytest.mark.parametrize("statuses", [[429], [429, 429], [500], [502, 503, 429]])
def test_rate_limits_and_server_errors_are_retried(fake_google, statuses):
    fake_google.statuses = list(statuses)
    wav = engine(fake_google.base_url).render("Один.")
    assert wav_format(wav)[0] == 8000
    assert len(fake_google.requests) == len(statuses) + 1


def test_retry_after_is_waited_for(fake_google):
    import time

    fake_google.statuses, fake_google.retry_after = [429], "1"
    started = time.monotonic()
    engine(fake_google.base_url).render("Один.")
    assert time.monotonic() - started >= 1.0


def test_still_rate_limited_after_every_try(fake_google):
    fake_google.statuses = [429] * 10
    with pytest.raises(EngineUnavailable, match=r"gtts cannot speak 'ru' now: .* still answers 429 after 3 tries"):
        engine(fake_google.base_url, retries=2).render("Один.")
    assert len(fake_google.requests) == 3


@pytest.mark.parametrize("status", [400, 403, 404])
def test_other_errors_are_not_retried(fake_google, status):
    fake_google.statuses = [status]
    with pytest.raises(EngineError, match=f"{status}") as raised:
        engine(fake_google.base_url).render("Один.")
    assert not isinstance(raised.value, EngineUnavailable)
    assert len(fake_google.requests) == 1


def test_no_network_names_the_language_and_the_host_and_does_not_wait(closed_port_url):
    started = time.monotonic()
    with pytest.raises(EngineUnavailable,
                       match=r"gtts cannot speak 'ru': no network, http://127\.0\.0\.1:\d+ did not answer in 1 try"):
        engine(closed_port_url, retries=3, backoff=1.0).render("Один.")
    assert time.monotonic() - started < 1.0  # no backoff: the next engine speaks at once


def test_an_answer_without_audio_is_an_error(fake_google):
    fake_google.mp3 = b"this is not an mp3 file at all" * 10
    with pytest.raises(EngineError, match="cannot be decoded"):
        engine(fake_google.base_url).render("Один.")


def test_kyrgyz_is_refused_up_front():
    with pytest.raises(EngineUnavailable, match="gtts cannot speak 'ky': Google Translate has no voice for it"):
        GttsEngine("ky")


def test_identity_leaves_out_the_host():
    """A mirror or a proxy of Google gives Google's voice: its files stay good."""
    assert GttsEngine("ru", base_url="http://a").identity == GttsEngine("ru", base_url="http://b").identity
