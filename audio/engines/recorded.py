"""Human recordings: ``audio/recorded/<lang>/<key>.wav`` (or ``.mp3``) always win over synthesis.

A recording is converted like any engine's output (8 kHz mono 16-bit WAV), and its cache file is
named by a hash of its bytes, so a re-recorded prompt gets a new URL past any long-lived cache.
"""

import hashlib
import re
from pathlib import Path

from audio import pcm

RECORDED_DIR = Path(__file__).resolve().parent.parent / "recorded"
EXTENSIONS = (".wav", ".mp3")  # looked for in this order
SAFE_KEY = re.compile(r"^[\w][\w.:-]*$")  # main.menu, office:legal-aid-osh-city; never a path


class Recordings:
    """The recorded prompts under ``root`` (``root/<lang>/<key>.wav``)."""

    def __init__(self, root: Path | str = RECORDED_DIR) -> None:
        self.root = Path(root)

    def find(self, lang: str, key: str) -> Path | None:
        """The recording of ``key`` in ``lang``, or None when nobody has recorded it."""
        if not SAFE_KEY.match(key) or not SAFE_KEY.match(lang):
            return None
        for extension in EXTENSIONS:
            path = self.root / lang / f"{key}{extension}"
            if path.is_file():
                return path
        return None

    @staticmethod
    def digest(path: Path) -> str:
        """A hash of the recording's bytes: a new take means a new cache file."""
        return hashlib.sha256(path.read_bytes()).hexdigest()

    @staticmethod
    def render(path: Path) -> bytes:
        """The recording as an 8 kHz mono 16-bit WAV. Raises :class:`audio.pcm.AudioError`."""
        return pcm.telephony_wav(pcm.decode(path.read_bytes()))
