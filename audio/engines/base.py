"""What every speech engine is: ``render(text) -> bytes`` of an 8 kHz mono 16-bit WAV file."""

from typing import Protocol


class EngineError(RuntimeError):
    """An engine failed on one text (a bad answer, a decoding error); others may still work."""


class EngineUnavailable(EngineError):
    """An engine cannot speak at all here: its library, voice or network is missing.

    The message names the engine, the language and what is missing, so whoever runs
    ``flask audio build`` knows what to install or configure.
    """


class Engine(Protocol):
    """A speech synthesiser for one language."""

    name: str  # "espeak", "gtts": stored in the cache manifest
    lang: str  # the hotline's language code: "ky", "ru"

    @property
    def identity(self) -> str:
        """Everything that changes the sound (engine, voice, speed): part of the cache file's hash."""
        ...

    def render(self, text: str) -> bytes:
        """``text`` spoken, as a WAV file: 8 kHz, mono, 16-bit PCM.

        Raises :class:`EngineUnavailable` when the engine cannot run here, :class:`EngineError`
        when it failed on this text.
        """
        ...
