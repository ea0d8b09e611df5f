"""The cache's manifest: which file speaks which key in each language, for which text.

One JSON file, ``manifest.json``, always replaced whole (write, then rename), so a reader sees the
old manifest or the new one, never half of one. Builds in several processes (the CLI, render
tasks in every worker) merge their entries under a file lock instead of overwriting each other.
"""

import fcntl
import json
import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from audio.pcm import FORMAT_VERSION

MANIFEST = "manifest.json"
LOCK = ".manifest.lock"

Entries = dict[str, dict[str, dict]]  # lang → key → {file, engine, identity, text_hash, text, bytes, seconds}

log = logging.getLogger(__name__)


def write_atomically(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a temporary file and a rename."""
    with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".tmp-", delete=False) as tmp:
        tmp.write(data)
    os.chmod(tmp.name, 0o644)  # temporary files are 0600; the web server may be another user
    os.replace(tmp.name, target)


class Manifest:
    """``manifest.json`` in ``directory``, with its entries kept in memory until the file changes."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / MANIFEST
        self._entries: Entries = {}
        self._signature: tuple[int, int, int] | None = None

    @property
    def signature(self) -> tuple[int, int, int] | None:
        """The manifest file's (mtime, size, inode) when last read; None when there is none."""
        return self._signature

    def entries(self) -> Entries:
        """The entries, re-read only when the file changed (one ``stat`` otherwise)."""
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            self._entries, self._signature = {}, None
            return self._entries
        # The inode is part of it: every write replaces the file, even within one mtime tick.
        signature = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        if signature != self._signature:
            self._entries, self._signature = self.read(), signature
        return self._entries

    def read(self) -> Entries:
        """The entries on disk now; empty, and logged, when the file is missing or unreadable."""
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))["languages"]
        except FileNotFoundError:
            return {}
        except (ValueError, KeyError, TypeError) as exc:
            # A broken manifest must not take calls down: every prompt falls back to <Say>.
            log.error("audio manifest %s is unreadable (%s); run the audio build", self.path, exc)
            return {}

    @contextmanager
    def _locked(self) -> Iterator[None]:
        with open(self.path.with_name(LOCK), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def merge(self, done: Entries) -> None:
        """Add ``done`` to the manifest on disk, re-read under the lock, and replace it."""
        with self._locked():
            languages = self.read()
            for lang, entries in done.items():
                languages.setdefault(lang, {}).update(entries)
            data = {"format_version": FORMAT_VERSION, "languages": languages}
            text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
            write_atomically(self.path, text.encode("utf-8"))
