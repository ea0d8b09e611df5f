"""Today: what the hotline has done since midnight on the office's clock, and what needs a person."""

from datetime import datetime, timezone

from flask import Blueprint
from sqlalchemy import func, select

from hotline.callbacks.models import CallbackRequest
from hotline.console import queries
from hotline.console.audit import page
from hotline.console.timefmt import office_midnight, office_today
from hotline.extensions import db
from hotline.messaging.models import SmsMessage
from hotline.timeutil import utcnow

bp = Blueprint("today", __name__)
#: beat sends a heartbeat a minute: three missed and the page says no worker is running
HEARTBEAT_LATE_SECONDS = 180
SHOWN = 20


def sms_today(since: datetime) -> dict[str, int]:
    rows = db.session.execute(select(SmsMessage.direction, func.count())
                              .where(SmsMessage.created_at >= since).group_by(SmsMessage.direction))
    return dict(rows.all())


@bp.get("/")
def index():
    """Calls and SMS so far today, open callbacks and the longest waiting, failed deliveries, the worker."""
    now = datetime.now(timezone.utc)
    since = office_midnight(office_today(now))
    open_queue = queries.open_callbacks()
    not_reached = select(func.count()).where(
        CallbackRequest.status.in_((CallbackRequest.FAILED, CallbackRequest.NO_ANSWER)),
        CallbackRequest.updated_at >= since)
    heartbeat = db.session.scalar(queries.last_heartbeat())
    heartbeat_age = (utcnow() - heartbeat).total_seconds() if heartbeat else None
    return page(
        "console/today.html",
        since=since,
        calls=db.session.scalar(queries.count(queries.calls(since=since))),
        sms=sms_today(since),
        open_callbacks=db.session.scalar(queries.count(open_queue)),
        longest_waiting=db.session.scalars(open_queue.limit(3)).all(),
        not_reached=db.session.scalar(not_reached.select_from(CallbackRequest)),
        failed=db.session.scalars(queries.failed_deliveries(since).limit(SHOWN)).all(),
        failed_count=db.session.scalar(queries.count(queries.failed_deliveries(since))),
        heartbeat=heartbeat, heartbeat_age=heartbeat_age, heartbeat_late=HEARTBEAT_LATE_SECONDS,
    )
