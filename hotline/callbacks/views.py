"""Callback webhooks: the missed-call number, and the calls the hotline places back.

``POST /twilio/voice/missed``: the callback number's Voice URL. ``<Reject reason="busy"/>`` as the
only verb, so Twilio never answers and nobody pays; the ring itself is the request.
``POST /twilio/voice/callback/<id>``: TwiML when the person picks up our call.
``POST /twilio/voice/callback/<id>/status``: that call's status callbacks (retries, done).
"""

import logging
from datetime import datetime, timezone

from flask import Blueprint, abort, current_app, request
from twilio.twiml.voice_response import VoiceResponse
from werkzeug.exceptions import Forbidden, HTTPException

from hotline.callbacks.answer import answer_callback
from hotline.callbacks.models import CallbackRequest
from hotline.callbacks.outcomes import ANSWERED, answered, apply_call_status
from hotline.callbacks.requests import request_callback
from hotline.extensions import db
from hotline.phones import to_e164
from hotline.twilio import twilio_request, twiml, verified
from hotline.voice import store
from hotline.voice.engine import SAY_LANGUAGE, Caller
from hotline.voice.views import seconds

log = logging.getLogger(__name__)
bp = Blueprint("callbacks", __name__, url_prefix="/twilio/voice")
MAX_ID = 2**31 - 1  # ids are INTEGER columns: a larger one is no row of ours (and the driver would refuse it)


def _call_sid() -> str:
    sid = request.form.get("CallSid", "")
    if not sid or len(sid) > 64:
        abort(400, "CallSid is required")
    return sid


def _attempt_id() -> int:
    value = request.args.get("attempt", "")
    if not value.isascii() or not value.isdigit() or len(value) > 12 or int(value) > MAX_ID:
        abort(400, "attempt is required")
    return int(value)


@bp.post("/missed")
@twilio_request
def missed():
    """A ring on the callback number: reject it unanswered, and record the request."""
    sid = _call_sid()
    if not request.form.get("From"):
        abort(400, "From is required")
    response = VoiceResponse()
    response.reject(reason="busy")
    caller = to_e164(request.form["From"])
    if caller is not None:  # a withheld number cannot be called back
        try:
            request_callback(caller, source="missed_call", call_sid=sid, language=store.saved_language(caller),
                             hotline_number=to_e164(request.form.get("To", "")))
            db.session.commit()
        except Exception:  # the caller must still hear "busy", never an answered call
            db.session.rollback()
            log.exception("missed call from %s: could not record the callback", caller)
    return twiml(response)


@bp.post("/callback/<int:request_id>")
@twilio_request
def answer(request_id: int):
    """The person picked up the call we placed: greet them, then a person or their menu."""
    sid = _call_sid()
    callback = db.session.get(CallbackRequest, request_id) if request_id <= MAX_ID else None
    if callback is None:
        abort(404)
    now = datetime.now(timezone.utc)
    # the status callback says so too, but this request proves it even if that one is lost
    answered(request_id, now)
    caller = Caller(sid, callback.caller, to_e164(request.form.get("From", "")))
    response = answer_callback(callback, caller, now)
    db.session.commit()
    return twiml(response)


@bp.post("/callback/<int:request_id>/status")
@twilio_request
def status(request_id: int):
    """A status callback of one attempt: ringing, answered, or how it ended."""
    sid, call_status, attempt_id = _call_sid(), request.form.get("CallStatus", ""), _attempt_id()
    if not call_status or len(call_status) > 20:
        abort(400, "CallStatus is required")
    if request_id > MAX_ID:
        abort(404)
    duration = seconds(request.form.get("CallDuration"))
    result = apply_call_status(request_id, attempt_id, sid, call_status, duration)
    if result is None:
        abort(404)
    if call_status in ANSWERED:  # the call's own row exists once the person picked up (answer())
        store.update_call_status(sid, call_status, duration)
        db.session.commit()
    return "", 204


@bp.errorhandler(Exception)
def unexpected(error):
    """A failure while a person is on the line: a short apology rather than Twilio's error message."""
    if isinstance(error, HTTPException):
        return error
    db.session.rollback()
    log.exception("callback webhook failed: %s", request.path)
    if not verified():  # never act on a form whose signature was not found ours
        return Forbidden()
    if request.path.endswith("/status"):
        return "", 500
    response = VoiceResponse()
    if request.path.endswith("/missed"):
        response.reject(reason="busy")
    else:  # the catalogue's apology is in both languages
        response.say(current_app.extensions["voice"].speech.catalogue.text("ky", "fallback.apology"),
                     language=SAY_LANGUAGE["ky"])
        response.hangup()
    return twiml(response)
