"""A phone call without a phone: follows our TwiML as Twilio would, through the real webhooks.

Each request is signed like Twilio's; ``<Gather>`` takes the next input (a key, or silence), a
silence follows the ``<Redirect>`` after it, ``<Dial>`` and ``<Record>`` report back to their
action URL as Twilio does, and :meth:`CallSimulator.hang_up` posts the status callback Twilio
posts when a call ends. Used by ``flask simulate call`` and by the golden transcript tests.
"""

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from twilio.request_validator import RequestValidator

SILENCE = "-"  # an input that presses nothing
MAX_TURNS = 60
WORDS_PER_SECOND = 2.5  # speech at 150 words a minute: how long a simulated call would have lasted
# Where a prompt has no audio (a <Say>, or a file the manifest does not time), its length is estimated
# from its characters. Measured over the whole rendered build (prompts, checks, offices) at 150 words
# a minute: espeak-ng's Kyrgyz voice speaks 10.6 characters a second, its Russian one 13.6. The Kyrgyz
# rate is used for both, so an estimate never flatters (Kyrgyz words are long: words at 150 a minute
# would count a Kyrgyz prompt at half its length).
CHARACTERS_PER_SECOND = 10.6
GATHER_TIMEOUT = 5  # Twilio's default, when a <Gather> names none


@dataclass(frozen=True)
class Spoken:
    """One ``<Say>`` or ``<Play>``: its words, and how long it speaks."""

    text: str
    seconds: float
    measured: bool  # True: the audio manifest's duration; False: estimated from the characters
    audio: str | None = None  # the file a <Play> plays


def estimated_seconds(text: str) -> float:
    """How long ``text`` takes to say where no audio measures it (:data:`CHARACTERS_PER_SECOND`)."""
    return len(" ".join(text.split())) / CHARACTERS_PER_SECOND


@dataclass
class Turn:
    """One TwiML document the caller heard, and what they did next."""

    url: str
    said: list[str] = field(default_factory=list)  # <Say> text; "[audio <name>] <its text>" for <Play>
    played: list[str] = field(default_factory=list)  # the audio files of its <Play> verbs
    verbs: list[str] = field(default_factory=list)  # top-level verbs: Gather, Redirect, Dial, Record, Hangup
    input: str | None = None  # the key pressed after it, SILENCE, or None at the end
    node: str = ""  # the node that is waiting: its <Gather>/<Dial>/<Record> action ("" after a hangup)
    timeout: int = 0  # the seconds its <Gather> waits for a key
    words: int = 0  # the words spoken (of <Say>, and of the files <Play> plays, where known)
    spoken: list[Spoken] = field(default_factory=list)  # each <Say>/<Play>, in order, with its length

    def seconds(self) -> float:
        """About how long this turn takes on a phone: its words spoken, then the key or the wait."""
        waited = self.timeout if self.input == SILENCE else 1 if self.input is not None else 0
        return self.words / WORDS_PER_SECOND + waited


def node_of(url: str | None) -> str:
    """``flow.node`` of a flow step URL."""
    parts = urlsplit(url or "").path.strip("/").split("/")
    return f"{parts[3]}.{parts[4]}" if len(parts) >= 5 and parts[2] == "flow" else ""


class CallSimulator:
    """Drive one call through ``app``'s webhooks."""

    def __init__(self, app, caller: str = "+79261234567", to: str = "+996312000000",
                 sid: str = "CA" + "5" * 32, dial_status: str = "no-answer"):
        self.client = app.test_client()
        self.validator = RequestValidator(app.config["TWILIO_AUTH_TOKEN"])
        self.base = app.config["PUBLIC_BASE_URL"] or "http://localhost"
        self.caller, self.to, self.sid, self.dial_status = caller, to, sid, dial_status
        voice = app.extensions.get("voice")
        self.audio = voice.audio if voice is not None else None

    def post(self, url: str, **extra) -> ET.Element:
        response = self._signed(url, {"CallStatus": "in-progress", **extra})
        if response.status_code != 200 or response.mimetype != "text/xml":
            raise AssertionError(f"{url} answered {response.status_code} {response.mimetype}")
        return ET.fromstring(response.data)

    def run(self, inputs: list[str]) -> list[Turn]:
        """Call, then answer each ``<Gather>`` with the next input; stops at a hangup or when inputs run out."""
        pending, turns = list(inputs), []
        url, extra = "/twilio/voice", {}
        while url and len(turns) < MAX_TURNS:
            doc = self.post(url, **extra)
            turn = Turn(url)
            turns.append(turn)
            url, extra = self._next(doc, turn, pending)
        return turns

    def hang_up(self, turns: list[Turn]) -> int:
        """The call is over (the caller hung up, or was hung up on): Twilio's status callback,
        ``completed``, with the length the call would have had on a phone (an estimate: its words at
        150 a minute, a second a key, each silence its ``<Gather>``'s wait). Returns that length."""
        seconds = max(1, math.ceil(sum(turn.seconds() for turn in turns)))
        response = self._signed("/twilio/voice/status", {"CallStatus": "completed", "CallDuration": str(seconds)})
        if response.status_code != 204:
            raise AssertionError(f"/twilio/voice/status answered {response.status_code}")
        return seconds

    def _signed(self, url: str, extra: dict):
        params = {"CallSid": self.sid, "From": self.caller, "To": self.to, "AccountSid": "AC" + "1" * 32,
                  "Direction": "inbound", **extra}
        signature = self.validator.compute_signature(self.base + url, params)
        return self.client.post(url, data=params, headers={"X-Twilio-Signature": signature})

    def _next(self, doc: ET.Element, turn: Turn, pending: list[str]):
        """Record what the document says, then do what Twilio would do next."""
        files = self._audio_files()
        for verb in doc:
            turn.verbs.append(verb.tag)
            for element in [verb] if verb.tag in ("Say", "Play") else list(verb):
                if element.tag == "Say":
                    text = element.text or ""
                    turn.said.append(text)
                    turn.words += len(text.split())
                    turn.spoken.append(Spoken(text, estimated_seconds(text), False))
                elif element.tag == "Play":
                    name = (element.text or "").rsplit("/", 1)[-1]
                    text, seconds = files.get(name, ("", None))
                    turn.played.append(name)
                    turn.said.append(f"[audio {name}] {text}" if text else f"[audio {name}]")
                    turn.words += len(text.split())
                    measured = seconds is not None
                    turn.spoken.append(Spoken(text, seconds if measured else estimated_seconds(text), measured, name))
            if verb.tag in ("Gather", "Dial", "Record") and not turn.node:
                turn.node = node_of(verb.get("action"))
            if verb.tag == "Gather":
                turn.timeout = int(verb.get("timeout") or GATHER_TIMEOUT)
        for verb in doc:
            if verb.tag == "Gather":
                if not pending:
                    return None, {}
                turn.input = pending.pop(0)
                if turn.input != SILENCE:
                    return verb.get("action"), {"Digits": turn.input}
            elif verb.tag == "Redirect":
                return verb.text, {}
            elif verb.tag == "Dial":
                return verb.get("action"), {"DialCallStatus": self.dial_status}
            elif verb.tag == "Record":
                return verb.get("action"), {"RecordingUrl": "https://api.twilio.com/rec/RE1",
                                            "RecordingDuration": "7", "RecordingSid": "RE" + "7" * 32}
            elif verb.tag in ("Hangup", "Reject"):
                return None, {}
        return None, {}

    def _audio_files(self) -> dict[str, tuple[str, float | None]]:
        """What each file of the audio cache says and how long it lasts (its manifest keeps the text
        it was rendered from and its duration), so a played prompt prints as words, as a caller
        would hear it, and a call's speech can be timed."""
        if self.audio is None:
            return {}
        return {entry["file"]: (entry.get("text") or "", entry.get("seconds"))
                for keys in self.audio.manifest.entries().values() for entry in keys.values()}
