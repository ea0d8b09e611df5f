"""A conversation's state as one message finds it, and what the message changes.

:class:`Conversation` is read under the row's lock (:func:`hotline.sms.record.lock_conversation`);
:class:`Menu` is the numeric menu a bare digit answers (USSD-like), kept in the database so it
survives another gunicorn worker, another machine, or Twilio dropping its cookie.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

MenuKind = Literal["region", "more", "commands", "language", "check", "verdict"]
MENU_KINDS = ("region", "more", "commands", "language", "check", "verdict")
CapDecision = Literal["reply", "notice", "silent"]
CAP_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Menu:
    """An open numeric menu.

    - ``region``: "which region?" for ``command`` (1-9, the keys of ``data/regions.yaml``);
    - ``more``: "1 – more" for ``command`` in ``region``/``place``, showing ``page`` next (of the
      ``topic``'s answer, when it has one: its "2" then starts the topic's check);
    - ``commands``: the numbered list of commands (MENU, or text we did not understand);
    - ``language``: 1 Kyrgyz, 2 Russian (TIL);
    - ``check``: the next message answers the question of the eligibility check for ``command``
      (of the ``topic``'s rule, when there is one);
    - ``verdict``: "1 – more" of that check's verdict, showing ``page`` next.
    """

    kind: MenuKind
    command: str | None = None
    region: str | None = None
    place: str | None = None
    page: int = 1
    topic: str | None = None  # a topic of data/sms_phrases.yaml

    def to_json(self) -> dict:
        values = {"kind": self.kind, "command": self.command, "region": self.region, "place": self.place,
                  "page": self.page, "topic": self.topic}
        return {key: value for key, value in values.items() if value is not None}

    @classmethod
    def from_json(cls, data) -> "Menu | None":
        """The menu stored as ``data``; None for anything this version cannot read."""
        if not isinstance(data, dict) or data.get("kind") not in MENU_KINDS:
            return None
        page = data.get("page", 1)
        text = {key: data.get(key) if isinstance(data.get(key), str) else None
                for key in ("command", "region", "place", "topic")}
        return cls(data["kind"], page=page if isinstance(page, int) and page > 0 else 1, **text)


@dataclass(frozen=True)
class Conversation:
    """What the hotline knows about a number when its message arrives."""

    number: str
    script: str | None = None
    language: str | None = None  # of the last reply
    preferred: str | None = None  # chosen with TIL, or on a call (caller_preferences)
    region: str | None = None
    place: str | None = None
    menu: Menu | None = None
    menu_at: datetime | None = None
    last_command: str | None = None
    check_rule: str | None = None  # the eligibility rule asked by SMS, and the answers so far
    check_answers: str | None = None  # hotline.eligibility.codec's text
    window_started_at: datetime | None = None
    replies: int = 0

    @classmethod
    def from_row(cls, row, preferred: str | None) -> "Conversation":
        """The conversation as ``row`` (an ``SmsConversation``) holds it, and the number's chosen language."""
        return cls(
            number=row.number, script=row.script, language=row.language, preferred=preferred,
            region=row.region, place=row.place, menu=Menu.from_json(row.menu), menu_at=row.menu_at,
            last_command=row.last_command, check_rule=row.check_rule, check_answers=row.check_answers,
            window_started_at=row.window_started_at, replies=row.replies or 0,
        )

    def open_menu(self, now: datetime, hours: float) -> Menu | None:
        """The menu a bare digit answers now, or None when none is open or it has expired."""
        if self.menu is None or self.menu_at is None or now - self.menu_at > timedelta(hours=hours):
            return None
        return self.menu

    def replies_this_hour(self, now: datetime) -> int:
        if self.window_started_at is None or now - self.window_started_at >= CAP_WINDOW:
            return 0
        return self.replies

    def cap(self, now: datetime, per_hour: int) -> CapDecision:
        """``reply`` under the cap; ``notice`` for the one "limit reached" reply; then ``silent``."""
        sent = self.replies_this_hour(now)
        if sent < per_hour:
            return "reply"
        return "notice" if sent == per_hour else "silent"

    def language_for(self, spelled_in: str | None) -> str:
        """The reply's language: Russian words get Russian; a Kyrgyz keyword the number's chosen
        language (Russian speakers text KOMOK too, it is on the posters); a digit or a word of
        no language (STOP, 112) the language the conversation is already in."""
        if spelled_in == "ru":
            return "ru"
        if spelled_in == "ky":
            return self.preferred or "ky"
        return self.language or self.preferred or "ky"


@dataclass(frozen=True)
class Update:
    """What one message leaves behind in the conversation row."""

    at: datetime
    script: str
    language: str
    region: str | None
    place: str | None
    menu: Menu | None
    last_command: str | None
    window_started_at: datetime
    check_rule: str | None
    check_answers: str | None
    replies: int  # replies sent in that window, this message's included

    def row(self) -> dict:
        """The conversation row's new values."""
        return {
            "script": self.script, "language": self.language, "region": self.region, "place": self.place,
            "menu": self.menu.to_json() if self.menu else None, "menu_at": self.at if self.menu else None,
            "last_command": self.last_command, "check_rule": self.check_rule, "check_answers": self.check_answers,
            "window_started_at": self.window_started_at, "replies": self.replies, "updated_at": self.at,
        }


def next_window(conversation: Conversation, now: datetime, replied: bool) -> tuple[datetime, int]:
    """The flood cap's window after this message, and the replies sent in it."""
    started = conversation.window_started_at
    if started is not None and now - started < CAP_WINDOW:
        return started, conversation.replies + int(replied)
    return now, int(replied)
