"""Fixtures for the audio tests: a fake of Google's translate TTS endpoint on 127.0.0.1, real
engines wrapped to count their calls, and small recordings made on the spot."""

import base64
import io
import json
import threading
import wave
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import numpy as np
import pytest

from audio.engines import EspeakEngine

FIXTURES = Path(__file__).parent / "fixtures"
TONE_MP3 = FIXTURES / "tone-440hz-24khz.mp3"  # 1.056 s of 440 Hz; see fixtures/make_tone_mp3.py
KYRGYZ_SENTENCE = "Балдар жөнүндө маалымат үчүн бирди басыңыз."


def google_answer(mp3: bytes) -> bytes:
    """A batchexecute answer as Google's translate endpoint sends it: the MP3 in base64, in JSON."""
    inner = json.dumps([base64.b64encode(mp3).decode("ascii")], separators=(",", ":"))
    payload = json.dumps([["wrb.fr", "jQ1olc", inner, None, None, None, "generic"]], separators=(",", ":"))
    return f")]}}'\n\n{len(payload)}\n{payload}\n".encode()


@dataclass
class FakeGoogle:
    """The fake's script and what it saw: ``statuses`` are answered in order, then 200s."""

    base_url: str = ""
    statuses: list[int] = field(default_factory=list)
    retry_after: str | None = None
    requests: list[tuple[str, list]] = field(default_factory=list)  # (path, [text, lang, …])
    mp3: bytes = b""


PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch) -> None:
    """gTTS hands ``urllib.request.getproxies()`` straight to requests, which then ignores
    ``no_proxy``: with a proxy set, even 127.0.0.1 would go through it."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fake_google() -> Iterator[FakeGoogle]:
    """Google's translate TTS endpoint, faked on 127.0.0.1: the network boundary of GttsEngine."""
    fake = FakeGoogle(mp3=TONE_MP3.read_bytes())

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            rpc = json.loads(parse_qs(body)["f.req"][0])
            fake.requests.append((self.path, json.loads(rpc[0][0][1])))
            status = fake.statuses.pop(0) if fake.statuses else 200
            answer = google_answer(fake.mp3) if status == 200 else b"Too Many Requests"
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            if status != 200 and fake.retry_after:
                self.send_header("Retry-After", fake.retry_after)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args) -> None:  # keep test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port_url() -> str:
    """An address on 127.0.0.1 where nothing listens: a machine with no network, for gTTS."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = server.server_address[1]
    server.server_close()
    return f"http://127.0.0.1:{port}"


class Counting:
    """A real engine whose calls are counted: how often the cache made it speak."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.name, self.lang, self.identity = engine.name, engine.lang, engine.identity
        self.calls: list[str] = []

    def render(self, text: str) -> bytes:
        self.calls.append(text)
        return self.engine.render(text)


@pytest.fixture
def espeak_ky() -> Counting:
    """espeak-ng's Kyrgyz voice from the espeakng-loader wheel (no system package), counted."""
    return Counting(EspeakEngine("ky", backend="library"))


def tone_wav(rate: int = 44_100, channels: int = 2, seconds: float = 0.5, hz: float = 440.0) -> bytes:
    """A WAV file of a sine tone, as a person's recording might come from a phone or a studio."""
    t = np.arange(int(rate * seconds)) / rate
    samples = np.round(0.3 * 32767 * np.sin(2 * np.pi * hz * t)).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(np.repeat(samples, channels).tobytes())
    return buffer.getvalue()


def wav_format(data: bytes) -> tuple[int, int, int, float]:
    """(rate, channels, sample width, seconds) of a WAV file, read with the standard library."""
    with wave.open(io.BytesIO(data), "rb") as wav:
        return wav.getframerate(), wav.getnchannels(), wav.getsampwidth(), wav.getnframes() / wav.getframerate()
