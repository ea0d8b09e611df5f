"""Conversations: SMS by number (each message with its reply and segments), and the texts the
hotline did not understand, most frequent first.

A conversation is addressed by one of its messages' ids, never by the number: URLs end up in
browser histories and server logs, and operators see numbers masked.
"""

from datetime import timedelta

from flask import Blueprint, abort, current_app, request
from sqlalchemy import select

from hotline.console import queries
from hotline.console.audit import page
from hotline.extensions import db
from hotline.messaging.models import SmsMessage
from hotline.sms.report import unmatched_texts
from hotline.timeutil import utcnow

bp = Blueprint("conversations", __name__, url_prefix="/conversations")
UNMATCHED_DAYS = (1, 7, 30)


@bp.get("/")
def index():
    """Numbers, the latest conversation first: each with its latest message and how many there are."""
    pagination = db.paginate(queries.conversations(), per_page=current_app.config["CONSOLE_PAGE_SIZE"],
                             max_per_page=100)
    latest = db.session.scalars(select(SmsMessage).where(SmsMessage.id.in_(pagination.items))
                                .order_by(SmsMessage.id.desc())).all()
    counts = dict(db.session.execute(queries.message_counts([message.caller for message in latest])).all())
    return page("console/conversations.html", pagination=pagination, latest=latest, counts=counts)


@bp.get("/<int:message_id>")
def show(message_id: int):
    """The conversation ``message_id`` belongs to, oldest first within each page of 50, newest page first."""
    caller = db.session.scalar(select(SmsMessage.caller).where(SmsMessage.id == message_id))
    if caller is None:
        abort(404)
    pagination = db.paginate(queries.messages_of(caller), per_page=current_app.config["CONSOLE_PAGE_SIZE"],
                             max_per_page=100)
    return page("console/conversation.html", caller=caller, message_id=message_id, pagination=pagination,
                messages=list(reversed(pagination.items)))


@bp.get("/unmatched")
def unmatched():
    """Texts that matched no command, most frequent first, over the last 1, 7 or 30 days."""
    days = request.args.get("days", 7, type=int)
    days = days if days in UNMATCHED_DAYS else 7
    now = utcnow()
    return page("console/unmatched.html", days=days, choices=UNMATCHED_DAYS,
                texts=unmatched_texts(db.session, now - timedelta(days=days), now + timedelta(seconds=1), limit=100))
