"""Telephony audio: whatever an engine or a recording gives, as an 8 kHz mono 16-bit PCM WAV.

8 kHz is what the phone network carries, so a file at 22 or 44 kHz only costs bytes and transfer
time; Twilio ``<Play>``s the WAV as it is. The resampler is a Kaiser-windowed sinc (band-limited
interpolation) in numpy: a plain decimation would fold everything above 4 kHz back into the voice
band as hiss. ``audioop`` is deprecated and not used.
"""

import io
import math
import wave
from dataclasses import dataclass
from pathlib import Path

import miniaudio
import numpy as np

FORMAT_VERSION = 1  # bump when the output format or the conversion changes: every file is re-rendered
RATE = 8000  # Hz: telephony
SAMPLE_WIDTH = 2  # bytes: 16-bit PCM
ZERO_CROSSINGS = 16  # sinc lobes each side of a sample: ~60 dB stop band at modest cost
KAISER_BETA = 8.6
ROLLOFF = 0.92  # cut-off as a fraction of the lower Nyquist, to leave room for the transition band
BLOCK = 4096  # output samples per step: bounds the interpolation matrix to a few MB


class AudioError(ValueError):
    """Audio bytes that cannot be decoded (not WAV, MP3, FLAC or Ogg Vorbis, or damaged)."""


@dataclass(frozen=True)
class Pcm:
    """Mono samples as float64 in [-1, 1) at ``rate`` Hz."""

    samples: np.ndarray
    rate: int

    @property
    def seconds(self) -> float:
        """The duration."""
        return len(self.samples) / self.rate


def from_int16(data: bytes, rate: int, channels: int = 1) -> Pcm:
    """Raw little-endian 16-bit PCM (interleaved when ``channels`` > 1) as mono :class:`Pcm`."""
    samples = np.frombuffer(data, dtype="<i2").astype(np.float64) / 32768.0
    if channels > 1:
        samples = samples[: len(samples) - len(samples) % channels].reshape(-1, channels).mean(axis=1)
    return Pcm(samples, rate)


def decode(data: bytes) -> Pcm:
    """Decode a WAV, MP3, FLAC or Ogg Vorbis file (told apart by its first bytes) to mono PCM."""
    if data[:4] == b"RIFF":
        read = miniaudio.wav_read_s16
    elif data[:4] == b"fLaC":
        read = miniaudio.flac_read_s16
    elif data[:4] == b"OggS":
        read = miniaudio.vorbis_read
    else:
        read = miniaudio.mp3_read_s16  # MP3 has no fixed magic: an ID3 tag or a frame sync
    try:
        sound = read(data)
    except miniaudio.DecodeError as exc:
        raise AudioError(f"cannot decode {len(data)} bytes of audio: {exc}") from None
    if sound.num_frames == 0:
        raise AudioError(f"{len(data)} bytes of audio hold no samples")
    return from_int16(sound.samples.tobytes(), sound.sample_rate, sound.nchannels)


def _kernel(distance: np.ndarray, cutoff: float, half_width: float) -> np.ndarray:
    """Windowed-sinc weights at ``distance`` input samples; ``cutoff`` in cycles per input sample."""
    window = np.zeros_like(distance)
    inside = np.abs(distance) < half_width
    window[inside] = np.i0(KAISER_BETA * np.sqrt(1.0 - (distance[inside] / half_width) ** 2))
    return 2 * cutoff * np.sinc(2 * cutoff * distance) * window / np.i0(KAISER_BETA)


def resample(pcm: Pcm, rate: int = RATE) -> Pcm:
    """``pcm`` at ``rate`` Hz, band-limited to below the lower of the two Nyquist frequencies."""
    if pcm.rate == rate or len(pcm.samples) == 0:
        return Pcm(pcm.samples, rate)
    common = math.gcd(pcm.rate, rate)
    up, down = rate // common, pcm.rate // common  # 22,050 → 8,000 Hz is up 160, down 441
    cutoff = 0.5 * min(1.0, up / down) * ROLLOFF
    half_width = ZERO_CROSSINGS / (2 * cutoff)
    taps = np.arange(-int(half_width), int(half_width) + 2)
    # Output sample n sits at input position n·down/up: its fraction takes only ``up`` values, so
    # the weights are computed once per fraction (the polyphase table), not once per sample.
    table = _kernel(np.arange(up)[:, None] / up - taps[None, :], cutoff, half_width)
    padded = np.concatenate([np.zeros(len(taps)), pcm.samples, np.zeros(len(taps))])
    count = len(pcm.samples) * up // down
    out = np.empty(count)
    for start in range(0, count, BLOCK):
        n = np.arange(start, min(start + BLOCK, count))
        index = (n * down // up)[:, None] + taps[None, :] + len(taps)
        out[start : start + len(n)] = (padded[index] * table[n * down % up]).sum(axis=1)
    return Pcm(out, rate)


def to_wav(pcm: Pcm) -> bytes:
    """A WAV file of ``pcm`` (already at its final rate): mono, 16-bit, clipped to full scale."""
    samples = np.clip(np.round(pcm.samples * 32768.0), -32768, 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(SAMPLE_WIDTH)
        wav.setframerate(pcm.rate)
        wav.writeframes(samples.tobytes())
    return buffer.getvalue()


def telephony_wav(pcm: Pcm) -> bytes:
    """``pcm`` resampled to 8 kHz as a WAV file: the one format every engine hands back."""
    return to_wav(resample(pcm, RATE))


def wav_seconds(wav_file: bytes | Path) -> float:
    """The duration of a WAV file (its bytes, or its path), from its header."""
    source = io.BytesIO(wav_file) if isinstance(wav_file, bytes) else str(wav_file)
    with wave.open(source, "rb") as wav:
        return wav.getnframes() / wav.getframerate()
