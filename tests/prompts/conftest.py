"""Fixtures for the app's audio: apps with their own audio directory, recordings and embedded broker,
a small catalogue (with the one flow it needs), and what a broker holds.

Speech is real (espeak-ng, offline); Russian goes to espeak too unless a test brings the fake Google.
"""

import base64
import json
import shutil
import sqlite3
import wave
from contextlib import closing
from pathlib import Path

import pytest
import yaml

from hotline.callbacks import PROMPTS as CALLBACK_PROMPTS
from hotline.directory.loader import DATA_DIR
from ivr_flows.model import CONTENT_PROMPTS
from tests.audio.conftest import _no_proxy, fake_google  # noqa: F401  (fixtures shared with tests/audio)

OFFLINE = {"ky": ["recorded", "espeak"], "ru": ["recorded", "espeak"]}  # no network in tests

# The smallest catalogue the app accepts: one menu, the prompts every office list needs, and those
# the callback code speaks itself.
REQUIRED_PROMPTS = CONTENT_PROMPTS + CALLBACK_PROMPTS
SMALL_PROMPTS = {
    "ky": {"main.menu": "Бир – баштоо.", "main.bye": "Саламатта калыңыз.",
           "main.menu.sms": "SMS gana, never spoken"},
    "ru": {"main.menu": "Один – начало.", "main.bye": "До свидания.", "main.menu.sms": "Только SMS"},
}
SMALL_FLOW = """
flow: main
start: menu
entry: [menu]
nodes:
  menu:
    say: [main.menu]
    gather: {timeout: 6}
    routes:
      "1": bye
      other: menu
      no_response: menu
  bye:
    say: [main.bye]
    action: hangup
"""


def _text(ky: str, ru: str) -> dict[str, str]:
    return {"ky": ky, "ru": ru}


def small_rule(rule_id: str, keyword: str, questions: int) -> dict:
    """A rule with ``questions`` count questions (``q_a``…: a digit would be read out in words), all
    needed; the SMS keyword ``keyword``.

    The SMS channel refuses to start unless KOMOK (three numbers) and BALA (two) each have a rule,
    and the fourteen real rules would add some 260 questions and options to every build here.
    """
    ids = [f"q_{letter}" for letter in "abc"[:questions]]
    return {
        "id": rule_id, "kind": "benefit", "name": _text(f"Сынак {rule_id}", f"Проба {rule_id}"),
        "document": "000_a6471b656ce57fa1.txt", "valid_as_of": None, "sources": [{"lines": "955-1033"}],
        "questions": [{"id": q, "type": "count", "max": 99, "prompt": _text(f"{rule_id}: канча {q}?", f"{rule_id}: сколько {q}?")}
                      for q in ids],
        "sms_order": ids, "sms_keyword": keyword,
        "checks": [{"id": "enough", "require": {"all": [{"ge": [q, 1]} for q in ids]},
                    "otherwise": "does_not_qualify", "lines": "963", "reason": _text("Аз.", "Мало.")}],
        "apply_at": {"topic": "jobs", "kind": "employment_office", "offices": ["net-employment-office"],
                     "lines": "986", **_text("Башкармалыкка барыңыз.", "Идите в управление.")},
        "next_steps": {status: [_text("Барыңыз.", "Идите.")]
                       for status in ("may_qualify", "does_not_qualify", "cannot_tell")},
    }


SMALL_RULES = (small_rule("small_komok", "KOMOK", 3), small_rule("small_bala", "BALA", 2))


def write_small_catalogue(directory: Path, changes: dict[str, dict[str, str]] | None = None) -> dict[str, str]:
    """Write the small catalogue (with ``changes``), its flow and two small rules under ``directory``;
    the config to use them."""
    (directory / "prompts").mkdir(parents=True, exist_ok=True)
    (directory / "flows").mkdir(exist_ok=True)
    (directory / "rules").mkdir(exist_ok=True)
    for rule in SMALL_RULES:
        text = yaml.safe_dump(rule, allow_unicode=True, sort_keys=False)
        (directory / "rules" / f"{rule['id']}.yaml").write_text(text, encoding="utf-8")
    for lang, prompts in SMALL_PROMPTS.items():
        words = {prompt_id: f"{lang}:{prompt_id.split('.')[-1]}." for prompt_id in REQUIRED_PROMPTS}
        words |= prompts | (changes or {}).get(lang, {})
        text = yaml.safe_dump(words, allow_unicode=True)
        (directory / "prompts" / f"{lang}.yaml").write_text(text, encoding="utf-8")
    (directory / "flows" / "main.yaml").write_text(SMALL_FLOW, encoding="utf-8")
    # the real commands and topics, without the phrase file: its topics take their facts from the real rules
    (directory / "sms").mkdir(exist_ok=True)
    for name in ("sms_commands.yaml", "topics.yaml"):
        shutil.copy(DATA_DIR / name, directory / "sms" / name)
    return {"PROMPTS_DIR": str(directory / "prompts"), "FLOWS_DIR": str(directory / "flows"),
            "RULES_DIR": str(directory / "rules"), "SMS_COMMANDS_FILE": str(directory / "sms" / "sms_commands.yaml")}


@pytest.fixture
def small_catalogue(tmp_path) -> dict[str, str]:
    """Config overrides for an app speaking the small catalogue."""
    return write_small_catalogue(tmp_path / "catalogue")


@pytest.fixture
def broker_file(tmp_path) -> Path:
    """The file of an embedded broker of the test's own (nothing else enqueues there)."""
    return tmp_path / "broker.db"


@pytest.fixture
def audio_app(app, app_factory, database_url, broker_file, tmp_path):
    """``audio_app(**overrides)``: an app on the test database with its own audio directory
    (``tmp_path/audio``), recordings (``tmp_path/recorded``) and broker; offline voices.

    ``app`` is asked for so the database is migrated and seeded, and emptied of calls afterwards.
    """

    def make(**overrides):
        config = {"AUDIO_DIR": str(tmp_path / "audio"), "AUDIO_RECORDED_DIR": str(tmp_path / "recorded"),
                  "AUDIO_ENGINES": OFFLINE}
        return app_factory(database_url, f"sqla+sqlite:///{broker_file}", **(config | overrides))

    return make


def enqueued(broker_file: Path) -> list[tuple[str, list]]:
    """(task name, args) of every message waiting in an embedded (``sqla+sqlite``) broker."""
    if not broker_file.exists():
        return []
    with closing(sqlite3.connect(broker_file)) as conn:
        try:
            rows = conn.execute("SELECT payload FROM kombu_message ORDER BY id").fetchall()
        except sqlite3.OperationalError:  # no message was ever sent: kombu has made no table
            return []
    messages = []
    for (payload,) in rows:
        message = json.loads(payload)
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        messages.append((message["headers"]["task"], args))
    return messages


def wav_format(path: Path) -> tuple[int, int, int, float]:
    """(rate, channels, sample width, seconds) of a WAV file, read with the standard library."""
    with wave.open(str(path), "rb") as wav:
        return wav.getframerate(), wav.getnchannels(), wav.getsampwidth(), wav.getnframes() / wav.getframerate()
