"""``POST /twilio/sms``: the hotline number's Messaging URL. Checks the signature like every webhook.

The message, its reply and the conversation after it are committed before the reply goes out. A
malformed request gets a 4xx; anything that goes wrong while answering gets a short apology in both
languages as ``<Message>``, never a 500 (Twilio would send the person nothing).
"""

import logging
import re

from flask import Blueprint, abort, current_app, request
from sqlalchemy.exc import OperationalError
from twilio.twiml.messaging_response import MessagingResponse
from werkzeug.exceptions import Forbidden, HTTPException

from hotline.extensions import db
from hotline.messaging.models import SmsMessage
from hotline.phones import to_e164
from hotline.sms.pipeline import Inbound, SmsPipeline
from hotline.sms import record
from hotline.sms.normalize import script_of
from hotline.timeutil import utcnow
from hotline.twilio import twilio_request, twiml, verified

log = logging.getLogger(__name__)
bp = Blueprint("sms", __name__, url_prefix="/twilio/sms")
MAX_BODY = 1600  # Twilio's limit for one (concatenated) message
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def pipeline() -> SmsPipeline:
    return current_app.extensions["sms"]


def inbound_from_request() -> Inbound:
    """The message Twilio posted; 400 when a field we need is missing or cannot be a real one."""
    form = request.form
    sid, sender, body = form.get("MessageSid", ""), form.get("From", ""), form.get("Body")
    if not sid or len(sid) > 64 or not sid.isalnum():
        abort(400, "MessageSid is required")
    if body is None or len(body) > MAX_BODY:
        abort(400, f"Body is required, at most {MAX_BODY} characters")
    caller = sender if _E164.match(sender) else to_e164(sender)  # Twilio sends E.164: skip the parser
    if caller is None:
        abort(400, "From must be a phone number")
    to = form.get("To", "")
    return Inbound(sid, caller, to[:20] or None, body, utcnow())


@bp.post("")
@twilio_request
def incoming():
    """An incoming SMS: the reply as ``<Message>``, or an empty ``<Response/>`` (past the flood cap)."""
    text = pipeline().handle(inbound_from_request())
    db.session.commit()
    response = MessagingResponse()
    if text:
        response.message(text)
    return twiml(response)


def apology(database_failed: bool = False) -> MessagingResponse:
    """Both languages, from memory, in the alphabet the person wrote in; logged if the database can
    take it (not tried when the database is what failed: a second try would wait out its timeout)."""
    body = request.form.get("Body") or ""
    sms = pipeline().renderer.render(
        [pipeline().texts.get(lang, "apology") for lang in ("ky", "ru")], script_of(body[:MAX_BODY]))
    response = MessagingResponse()
    response.message(sms.text)
    if database_failed:
        return response
    try:
        inbound = inbound_from_request()
        message = SmsMessage(external_id=inbound.sid, direction=SmsMessage.INBOUND, caller=inbound.caller,
                             hotline_number=inbound.to, body=inbound.body, status=SmsMessage.RECEIVED,
                             error="failed while answering", created_at=inbound.at, updated_at=inbound.at)
        reply = SmsMessage(direction=SmsMessage.OUTBOUND, caller=inbound.caller, hotline_number=inbound.to,
                           body=sms.text, encoding=sms.encoding, segments=sms.segments, status=SmsMessage.REPLIED,
                           created_at=inbound.at, updated_at=inbound.at)
        record.record_message(message, reply)
        db.session.commit()
    except Exception:  # the request itself, or the database, may be what failed
        db.session.rollback()
        log.exception("sms: could not log the failed message")
    return response


@bp.errorhandler(Exception)
def unexpected(error):
    """A failure while answering: apologise instead of a 500."""
    if isinstance(error, HTTPException):
        return error
    db.session.rollback()
    log.exception("sms webhook failed")
    if not verified():  # never act on a form whose signature was not found ours
        return Forbidden()
    return twiml(apology(database_failed=isinstance(error, OperationalError)))
