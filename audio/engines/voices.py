"""A voice per language: a recording when there is one, else the first engine that can speak.

The order comes from settings, e.g. ``{"ky": ["recorded", "espeak"], "ru": ["recorded", "gtts",
"espeak"]}``; ``"recorded"`` always goes first wherever it is listed (a person beats a machine).
"""

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from audio.engines.base import Engine
from audio.engines.espeak import EspeakEngine
from audio.engines.gtts_engine import GttsEngine
from audio.engines.recorded import RECORDED_DIR, Recordings

DEFAULT_SETTINGS: dict[str, list[str]] = {
    "ky": ["recorded", "espeak"],  # gTTS has no Kyrgyz
    "ru": ["recorded", "gtts", "espeak"],
}
ENGINES: dict[str, Callable[..., Engine]] = {
    "espeak": lambda lang, **options: EspeakEngine(voice=lang, **options),
    "gtts": lambda lang, **options: GttsEngine(lang=lang, **options),
}


@dataclass(frozen=True)
class Candidate:
    """One way to get ``key`` spoken: what the cache hashes, and how to render it."""

    engine: str  # "recorded", "espeak", "gtts"
    identity: str  # engine, voice and settings; for a recording, the hash of its bytes
    text: str  # the text hashed with the identity ("" for a recording: its bytes say it all)
    render: Callable[[], bytes]


@dataclass(frozen=True)
class Voice:
    """How one language is spoken: its recordings (or None), then engines in order of preference."""

    lang: str
    engines: tuple[Engine, ...] = ()
    recordings: Recordings | None = field(default=None)

    def candidates(self, key: str, text: str) -> Iterator[Candidate]:
        """Ways to speak ``key`` (whose words are ``text``), best first."""
        recording = self.recordings.find(self.lang, key) if self.recordings else None
        if recording is not None:
            yield Candidate("recorded", f"recorded:{Recordings.digest(recording)}", "",
                            lambda: Recordings.render(recording))  # fmt: skip
        for engine in self.engines:
            yield Candidate(engine.name, engine.identity, text, lambda engine=engine: engine.render(text))


def voices_from_settings(
    settings: Mapping[str, Sequence[str]] = DEFAULT_SETTINGS,
    *,
    recorded_dir: Path | str = RECORDED_DIR,
    options: Mapping[str, Mapping[str, object]] | None = None,
) -> dict[str, Voice]:
    """A :class:`Voice` per language from engine names; ``options`` are per-engine keyword
    arguments, e.g. ``{"gtts": {"base_url": "http://127.0.0.1:8080"}, "espeak": {"words_per_minute": 140}}``.

    Raises :class:`ValueError` for an unknown engine name and
    :class:`~audio.engines.base.EngineUnavailable` for an engine that cannot speak the language
    (gtts for ky).
    """
    options = options or {}
    voices = {}
    for lang, names in settings.items():
        unknown = [name for name in names if name != "recorded" and name not in ENGINES]
        if unknown:
            known = ", ".join(["recorded", *ENGINES])
            raise ValueError(f"unknown speech engine {unknown[0]!r} for {lang!r} (known: {known})")
        engines = tuple(ENGINES[name](lang, **options.get(name, {})) for name in names if name != "recorded")
        recordings = Recordings(recorded_dir) if "recorded" in names else None
        voices[lang] = Voice(lang, engines, recordings)
    return voices
