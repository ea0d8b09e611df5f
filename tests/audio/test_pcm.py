"""The conversion every engine's output goes through: decode, resample to 8 kHz, write a WAV."""

import numpy as np
import pytest

from audio import pcm
from tests.audio.conftest import TONE_MP3, tone_wav, wav_format


def amplitude_at_8khz(rate: int, hz: float) -> float:
    """The amplitude left of a full-scale-½ sine at ``hz`` after resampling from ``rate`` to 8 kHz."""
    t = np.arange(rate * 2) / rate
    out = pcm.resample(pcm.Pcm(0.5 * np.sin(2 * np.pi * hz * t), rate)).samples
    middle = out[400:-400]  # away from the edges, where the filter sees zeros
    return float(np.sqrt(2 * np.mean(middle**2)))


@pytest.mark.parametrize("rate", [22_050, 24_000, 44_100, 48_000, 16_000, 11_025])
@pytest.mark.parametrize("hz", [300, 1000, 3000])
def test_resample_keeps_the_voice_band(rate, hz):
    assert amplitude_at_8khz(rate, hz) == pytest.approx(0.5, abs=0.005)


@pytest.mark.parametrize("rate", [22_050, 24_000, 44_100])
@pytest.mark.parametrize("hz", [4500, 6000, 9000])
def test_resample_removes_what_8khz_cannot_carry(rate, hz):
    """Above 4 kHz would fold back into the voice band as hiss; the low-pass takes it out."""
    assert amplitude_at_8khz(rate, hz) < 0.001


def test_resample_length_and_rate():
    out = pcm.resample(pcm.Pcm(np.zeros(22_050 * 3), 22_050))
    assert (out.rate, len(out.samples)) == (8000, 24_000)


def test_decode_mp3_and_make_telephony_wav():
    decoded = pcm.decode(TONE_MP3.read_bytes())
    assert decoded.rate == 24_000
    rate, channels, width, seconds = wav_format(pcm.telephony_wav(decoded))
    assert (rate, channels, width) == (8000, 1, 2)
    assert seconds == pytest.approx(1.056, abs=0.01)


def test_decode_stereo_wav_mixes_to_mono():
    decoded = pcm.decode(tone_wav(rate=44_100, channels=2, seconds=0.5))
    assert decoded.rate == 44_100
    assert decoded.seconds == pytest.approx(0.5)
    assert np.abs(decoded.samples).max() == pytest.approx(0.3, abs=0.01)


@pytest.mark.parametrize("data", [b"", b"RIFF not really a wave file", b"\x00" * 2000, b"ID3 nothing after"])
def test_decode_refuses_what_is_not_audio(data):
    with pytest.raises(pcm.AudioError):
        pcm.decode(data)


def test_to_wav_clips_instead_of_wrapping_around():
    wav = pcm.to_wav(pcm.Pcm(np.array([2.0, -2.0, 0.5]), 8000))
    samples = np.frombuffer(wav[44:], dtype="<i2")
    assert samples.tolist() == [32767, -32768, 16384]
