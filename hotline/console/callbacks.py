"""The callback queue: open requests oldest first, with the caller's local time and window; an
operator claims one, calls, and completes it with a note, or cancels it.

Every change is one conditional ``UPDATE`` fenced on the request still being open (and, to complete
or cancel, on being claimed by this operator), with its audit entry in the same transaction: a
dispatcher or a status callback that moved the request meanwhile makes the change a no-op, said so
on the page, never a lost update. Completing or cancelling a request the dispatcher has scheduled
stops its call: ``place_callback`` dials only a request still ``scheduled``.
"""

from dataclasses import dataclass
from datetime import datetime, timezone

from flask import Blueprint, abort, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import update

from hotline.callbacks.models import CallbackRequest
from hotline.callbacks.windows import callback_hours, caller_timezone
from hotline.console import audit, queries
from hotline.console.audit import page
from hotline.console.forms import CancelForm, CompleteForm
from hotline.extensions import db
from hotline.timeutil import utcnow

bp = Blueprint("callbacks", __name__, url_prefix="/callbacks")


@dataclass(frozen=True)
class CallerClock:
    zone: str
    local_now: datetime  # the caller's wall clock now
    window_open: bool  # CALLBACK_HOURS, read in the caller's zone
    opens_at: datetime | None  # when it opens next (caller's time), if closed


def caller_clock(request: CallbackRequest, now: datetime) -> CallerClock:
    """The caller's time and service window now (``now`` aware)."""
    config = current_app.config
    zone = request.timezone or caller_timezone(request.caller, config["CALLBACK_DEFAULT_TIMEZONE"])
    hours = callback_hours(config, zone)
    is_open = hours.is_open(now)
    return CallerClock(zone, now.astimezone(hours.zone), is_open, None if is_open else hours.next_start(now))


def working(request: CallbackRequest) -> bool:
    """Whether the current operator is working this request (then they see its number in full)."""
    return request.status in CallbackRequest.OPEN and request.assigned_to == current_user.name


def _snapshot(request: CallbackRequest) -> dict:
    return {"status": request.status, "assigned_to": request.assigned_to, "notes": request.notes}


def _change(request_id: int, action: str, only_mine: bool, **values) -> bool:
    """Apply ``values`` to an open request (claimed by me, if ``only_mine``) with its audit entry,
    committed; False (nothing written) when the request had moved on."""
    # locked until the commit (PostgreSQL): the "before" the audit keeps is what the update replaced
    request = db.session.get(CallbackRequest, request_id, populate_existing=True, with_for_update=True)
    if request is None:
        abort(404)
    before = _snapshot(request)
    fence = [CallbackRequest.id == request_id, CallbackRequest.status.in_(CallbackRequest.OPEN)]
    fence.append(CallbackRequest.assigned_to == current_user.name if only_mine else CallbackRequest.assigned_to.is_(None))
    done = db.session.execute(update(CallbackRequest).where(*fence).values(updated_at=utcnow(), **values)
                              .execution_options(synchronize_session=False)).rowcount
    if done:
        audit.record(action, f"callback:{request_id}", before, before | {k: v for k, v in values.items() if k in before})
    db.session.commit()
    if not done:
        flash(_("This callback changed meanwhile: nothing was saved. Here is how it is now."), "error")
    return bool(done)


@bp.get("/")
def index():
    """Open requests, the longest waiting first."""
    pagination = db.paginate(queries.open_callbacks(), per_page=current_app.config["CONSOLE_PAGE_SIZE"], max_per_page=100)
    now = datetime.now(timezone.utc)
    clocks = {request.id: caller_clock(request, now) for request in pagination.items}
    return page("console/callbacks.html", pagination=pagination, clocks=clocks, working=working)


@bp.get("/<int:request_id>")
def show(request_id: int):
    return _detail(request_id)


def _detail(request_id: int, **forms):
    """The request's page: its caller's clock, each attempt and what Twilio said, the forms; for an
    administrator its history from the audit log."""
    request = db.session.get(CallbackRequest, request_id)
    if request is None:
        abort(404)
    history = db.session.scalars(queries.audit_entries(f"callback:{request_id}")).all() if current_user.is_admin else []
    forms = {"complete": CompleteForm(formdata=None), "cancel": CancelForm(formdata=None)} | forms
    return page("console/callback.html", request=request, clock=caller_clock(request, datetime.now(timezone.utc)),
                attempts=db.session.scalars(queries.attempts_of(request_id)).all(), working=working(request),
                history=history, **forms)


@bp.post("/<int:request_id>/claim")
def claim(request_id: int):
    if _change(request_id, "claim", only_mine=False, assigned_to=current_user.name):
        flash(_("Claimed: it is yours to call."), "ok")
    return redirect(url_for(".show", request_id=request_id))


@bp.post("/<int:request_id>/release")
def release(request_id: int):
    if _change(request_id, "release", only_mine=True, assigned_to=None):
        flash(_("Released: another operator may take it."), "ok")
    return redirect(url_for(".show", request_id=request_id))


def _close(request_id: int, form, status: str, action: str):
    """Complete or cancel a request I am working, with the note that says why (nothing saved without one)."""
    if not form.validate_on_submit():
        return _detail(request_id, **{action: form}), 400
    request = db.session.get(CallbackRequest, request_id)
    if request is None:
        abort(404)
    notes = "\n".join(filter(None, [request.notes, f"{current_user.name}: {form.note.data.strip()}"]))
    if _change(request_id, action, only_mine=True, status=status, notes=notes, next_attempt_at=None,
               claimed_until=None):
        flash(_("Saved."), "ok")
    return redirect(url_for(".show", request_id=request_id))


@bp.post("/<int:request_id>/complete")
def complete(request_id: int):
    return _close(request_id, CompleteForm(), CallbackRequest.COMPLETED, "complete")


@bp.post("/<int:request_id>/cancel")
def cancel(request_id: int):
    return _close(request_id, CancelForm(), CallbackRequest.CANCELLED, "cancel")
