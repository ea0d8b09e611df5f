"""What the hotline says, gathered for the audio cache, and the renders the CLI and the tasks run.

Four kinds of speech go into the cache: the prompts of the catalogue, the fixed words of the
eligibility checks (a rule's name, questions and options: ``rule:<id>:…``, and the Kyrgyz pieces its
answers are said with: ``piece:<hash>``), the regions' and topics' names (``region:<code>``,
``topic:<code>``), and the spoken directory rows — every active office a menu can read, in both
languages, its numbers read as dialled at home (``office:<code>``) and as dialled from abroad
(``office:<code>:intl``). Their words come from the
voice channel's own :class:`~hotline.voice.speech.Speech`, so the cache holds exactly the text a
call looks up, and an edited office gets a new file the moment its words change.

Everything here renders (espeak-ng, a download from gTTS): the CLI and Celery tasks call it, a web
request never does.
"""

import logging
from collections.abc import Iterable
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from audio.cache import AudioCache, BuildSummary, Progress, SpeechItem
from audio.engines import RECORDED_DIR, Voice, voices_from_settings
from hotline.celery_app import enqueue
from hotline.directory.cache import OfficeView, office_view
from hotline.directory.models import Office, Region, Topic
from hotline.extensions import db
from hotline.voice.checks import rule_utterances
from hotline.voice.pieces import LANG
from hotline.voice.speech import Speech

RENDER_TASK = "tasks.audio.render"
RENDER_OFFICES_TASK = "tasks.audio.render_offices"
UNSPOKEN_KINDS = ("website",)  # an address to type is sent by SMS, never read out (Speech.content)

log = logging.getLogger(__name__)


def audio_cache() -> AudioCache:
    """The app's audio cache (the one the voice channel looks prompts up in)."""
    return current_app.extensions["audio_cache"]


def recorded_dir() -> Path:
    """Where people's recordings are: ``audio/recorded`` (tests point ``AUDIO_RECORDED_DIR`` elsewhere)."""
    return Path(current_app.config.get("AUDIO_RECORDED_DIR", RECORDED_DIR))


def voices() -> dict[str, Voice]:
    """A voice per language from ``AUDIO_ENGINES``.

    Raises :class:`ValueError` for an unknown engine name and
    :class:`~audio.engines.EngineUnavailable` for an engine that cannot speak its language.
    """
    config = current_app.config
    return voices_from_settings(config["AUDIO_ENGINES"], recorded_dir=recorded_dir(),
                                options={"gtts": {"base_url": config["GTTS_BASE_URL"]}})


def _speech() -> Speech:
    return current_app.extensions["voice"].speech


def languages() -> list[str]:
    """The languages of the catalogue (``ky``, ``ru``)."""
    return list(_speech().catalogue.prompts)


def prompt_items() -> list[SpeechItem]:
    """Every spoken prompt of the catalogue, in every language (message texts left out)."""
    return _speech().catalogue.items()


def rule_items() -> list[SpeechItem]:
    """The fixed words of every eligibility check (``rule:<id>:name``, ``rule:<id>:<question>`` and its
    options), in every language, made by the voice channel's own function (as the offices are); and
    the Kyrgyz pieces its verdicts and read-backs are said with (``piece:<hash>``: each rule sentence
    cut at its placeholders, the number words; see :mod:`hotline.voice.pieces`)."""
    rules = current_app.extensions.get("eligibility", {})
    items = [SpeechItem(lang, utterance.key, utterance.text)
             for rule in rules.values() for lang in languages() for utterance in rule_utterances(rule, lang)]
    pieces = current_app.extensions["voice"].pieces
    return items + [SpeechItem(LANG, utterance.key, utterance.text) for utterance in pieces.utterances()]


def name_items() -> list[SpeechItem]:
    """Each region's and topic's name in each language, as a region's offices and a returning caller's
    offer say them (``region:<code>``, ``topic:<code>``)."""
    speech = _speech()
    codes = [("region", code) for code in db.session.scalars(select(Region.code).order_by(Region.key))]
    codes += [("topic", code) for code in db.session.scalars(select(Topic.code).order_by(Topic.id))]
    return [SpeechItem(lang, utterance.key, utterance.text)
            for kind, code in codes for lang in languages() if (utterance := speech.name(lang, kind, code))]


def spoken_offices(codes: Iterable[str] | None = None) -> list[OfficeView]:
    """The active offices a call can hear (all, or those with ``codes``), by code."""
    query = (
        select(Office)
        .where(Office.active.is_(True), Office.kind.not_in(UNSPOKEN_KINDS))
        .options(selectinload(Office.phones))
        .order_by(Office.code)
    )
    if codes is not None:
        query = query.where(Office.code.in_(list(codes)))
    return [office_view(office) for office in db.session.scalars(query)]


def office_items(offices: Iterable[OfficeView]) -> list[SpeechItem]:
    """Each office as spoken in each language, to callers at home and to callers abroad."""
    speech = _speech()
    items = []
    for office in offices:
        for lang in languages():
            for international in (False, True):
                utterance = speech.office(lang, office, international)
                items.append(SpeechItem(lang, utterance.key, utterance.text))
    return items


def speech_items(prompts_only: bool = False) -> list[SpeechItem]:
    """Everything the hotline says: the prompts and the checks' questions (files, no database), then
    (unless ``prompts_only``) the directory rows."""
    items = prompt_items() + rule_items()
    if not prompts_only:
        items += name_items() + office_items(spoken_offices())
    return items


def build(items: Iterable[SpeechItem], progress: Progress | None = None) -> BuildSummary:
    """Render what ``items`` lack into the cache with the configured voices; log what failed."""
    summary = audio_cache().build(items, voices(), progress)
    for failure in summary.failed:
        log.warning("audio for %s %s not rendered: %s", failure.lang, failure.key, failure.reason)
    return summary


def render_one(lang: str, key: str, text: str) -> BuildSummary:
    """Render one utterance a call asked for (and said with ``<Say>`` meanwhile)."""
    return build([SpeechItem(lang, key, text)])


def render_offices(codes: Iterable[str] | None = None) -> BuildSummary:
    """Render the spoken rows of the offices with ``codes`` (every active one when None)."""
    return build(office_items(spoken_offices(codes)))


def request_office_renders(codes: Iterable[str]) -> bool:
    """Ask a worker to render these offices' rows (call after the commit that changed them)."""
    codes = sorted(set(codes))
    return enqueue(RENDER_OFFICES_TASK, codes) if codes else True


def summary_dict(summary: BuildSummary) -> dict:
    """A build summary as plain data, for a task's result and its log line."""
    return {
        "rendered": summary.rendered,
        "cached": summary.cached,
        "failed": [f"{f.lang} {f.key}: {f.reason}" for f in summary.failed],
        "bytes": summary.bytes,
        "seconds": round(summary.seconds, 1),
    }
