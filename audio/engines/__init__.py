"""Speech engines behind one interface, ``render(text) -> bytes`` of an 8 kHz mono 16-bit WAV.

- :class:`EspeakEngine`: espeak-ng, offline; the only engine with Kyrgyz.
- :class:`GttsEngine`: Google Translate's voice through gTTS, for Russian; network, host configurable.
- :class:`Recordings`: a person's recording of a prompt, which always wins.
- :func:`voices_from_settings`: which of these speak each language, in order.
"""

from audio.engines.base import Engine, EngineError, EngineUnavailable
from audio.engines.espeak import EspeakEngine
from audio.engines.gtts_engine import GttsEngine
from audio.engines.recorded import RECORDED_DIR, Recordings
from audio.engines.voices import DEFAULT_SETTINGS, Candidate, Voice, voices_from_settings

__all__ = [
    "DEFAULT_SETTINGS", "RECORDED_DIR", "Candidate", "Engine", "EngineError", "EngineUnavailable",
    "EspeakEngine", "GttsEngine", "Recordings", "Voice", "voices_from_settings",
]  # fmt: skip
