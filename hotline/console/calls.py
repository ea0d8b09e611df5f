"""Calls: the log, filtered and paginated, and each call's timeline (menus passed, keys pressed, the
time on each, SMS sent, voicemail, callbacks asked for)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Blueprint, abort, current_app, request
from sqlalchemy import select

from hotline.console import queries
from hotline.console.audit import page
from hotline.console.forms import CallFilterForm
from hotline.console.timefmt import office_midnight
from hotline.extensions import db
from hotline.voice.models import Call, CallEvent

bp = Blueprint("calls", __name__, url_prefix="/calls")


@bp.get("/")
def index():
    """The call log, newest first; a filter that does not validate shows its errors and no calls."""
    form = CallFilterForm(request.args)
    pagination = None
    if form.validate():
        since = office_midnight(form.since.data) if form.since.data else None
        # the last day is included: up to the midnight after it
        until = office_midnight(form.until.data + timedelta(days=1)) if form.until.data else None
        query = queries.calls(since, until, form.language.data or None, form.outcome.data or None,
                              form.number.e164 if form.number.data else None)
        pagination = db.paginate(query, per_page=current_app.config["CONSOLE_PAGE_SIZE"], max_per_page=100)
    filters = {name: value for name, value in request.args.items() if name != "page" and value}
    return page("console/calls.html", form=form, pagination=pagination, filters=filters)


@dataclass(frozen=True)
class TimelineStep:
    event: CallEvent
    seconds: float | None  # time on this step: until the next one, or the end of the call


def timeline(call: Call, events: list[CallEvent]) -> list[TimelineStep]:
    """Each step with the time the caller spent on it (the last: until the call ended, if it has)."""
    ends: list[datetime | None] = [event.at for event in events[1:]] + [call.ended_at]
    return [TimelineStep(event, (end - event.at).total_seconds() if end else None)
            for event, end in zip(events, ends)]


@bp.get("/<sid>")
def show(sid: str):
    call = db.session.scalar(select(Call).where(Call.external_id == sid))
    if call is None:
        abort(404)
    events = db.session.scalars(queries.call_events(sid)).all()
    return page("console/call.html", call=call, steps=timeline(call, events),
                sms=db.session.scalars(queries.sms_of_call(sid)).all(),
                voicemails=db.session.scalars(queries.voicemails_of_call(sid)).all(),
                callbacks=db.session.scalars(queries.callbacks_of_call(sid)).all())
