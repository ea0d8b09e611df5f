"""The prompt catalogue: what the hotline says, once per language, in ``audio/prompts/<lang>.yaml``.

Each file maps prompt ids to text, flat (``main.menu: …``) or nested (``main: {menu: …}``, read as
``main.menu``). Both languages must have the same ids: a prompt that exists only in Kyrgyz would
leave a Russian caller in silence, so :meth:`Catalogue.missing` lists the gaps for ``flows check``.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from audio.cache import SpeechItem

PROMPTS_DIR = Path(__file__).resolve().parent / "prompts"
LANGUAGES = ("ky", "ru")
SMS_SUFFIX = ".sms"  # the catalogue's convention for a message's text
PROMPT_ID = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")


class CatalogueError(ValueError):
    """A catalogue file that is missing, not YAML, or not a mapping of ids to text."""


def _flatten(mapping: Mapping, path: Path, prefix: str = "") -> dict[str, str]:
    prompts: dict[str, str] = {}
    for name, value in mapping.items():
        prompt_id = f"{prefix}{name}"
        if not PROMPT_ID.match(prompt_id):
            raise CatalogueError(f"{path}: {prompt_id!r} is not a prompt id (lower case, dots: main.menu)")
        if isinstance(value, Mapping):
            found = _flatten(value, path, prompt_id + ".")
        elif isinstance(value, str) and value.strip():
            found = {prompt_id: value.strip()}
        else:
            raise CatalogueError(f"{path}: {prompt_id} must be text, not {value!r}")
        clash = prompts.keys() & found.keys()
        if clash:
            raise CatalogueError(f"{path}: {sorted(clash)[0]} is given twice (flat and nested)")
        prompts |= found
    return prompts


def load_prompts(path: Path) -> dict[str, str]:
    """One language's prompts from ``path``, nested ids flattened with dots."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogueError(f"{path} does not exist") from None
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{path} is not valid YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise CatalogueError(f"{path} must map prompt ids to text, not hold a {type(data).__name__}")
    return _flatten(data, path)


@dataclass(frozen=True)
class Catalogue:
    """Prompt text by language and id."""

    prompts: Mapping[str, Mapping[str, str]]  # lang → prompt id → text

    @classmethod
    def load(cls, directory: Path | str = PROMPTS_DIR, languages: Iterable[str] = LANGUAGES) -> "Catalogue":
        """Read ``<directory>/<lang>.yaml`` for each language. Raises :class:`CatalogueError`."""
        return cls({lang: load_prompts(Path(directory) / f"{lang}.yaml") for lang in languages})

    def text(self, lang: str, prompt_id: str) -> str:
        """The words of ``prompt_id`` in ``lang``. Raises :class:`KeyError` naming both."""
        try:
            return self.prompts[lang][prompt_id]
        except KeyError:
            raise KeyError(f"no prompt {prompt_id!r} in {lang!r}") from None

    def ids(self) -> list[str]:
        """Every prompt id in any language, sorted."""
        return sorted(set().union(*(prompts.keys() for prompts in self.prompts.values())))

    def missing(self) -> dict[str, list[str]]:
        """Ids that some language has and another lacks: ``{"ru": ["main.menu"]}``; empty when complete."""
        every = set(self.ids())
        gaps = {lang: sorted(every - prompts.keys()) for lang, prompts in self.prompts.items()}
        return {lang: ids for lang, ids in gaps.items() if ids}

    def items(self) -> list[SpeechItem]:
        """Every spoken prompt as a :class:`~audio.cache.SpeechItem`, for :meth:`AudioCache.build`.

        Ids ending in ``.sms`` (``children.birth_grant.sms``) are the text of a message, with digits
        and abbreviations for the screen: they are never spoken, so never rendered.
        """
        return [
            SpeechItem(lang, prompt_id, text)
            for lang, prompts in self.prompts.items()
            for prompt_id, text in sorted(prompts.items())
            if not prompt_id.endswith(SMS_SUFFIX)
        ]
