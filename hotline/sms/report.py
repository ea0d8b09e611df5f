"""Texts the hotline did not understand, grouped, so operators can add the spellings people use.

Every incoming SMS that matched no command, phrase or open menu is logged with status ``unmatched``
and its normalised text (the form the command table and the phrases match against). ``flask report
unmatched`` prints them most frequent first; a keyword spelling added to ``data/sms_commands.yaml``,
or a topic's phrase, context word or unit to ``data/sms_phrases.yaml``, for a frequent one makes
the next person's message work.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hotline.messaging.models import SmsMessage


@dataclass(frozen=True)
class UnmatchedText:
    normalized: str
    messages: int
    numbers: int  # different senders
    last_at: datetime
    example: str  # one message as it was typed


def unmatched_texts(session: Session, since: datetime, until: datetime, limit: int = 50) -> list[UnmatchedText]:
    """The normalised texts of unmatched messages received in [since, until), most frequent first."""
    rows = session.execute(
        select(SmsMessage.normalized, func.count(), func.count(SmsMessage.caller.distinct()),
               func.max(SmsMessage.created_at), func.min(SmsMessage.body))
        .where(SmsMessage.status == SmsMessage.UNMATCHED,  # their partial index, by time
               SmsMessage.created_at >= since, SmsMessage.created_at < until)
        .group_by(SmsMessage.normalized)
        .order_by(func.count().desc(), SmsMessage.normalized)
        .limit(limit)
    ).all()
    return [UnmatchedText(normalized or "", messages, numbers, last_at, example)
            for normalized, messages, numbers, last_at, example in rows]
