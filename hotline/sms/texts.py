"""The SMS channel's own words (``data/sms_replies.yaml``), per language, checked when loaded.

The directory gives the facts; these are the few sentences around them (menus, confirmations, the
limit notice). Both languages must have the same keys and the same ``{placeholders}``, or the app
refuses to start: a Russian speaker must never get a ``KeyError`` instead of an answer.
"""

import string
from dataclasses import dataclass
from pathlib import Path

import yaml

REPLIES_FILE = Path(__file__).resolve().parents[2] / "data" / "sms_replies.yaml"
LANGUAGES = ("ky", "ru")
#: Keys holding comma-separated lists, and how many items each must have.
LISTS = {"on_weekdays": 7, "day_names": 7}


class TextsError(ValueError):
    """The replies file is missing a text, a language, or has mismatched placeholders."""


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@dataclass(frozen=True)
class SmsTexts:
    """Reply texts by language and key."""

    texts: dict[str, dict[str, str]]

    @classmethod
    def load(cls, path: Path = REPLIES_FILE) -> "SmsTexts":
        """Read and check ``path``. Raises :class:`TextsError` naming the key and language."""
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise TextsError(f"{path}: {exc}") from None
        if not isinstance(doc, dict) or set(doc) != set(LANGUAGES):
            raise TextsError(f"{path}: expected exactly the languages {', '.join(LANGUAGES)}")
        for lang, texts in doc.items():
            if not isinstance(texts, dict) or not all(isinstance(v, str) and v.strip() for v in texts.values()):
                raise TextsError(f"{path}: {lang}: expected a mapping of keys to non-empty text")
        ky, ru = doc["ky"], doc["ru"]
        for key in sorted(set(ky) ^ set(ru)):
            raise TextsError(f"{path}: {key!r} is missing in {'ru' if key in ky else 'ky'}")
        for key in sorted(ky):
            if _placeholders(ky[key]) != _placeholders(ru[key]):
                raise TextsError(f"{path}: {key!r} has different placeholders in ky and ru")
            for lang in LANGUAGES:
                if key in LISTS and len(doc[lang][key].split(",")) != LISTS[key]:
                    raise TextsError(f"{path}: {lang}: {key!r} needs {LISTS[key]} comma-separated items")
        return cls({lang: dict(doc[lang]) for lang in LANGUAGES})

    def get(self, lang: str, key: str, **values) -> str:
        """The text of ``key`` in ``lang`` with ``values`` filled in."""
        text = self.texts[lang][key]
        return text.format(**values) if values else text

    def items(self, lang: str, key: str) -> list[str]:
        """A comma-separated list text (weekdays, day abbreviations) as a list."""
        return [item.strip() for item in self.texts[lang][key].split(",")]
