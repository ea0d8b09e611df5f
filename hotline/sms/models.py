"""What the hotline remembers about an SMS conversation with one number, between messages.

Each message locks the number's row, reads it and writes it back in its own transaction
(:mod:`hotline.sms.record`): the next message, on any process, finds the state this one left.
"""

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from hotline.extensions import db
from hotline.timeutil import utcnow


class SmsConversation(db.Model):
    """One number's open numeric menu or eligibility check, remembered region, alphabet, last reply and
    flood counter."""

    __tablename__ = "sms_conversations"

    number: Mapped[str] = mapped_column(String(20), primary_key=True)  # E.164
    script: Mapped[str | None] = mapped_column(String(8))  # latin | cyrillic: how to answer a bare "2"
    language: Mapped[str | None] = mapped_column(String(2))  # ky | ru: the language of the last reply
    region: Mapped[str | None] = mapped_column(String(40))  # region code, remembered once given
    place: Mapped[str | None] = mapped_column(String(40))  # place code inside that region, if named
    # the numeric menu a bare digit answers: {"kind": region|more|commands|language, ...}
    menu: Mapped[dict | None] = mapped_column(JSON)
    menu_at: Mapped[datetime | None] = mapped_column()  # when it opened; it closes SMS_MENU_HOURS later
    last_command: Mapped[str | None] = mapped_column(String(40))  # what a following CHAL is about
    # an eligibility check by SMS (KOMOK 5 3 4000, or one question at a time): the rule id and the
    # answers so far ({question id: number, true/false, option id or ISO date}); a "check" menu
    # asks its next question, a "verdict" menu pages through its result
    check_rule: Mapped[str | None] = mapped_column(String(40))
    check_answers: Mapped[dict | None] = mapped_column(JSON)
    window_started_at: Mapped[datetime | None] = mapped_column()  # the flood cap counts from here
    replies: Mapped[int] = mapped_column(default=0)  # replies sent since then (limit notice included)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
