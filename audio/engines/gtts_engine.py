"""Google Translate's speech (through gTTS) for Russian: better than espeak's, but over the network.

gTTS builds its address from a top-level domain (``https://translate.google.<tld>/_/Translate…``),
so it cannot be pointed at a proxy, a mirror or a test server. :class:`_HostedGTTS` keeps gTTS's
own request building (tokenising at 100 characters, the RPC body) and only swaps the scheme and
host for ``base_url``. Google rate-limits this unofficial endpoint (429), so each text is retried
with exponential backoff; the cache makes sure each text is asked for once.
"""

import time
from urllib.parse import urlsplit

import requests
from gtts import gTTS, gTTSError
from gtts.lang import tts_langs

from audio import pcm
from audio.engines.base import EngineError, EngineUnavailable

GOOGLE = "https://translate.google.com"
MAX_RETRY_AFTER = 60.0  # seconds: a longer Retry-After is not worth holding a worker for


class _HostedGTTS(gTTS):
    """gTTS whose requests go to ``base_url`` instead of ``https://translate.google.<tld>``."""

    def __init__(self, text: str, *, base_url: str, **kwargs) -> None:
        super().__init__(text, **kwargs)
        self.base_url = base_url.rstrip("/")

    def _prepare_requests(self) -> list[requests.PreparedRequest]:
        # gTTS 2.5 builds every request here; the path and body stay Google's, the host is ours.
        prepared = super()._prepare_requests()
        for request in prepared:
            request.prepare_url(self.base_url + urlsplit(request.url).path, None)
        return prepared


def _retryable(status: int | None) -> bool:
    """429 (rate limit), 5xx, or no answer at all (status None) may pass on a later try."""
    return status is None or status == 429 or status >= 500


def _unreachable(exc: gTTSError) -> bool:
    """No connection at all (no route, no name, refused): a machine without the network. Waiting
    will not bring it back within a build, so the next engine speaks at once (a build on a machine
    without internet would otherwise sleep 15 s per text before espeak)."""
    return exc.rsp is None and isinstance(exc.__context__, requests.ConnectionError)


class GttsEngine:
    """gTTS speaking ``lang`` from ``base_url`` (Google's by default), MP3 turned into 8 kHz WAV.

    ``retries`` more tries follow a 429, a 5xx or a timeout, waiting ``backoff`` × 2ⁿ seconds (or
    the server's Retry-After, when longer) before try n + 1. A host that cannot be reached at all is
    not retried.
    """

    name = "gtts"

    def __init__(
        self,
        lang: str = "ru",
        *,
        base_url: str = GOOGLE,
        retries: int = 4,
        backoff: float = 1.0,
        timeout: float = 15.0,
    ) -> None:
        if lang not in tts_langs():
            # Kyrgyz (ky) is the case that matters: Google Translate has no voice for it.
            raise EngineUnavailable(f"gtts cannot speak {lang!r}: Google Translate has no voice for it")
        if retries < 0:
            raise ValueError("retries cannot be negative")
        self.lang = lang
        self.base_url = base_url
        self.retries = retries
        self.backoff = backoff
        self.timeout = timeout

    @property
    def identity(self) -> str:
        # The host is left out: any mirror of Google's endpoint gives Google's voice.
        return f"gtts:{self.lang}:normal"

    def render(self, text: str) -> bytes:
        """``text`` spoken by Google's ``lang`` voice, as an 8 kHz mono 16-bit WAV."""
        if not text.strip():
            raise EngineError("nothing to say: the text is empty")
        mp3 = self._fetch(text)
        try:
            return pcm.telephony_wav(pcm.decode(mp3))
        except pcm.AudioError as exc:
            raise EngineError(f"gtts answered from {self.base_url} with audio that cannot be decoded: {exc}") from None

    def _fetch(self, text: str) -> bytes:
        tts = _HostedGTTS(text, base_url=self.base_url, lang=self.lang, timeout=self.timeout)
        for attempt in range(self.retries + 1):
            try:
                return b"".join(tts.stream())
            except gTTSError as exc:
                response, error = exc.rsp, str(exc)
                status = None if response is None else response.status_code
                if not _retryable(status):
                    raise EngineError(f"gtts ({self.lang}) failed at {self.base_url}: {exc}") from None
                if attempt == self.retries or _unreachable(exc):
                    break
                time.sleep(self._delay(attempt, response))
        # Out of tries: the engine is unusable for now, so a build falls back to the next engine
        # instead of hammering a host that is rate-limiting or unreachable.
        if status is None:
            raise EngineUnavailable(
                f"gtts cannot speak {self.lang!r}: no network, {self.base_url} did not answer "
                f"in {attempt + 1} {'try' if attempt == 0 else 'tries'} ({error})"
            )
        raise EngineUnavailable(
            f"gtts cannot speak {self.lang!r} now: {self.base_url} still answers {status} "
            f"after {self.retries + 1} tries"
        )

    def _delay(self, attempt: int, response: requests.Response | None) -> float:
        delay = self.backoff * 2**attempt
        retry_after = None if response is None else response.headers.get("Retry-After", "")
        if retry_after and retry_after.isdigit():
            delay = max(delay, min(float(retry_after), MAX_RETRY_AFTER))
        return delay
