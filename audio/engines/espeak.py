"""espeak-ng: the one offline engine with a Kyrgyz voice (``ky``), and a Russian one.

Two ways to run the same synthesiser: the ``espeak-ng`` program when the system has it (Debian's
package), otherwise the ``libespeak-ng.so`` that the ``espeakng-loader`` wheel ships, through
ctypes — so a machine with nothing but ``pip install`` still speaks Kyrgyz.
"""

import ctypes
import shutil
import subprocess
import threading

from audio import pcm
from audio.engines.base import EngineError, EngineUnavailable

# speak_lib.h
AUDIO_OUTPUT_SYNCHRONOUS = 2  # espeak_Synth returns when the whole text went through the callback
INITIALIZE_DONT_EXIT = 0x8000  # report errors instead of calling exit() inside our process
POS_CHARACTER = 1
CHARS_UTF8 = 1
PARAMETER_RATE = 1
EE_OK = 0
PROGRAM_TIMEOUT = 120  # seconds: a prompt takes well under one; a hung process must not hang a build

SynthCallback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)


class _Library:
    """One loaded, initialised libespeak-ng.

    The C library keeps one global synthesiser per process (voice, rate, callback), so there is one
    of these per library path and every synthesis holds its lock; a Celery prefork worker gets its
    own copy in each child process.
    """

    _loaded: dict[str, "_Library"] = {}
    _loading = threading.Lock()

    def __init__(self, path: str, data_path: str | None) -> None:
        self.lock = threading.Lock()
        self.lib = ctypes.CDLL(path)
        self.lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        self.lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        self.lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        self.lib.espeak_Synth.argtypes = [
            ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
            ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
        ]  # fmt: skip
        data = data_path.encode() if data_path else None
        self.rate = self.lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, data, INITIALIZE_DONT_EXIT)
        if self.rate <= 0:
            raise OSError(f"espeak_Initialize failed with data at {data_path}")
        self.chunks: list[bytes] = []
        self.callback = SynthCallback(self._collect)  # kept referenced: C holds only the pointer
        self.lib.espeak_SetSynthCallback(self.callback)

    def _collect(self, wav: "ctypes._Pointer[ctypes.c_short]", count: int, events: int | None) -> int:
        if wav and count > 0:
            self.chunks.append(ctypes.string_at(wav, count * 2))
        return 0  # 0: go on synthesising

    @classmethod
    def load(cls, path: str, data_path: str | None) -> "_Library":
        with cls._loading:
            if path not in cls._loaded:
                cls._loaded[path] = cls(path, data_path)
            return cls._loaded[path]

    def synthesise(self, text: str, voice: str, words_per_minute: int) -> pcm.Pcm:
        with self.lock:
            if self.lib.espeak_SetVoiceByName(voice.encode()) != EE_OK:
                raise EngineUnavailable(f"espeak-ng has no voice {voice!r} in its data")
            self.lib.espeak_SetParameter(PARAMETER_RATE, words_per_minute, 0)
            self.chunks = []
            encoded = text.encode() + b"\0"
            status = self.lib.espeak_Synth(encoded, len(encoded), 0, POS_CHARACTER, 0, CHARS_UTF8, None, None)
            samples, self.chunks = b"".join(self.chunks), []
        if status != EE_OK:
            raise EngineError(f"espeak_Synth failed with status {status} on {text[:40]!r}")
        return pcm.from_int16(samples, self.rate)


def _wheel_paths() -> tuple[str, str]:
    try:
        import espeakng_loader
    except ImportError:
        raise OSError("the espeakng-loader wheel is not installed") from None
    return espeakng_loader.get_library_path(), espeakng_loader.get_data_path()


class EspeakEngine:
    """espeak-ng speaking ``voice`` (``"ky"``, ``"ru"``) at ``words_per_minute``.

    ``backend`` is ``"program"`` (the ``espeak-ng`` binary), ``"library"`` (libespeak-ng through
    ctypes: ``library_path`` or the espeakng-loader wheel's) or ``"auto"``: the program when it is
    on PATH, else the library.
    """

    name = "espeak"

    def __init__(
        self,
        voice: str = "ky",
        *,
        words_per_minute: int = 150,  # espeak's 175 is quick for a phone line and a second language
        backend: str = "auto",
        program: str = "espeak-ng",
        library_path: str | None = None,
        data_path: str | None = None,
    ) -> None:
        if backend not in ("auto", "program", "library"):
            raise ValueError(f"unknown espeak backend {backend!r}")
        self.voice = self.lang = voice
        self.words_per_minute = words_per_minute
        self.backend = backend
        self.program = program
        self.library_path = library_path
        self.data_path = data_path

    @property
    def identity(self) -> str:
        # The backend is left out on purpose: program and library are the same synthesiser.
        return f"espeak-ng:{self.voice}:{self.words_per_minute}wpm"

    def render(self, text: str) -> bytes:
        """``text`` spoken by espeak-ng, as an 8 kHz mono 16-bit WAV."""
        if not text.strip():
            raise EngineError("nothing to say: the text is empty")
        use_program = self.backend == "program" or (self.backend == "auto" and shutil.which(self.program))
        speech = self._run_program(text) if use_program else self._run_library(text)
        return pcm.telephony_wav(speech)

    def _missing(self, what: str) -> EngineUnavailable:
        return EngineUnavailable(f"espeak cannot speak {self.lang!r}: {what}")

    def _run_program(self, text: str) -> pcm.Pcm:
        if not shutil.which(self.program):
            raise self._missing(f"the program {self.program!r} is not on PATH (apt-get install espeak-ng)")
        command = [self.program, "-v", self.voice, "-s", str(self.words_per_minute), "-b", "1", "--stdout"]
        # The text goes in on stdin, so nothing in it can be taken for an option.
        try:
            done = subprocess.run(command, input=text.encode(), capture_output=True, timeout=PROGRAM_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise EngineError(f"{self.program} took over {PROGRAM_TIMEOUT} s on {text[:40]!r}") from None
        if done.returncode != 0:
            error = done.stderr.decode(errors="replace").strip()
            if "voice" in error.lower():
                raise self._missing(f"{self.program} has no voice {self.voice!r} ({error})")
            raise EngineError(f"{self.program} failed ({done.returncode}): {error}")
        try:
            return pcm.decode(done.stdout)
        except pcm.AudioError as exc:
            raise EngineError(f"{self.program} gave no usable audio: {exc}") from None

    def _run_library(self, text: str) -> pcm.Pcm:
        try:
            path, data_path = (self.library_path, self.data_path) if self.library_path else _wheel_paths()
            library = _Library.load(path, data_path)
        except OSError as exc:
            raise self._missing(
                f"libespeak-ng cannot be loaded ({exc}); install the espeakng-loader wheel or espeak-ng"
            ) from None
        try:
            return library.synthesise(text, self.voice, self.words_per_minute)
        except EngineUnavailable as exc:
            raise self._missing(str(exc)) from None
