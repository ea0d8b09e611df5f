"""The audio cache: rendered prompts in one directory, named by a hash of what made them.

A file is ``<lang>-<hash>.wav``, the hash taken over (engine identity, text, FORMAT_VERSION), so the
same words by the same voice are rendered once, and changed words get a new name (a new URL, safe
behind long-lived cache headers). ``manifest.json`` beside the files says which file speaks which
key ("main.menu", "office:legal-aid-osh-city") in each language, for which text.

Web requests only call :meth:`AudioCache.lookup` (a dict lookup; the manifest is re-read only when
the file changed). Rendering happens in :meth:`AudioCache.build`, from the CLI or a Celery task.
"""

import hashlib
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from audio import pcm
from audio.engines import EngineError, EngineUnavailable, Voice
from audio.manifest import Entries, Manifest, write_atomically
from audio.pcm import FORMAT_VERSION

FILE_NAME = re.compile(r"^[a-z]{2,3}-[0-9a-f]{24}\.wav$")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SpeechItem:
    """Something the hotline says: a prompt ("main.menu") or a directory row ("office:…")."""

    lang: str
    key: str
    text: str


@dataclass(frozen=True)
class Failure:
    """An item that no engine of its voice could speak, and why."""

    lang: str
    key: str
    reason: str  # every engine's error, "; "-joined


@dataclass
class BuildSummary:
    """What :meth:`AudioCache.build` did."""

    rendered: int = 0  # files synthesised or converted this run
    cached: int = 0  # items whose file was already there
    failed: list[Failure] = field(default_factory=list)
    bytes: int = 0  # size of the files the built items point at
    seconds: float = 0.0  # their total duration


Progress = Callable[[int, int, SpeechItem, str], None]  # (done, total, item, "rendered"|"cached"|"failed")


def spoken_text(text: str) -> str:
    """The text as spoken: whitespace collapsed, so re-wrapping a YAML line changes nothing."""
    return " ".join(text.split())


def text_hash(text: str) -> str:
    """A short hash of the spoken text: the manifest's way to tell that a prompt's words changed."""
    return hashlib.sha256(spoken_text(text).encode()).hexdigest()[:16]


def file_name(lang: str, identity: str, text: str) -> str:
    """``ky-3f2a9c….wav``: the name of the file that ``identity`` makes of ``text``."""
    digest = hashlib.sha256("\x1f".join([identity, text, str(FORMAT_VERSION)]).encode()).hexdigest()
    return f"{lang}-{digest[:24]}.wav"


class AudioCache:
    """The rendered files and their manifest in ``directory``; safe to share between processes."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)
        self.manifest = Manifest(self.directory)

    @property
    def manifest_path(self) -> Path:
        """``manifest.json`` in the cache directory."""
        return self.manifest.path

    def generation(self) -> tuple | None:
        """Changes whenever the manifest does: callers keying their own caches on the audio use it."""
        self.manifest.entries()
        return self.manifest.signature

    def lookup(self, lang: str, key: str, text: str) -> str | None:
        """The file name that speaks ``text`` for ``key``, or None (not built, or the text changed).

        No rendering and no network: a web request may call it.
        """
        entry = self.manifest.entries().get(lang, {}).get(key)
        if entry is None or entry.get("text_hash") != text_hash(text):
            return None
        return entry["file"]

    def source_of(self, lang: str, key: str) -> str:
        """``"recorded"``, ``"synthesised"`` or ``"missing"``: where the built audio of ``key`` came from."""
        entry = self.manifest.entries().get(lang, {}).get(key)
        if entry is None:
            return "missing"
        return "recorded" if entry["engine"] == "recorded" else "synthesised"

    def path(self, name: str) -> Path | None:
        """The file behind ``GET /audio/<name>``, or None for a name that is not a cache file."""
        if not FILE_NAME.match(name):
            return None  # also keeps "../" and the manifest itself from being served
        path = self.directory / name
        return path if path.is_file() else None

    def check(self, items: Iterable[SpeechItem]) -> list[SpeechItem]:
        """The items that have no current audio: never built, text changed, or file gone."""
        return [
            item
            for item in items
            if (name := self.lookup(item.lang, item.key, item.text)) is None or self.path(name) is None
        ]

    def build(
        self, items: Iterable[SpeechItem], voices: Mapping[str, Voice], progress: Progress | None = None
    ) -> BuildSummary:
        """Render what is missing or changed, reuse every file already there, update the manifest.

        An engine that turns out to be unavailable (no network, no library) is skipped for the rest
        of the run, and each item falls back to the next engine of its voice. Items no engine could
        speak are listed in ``failed``; the others are written to the manifest even then.
        """
        items = list(items)
        summary = BuildSummary()
        unavailable: dict[str, str] = {}  # engine identity → why, for this run
        done: Entries = {}
        self.directory.mkdir(parents=True, exist_ok=True)
        try:
            for index, item in enumerate(items, 1):
                outcome = self._build_one(item, voices.get(item.lang), unavailable, done, summary)
                if progress:
                    progress(index, len(items), item, outcome)
        finally:
            if done:
                self.manifest.merge(done)
        return summary

    def _build_one(
        self,
        item: SpeechItem,
        voice: Voice | None,
        unavailable: dict[str, str],
        done: Entries,
        summary: BuildSummary,
    ) -> str:
        reasons: list[str] = []
        if voice is None:
            reasons.append(f"no voice is configured for {item.lang!r}")
        text = spoken_text(item.text)
        for candidate in voice.candidates(item.key, text) if voice else ():
            if candidate.identity in unavailable:
                reasons.append(unavailable[candidate.identity])
                continue
            name = file_name(item.lang, candidate.identity, candidate.text)
            target = self.directory / name
            outcome = "cached"
            if not target.is_file():
                try:
                    write_atomically(target, candidate.render())
                except (EngineError, pcm.AudioError) as exc:
                    reasons.append(f"{candidate.engine}: {exc}")
                    if isinstance(exc, EngineUnavailable):
                        unavailable[candidate.identity] = reasons[-1]
                    # Said out loud: a damaged recording replaced by a machine voice needs a person.
                    log.warning("%s %s: %s failed (%s); trying the next engine", item.lang, item.key,
                                candidate.engine, exc)  # fmt: skip
                    continue
                outcome = "rendered"
            size, seconds = target.stat().st_size, pcm.wav_seconds(target)
            done.setdefault(item.lang, {})[item.key] = {
                "file": name, "engine": candidate.engine, "identity": candidate.identity,
                "text_hash": text_hash(text), "text": text, "bytes": size, "seconds": round(seconds, 3),
            }  # fmt: skip
            summary.rendered += outcome == "rendered"
            summary.cached += outcome == "cached"
            summary.bytes += size
            summary.seconds += seconds
            return outcome
        summary.failed.append(Failure(item.lang, item.key, "; ".join(reasons) or "no engine is configured"))
        return "failed"
