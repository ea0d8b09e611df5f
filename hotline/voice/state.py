"""What a call carries from one webhook to the next, in the query string of the action URL.

Keeping it in the URL (which Twilio signs) means a menu step needs no session lookup: the language,
the topic and region chosen, the page of offices, the menu to go back to, the failures so far, the
answer a returning caller may resume, and the step's number (a retried request carries the same
one, so it records nothing twice). Whether the caller is abroad comes from the request each time.
"""

import re
from dataclasses import dataclass, replace
from urllib.parse import urlencode

LANGUAGES = ("ky", "ru")
ANSWERS = re.compile(r"^[a-z0-9_]+:[a-z0-9_-]+(,[a-z0-9_]+:[a-z0-9_-]+)*$")  # see hotline.voice.checks


@dataclass(frozen=True)
class CallState:
    lang: str = "ky"
    topic: str | None = None
    region: str | None = None
    page: int = 0  # which three offices of a list
    fails: int = 0  # wrong keys or silences in a row on the current menu
    return_to: str | None = None  # the menu that chose the topic ("*" from a shared menu)
    answers: str | None = None  # an eligibility check's answers so far ("family_size:5,has_livestock:n")
    step: int = 0  # the call's steps so far: the event this URL's request records is step + 1
    resume: str | None = None  # main.resume: the answer this number heard last ("flow.node")
    abroad: bool = False  # the caller is not on a Kyrgyz number (from the request, never in the URL)

    @classmethod
    def from_args(cls, args) -> "CallState":
        """Read the state from request args; anything malformed falls back to its default."""
        lang = args.get("l")
        return cls(
            lang=lang if lang in LANGUAGES else "ky",
            topic=_slug(args.get("t")),
            region=_slug(args.get("r")),
            page=_small_int(args.get("p")),
            fails=_small_int(args.get("f")),
            return_to=args.get("b") if _is_ref(args.get("b")) else None,
            answers=_answers(args.get("a")),
            step=_small_int(args.get("s"), digits=4),
            resume=args.get("g") if _is_ref(args.get("g")) else None,
        )

    def query(self) -> str:
        """The state as a query string (defaults left out, so URLs stay short)."""
        pairs = [("l", self.lang)]
        for key, value in (("t", self.topic), ("r", self.region), ("b", self.return_to), ("a", self.answers),
                           ("g", self.resume)):
            if value:
                pairs.append((key, value))
        for key, value in (("p", self.page), ("f", self.fails), ("s", self.step)):
            if value:
                pairs.append((key, str(value)))
        return urlencode(pairs)

    def other_language(self) -> "CallState":
        return replace(self, lang="ru" if self.lang == "ky" else "ky")


def _slug(value: str | None) -> str | None:
    if value and len(value) <= 40 and value.replace("_", "").isalnum() and value.isascii():
        return value
    return None


def _small_int(value: str | None, digits: int = 3) -> int:
    return int(value) if value and value.isascii() and value.isdigit() and len(value) <= digits else 0


def _answers(value: str | None) -> str | None:
    return value if value and len(value) <= 600 and ANSWERS.match(value) else None


def _is_ref(value: str | None) -> bool:
    return bool(value) and len(value) <= 80 and value.count(".") == 1 and all(
        part and part.replace("_", "").isalnum() and part.isascii() for part in value.split("."))
