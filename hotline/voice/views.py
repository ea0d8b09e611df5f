"""Twilio voice webhooks (the URLs in DESIGN.md). Every one checks the request's signature.

Each is one transaction on ``db.session``: the call, its step and whatever the caller was promised
are committed before the TwiML goes out (Celery work follows the commit). A malformed request gets
a 4xx; anything that goes wrong while answering a caller gets a spoken apology and a callback
request (when the database can take one), never a 500 (Twilio would play its own error message).
"""

import logging

from flask import Blueprint, abort, current_app, request
from sqlalchemy.exc import OperationalError
from twilio.twiml.voice_response import VoiceResponse
from werkzeug.exceptions import Forbidden, HTTPException

from hotline.callbacks.requests import request_callback
from hotline.extensions import db
from hotline.phones import to_e164
from hotline.twilio import twilio_request, twiml, verified
from hotline.voice import store
from hotline.voice.engine import SAY_LANGUAGE, Caller
from hotline.voice.state import CallState

log = logging.getLogger(__name__)
bp = Blueprint("voice", __name__, url_prefix="/twilio/voice")


def seconds(value: str | None) -> int | None:
    """A duration Twilio sent (``CallDuration``, ``RecordingDuration``); None for anything that is
    not a plain count of seconds a column can hold ("", "-1", "¹", twenty nines)."""
    value = value or ""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 9 else None


def engine():
    return current_app.extensions["voice"]


def caller_from_request() -> Caller:
    form = request.form
    sid = form.get("CallSid", "")
    if not sid or len(sid) > 64:
        abort(400, "CallSid is required")
    person, hotline = form.get("From", ""), form.get("To", "")
    if form.get("Direction") == "outbound-api":  # a call the hotline placed (a callback)
        person, hotline = hotline, person
    return Caller(sid, to_e164(person), to_e164(hotline))


@bp.post("")
@twilio_request
def incoming():
    """The hotline number's Voice URL."""
    response = engine().incoming(caller_from_request())
    db.session.commit()
    return twiml(response)


@bp.post("/flow/<flow>/<node>")
@twilio_request
def flow_step(flow: str, node: str):
    """A key (or silence) on a node, from a ``<Gather>`` action or a ``<Redirect>``."""
    ref = f"{flow}.{node}"
    if not engine().flows.has(ref):
        abort(404)
    response = engine().step(ref, CallState.from_args(request.args), caller_from_request(), request.form)
    db.session.commit()
    return twiml(response)


@bp.post("/status")
@twilio_request
def status():
    """The call status callback: final status and duration."""
    sid, call_status = request.form.get("CallSid"), request.form.get("CallStatus")
    if not sid or not call_status or len(sid) > 64:
        abort(400, "CallSid and CallStatus are required")
    store.update_call_status(sid, call_status[:20], seconds(request.form.get("CallDuration")),
                             to_e164(request.form.get("From", "")))
    db.session.commit()
    return "", 204


@bp.post("/recording")
@twilio_request
def recording():
    """The recording status callback of a voicemail."""
    sid, recording_sid = request.form.get("CallSid"), request.form.get("RecordingSid")
    if not sid or not recording_sid or len(sid) > 64 or len(recording_sid) > 64:
        abort(400, "CallSid and RecordingSid are required")
    caller = to_e164(request.form.get("From", ""))
    store.store_voicemail(sid, caller, recording_sid, request.form.get("RecordingUrl"),
                          seconds(request.form.get("RecordingDuration")))
    db.session.commit()
    return "", 204


def apology(source: str, database_failed: bool = False) -> VoiceResponse:
    """Both languages and a national number, from memory. A callback request is booked first, unless
    the database is what failed (a second try would only wait out the connect timeout again); the
    words promise a call back only when one was booked."""
    caller, sid = to_e164(request.form.get("From", "")), request.form.get("CallSid")
    booked = False
    if caller is not None and not database_failed:
        try:
            result = request_callback(caller, source=source, call_sid=sid if sid and len(sid) <= 64 else None)
            db.session.commit()
            booked = result.request_id is not None  # not past a cap, nor to a number not served
        except Exception:  # the database may be why we are here
            db.session.rollback()
            log.exception("fallback: could not record a callback for %s", caller)
    words = engine().speech.catalogue.text("ky", "fallback.apology" if booked else "fallback.unavailable")
    response = VoiceResponse()
    response.say(words, language=SAY_LANGUAGE["ky"])
    response.hangup()
    return response


@bp.post("/fallback")
@twilio_request
def fallback():
    """Twilio calls this when the primary URL failed: apologise, and book a call back if the database
    takes it."""
    return twiml(apology("fallback"))


@bp.errorhandler(Exception)
def unexpected(error):
    """A failure while answering a caller: apologise instead of a 500."""
    if isinstance(error, HTTPException):
        return error
    db.session.rollback()
    log.exception("voice webhook failed: %s", request.path)
    if not verified():  # never act on a form whose signature was not found ours
        return Forbidden()
    return twiml(apology("fallback", database_failed=isinstance(error, OperationalError)))
