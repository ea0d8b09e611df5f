"""Utterances into TwiML: ``<Play>`` what the audio cache has, and never Kyrgyz text to a Russian voice.

Twilio has no Kyrgyz voice, so ``<Say>`` is only a stopgap. What has no audio yet:

- a Kyrgyz sentence made from the caller's answers ("dyn:" keys: a verdict, a read-back) is played
  as the pieces the audio build rendered ahead (:mod:`hotline.voice.pieces`);
- anything else Kyrgyz (an office the seed changed, a prompt edited since the build) is replaced by
  a short Kyrgyz prompt that has audio ("we are sending this by SMS", ``audio.missing``), and its
  words go to the caller by SMS (or, past a cap or to a number the hotline does not text, the prompt
  that says so); the worker is asked to render it for the next call;
- Russian words, and Kyrgyz ones on a machine where nothing is rendered at all (no ``audio.missing``
  audio: the tests, a checkout before ``flask audio build``), are said with ``<Say>`` as before.

The SMS goes once per step: a retried request (its step recorded already) sends nothing again.
"""

from flask import current_app, g

from hotline.celery_app import enqueue_after_commit
from hotline.extensions import db
from hotline.messaging.outbound import try_queue_sms
from hotline.voice.speech import Utterance

SAY_LANGUAGE = {"ky": "ru-RU", "ru": "ru-RU"}  # Twilio has no Kyrgyz voice: <Say> is the stopgap
MISSING = "audio.missing"
RENDER_TASK = "tasks.audio.render"
STEP_IS_NEW = "voice_step_is_new"  # flask.g: False when this request is a retry of a recorded step


class Playback:
    """Speaks utterances into a TwiML verb for one engine (its audio cache, catalogue and pieces)."""

    def __init__(self, audio, catalogue, pieces=None):
        self.audio, self.catalogue, self.pieces = audio, catalogue, pieces
        # audio this process already asked the worker to render (a bound on broker traffic only:
        # a render is idempotent, and asking again from another process costs one task)
        self._render_requested: set[tuple[str, str]] = set()

    def speak(self, verb, utterances: list[Utterance], lang: str, caller=None) -> list[Utterance]:
        """Add ``utterances`` to ``verb``; returns those no audio could say (sent by SMS, see above)."""
        base = current_app.config["PUBLIC_BASE_URL"]
        files = [self._files(lang, utterance) for utterance in utterances]
        missing = [utterance for utterance, names in zip(utterances, files) if not names]
        for utterance in missing:
            self._ask_render(lang, utterance)
        instead = self._instead(missing, lang, caller) if missing else None
        said_instead = False
        for utterance, names in zip(utterances, files):
            if names:
                for name in names:
                    verb.play(f"{base}/audio/{name}")
            elif instead is None:
                verb.say(utterance.text, language=SAY_LANGUAGE[lang])
            elif not said_instead:  # said once, where the first missing words were
                verb.play(f"{base}/audio/{instead}")
                said_instead = True
        return missing

    def _instead(self, missing: list[Utterance], lang: str, caller) -> str | None:
        """The audio said instead of Kyrgyz words that have none: "we are sending this by SMS" once the
        SMS is queued (or was, by the first try of a retried step), else the prompt that says why not
        (a cap, a number the hotline does not text); None where no such audio exists (then ``<Say>``)."""
        if lang != "ky" or caller is None or not caller.number or self.audio is None:
            return None
        sending = self.audio.lookup(lang, MISSING, self.catalogue.text(lang, MISSING))
        if sending is None:  # nothing built at all: <Say>, and no SMS
            return None
        if not g.get(STEP_IS_NEW, True):  # a retry: its first try sent the SMS
            return sending
        prompt = self._send(missing, caller)
        if prompt == "sms.sent":
            return sending
        return self.audio.lookup(lang, prompt, self.catalogue.text(lang, prompt)) or sending

    def _files(self, lang: str, utterance: Utterance) -> list[str]:
        """The audio files that say ``utterance``: its own, or (Kyrgyz words made from answers) its pieces."""
        if self.audio is None:
            return []
        name = self.audio.lookup(lang, utterance.key, utterance.text)
        if name:
            return [name]
        if lang == "ky" and utterance.key.startswith("dyn:") and self.pieces is not None:
            pieces = self.pieces.split(utterance.text) or []
            names = [self.audio.lookup(lang, piece.key, piece.text) for piece in pieces]
            if names and all(names):
                return names
        return []

    def _ask_render(self, lang: str, utterance: Utterance) -> None:
        """Queue a render for next time (never for "dyn:" words: they are the caller's own)."""
        key = (lang, utterance.key)
        if utterance.key.startswith("dyn:") or self.audio is None:
            return
        if key not in self._render_requested and len(self._render_requested) < 10000:
            self._render_requested.add(key)
            enqueue_after_commit(db.session, RENDER_TASK, lang, utterance.key, utterance.text)

    def _send(self, missing: list[Utterance], caller) -> str:
        """The words the caller did not hear, by SMS, through the one segment-aware renderer and the same
        checks and caps as an answer's SMS; the prompt that says what became of it."""
        parts = [utterance.sms or utterance.text for utterance in missing]
        rendered = current_app.extensions["sms"].renderer.render(parts, "cyrillic")  # SMS_MAX_SEGMENTS
        return try_queue_sms(caller.number, rendered, hotline_number=caller.hotline_number, call_sid=caller.sid).prompt
