"""``POST /twilio/sms``: the hotline number's Messaging URL. Checks the signature like every webhook.

A malformed request gets a 4xx; anything that goes wrong while answering gets a short apology in
both languages as ``<Message>``, never a 500 (Twilio would send the person nothing).
"""

import logging
import re

from flask import Blueprint, Response, abort, current_app, request
from twilio.twiml.messaging_response import MessagingResponse
from werkzeug.exceptions import HTTPException

from hotline.extensions import db
from hotline.messaging.models import SmsMessage
from hotline.phones import to_e164
from hotline.sms.engine import Inbound, SmsEngine
from hotline.sms.log import LogEntry
from hotline.sms.normalize import script_of
from hotline.timeutil import utcnow
from hotline.twilio import twilio_request, twiml

log = logging.getLogger(__name__)
bp = Blueprint("sms", __name__, url_prefix="/twilio/sms")
MAX_BODY = 1600  # Twilio's limit for one (concatenated) message
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def engine() -> SmsEngine:
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
    return reply(engine().handle(inbound_from_request()))


def reply(text: str | None) -> Response:
    """``<Response><Message>text</Message></Response>`` (no text: ``<Response/>``), made by the
    Twilio library once per distinct text: most replies are the same few pages."""
    documents = engine().twiml
    document = documents.get(text)
    if document is None:
        response = MessagingResponse()
        if text:
            response.message(text)
        document = str(response)
        if len(documents) >= 4096:
            documents.clear()
        documents[text] = document
    return Response(document, mimetype="text/xml")


def apology() -> MessagingResponse:
    """Both languages, from memory, in the alphabet the person wrote in; logged if possible."""
    body = request.form.get("Body") or ""
    sms = engine().renderer.render(
        [engine().texts.get(lang, "apology") for lang in ("ky", "ru")], script_of(body[:MAX_BODY]))
    response = MessagingResponse()
    response.message(sms.text)
    try:
        inbound = inbound_from_request()
        row = {"external_id": inbound.sid, "direction": SmsMessage.INBOUND, "caller": inbound.caller,
               "hotline_number": inbound.to, "body": inbound.body, "normalized": None, "command": None,
               "encoding": None, "segments": None, "status": SmsMessage.RECEIVED,
               "error": "failed while answering", "call_sid": None, "reply_to_id": None,
               "created_at": inbound.at, "updated_at": inbound.at}
        reply = row | {"external_id": None, "direction": SmsMessage.OUTBOUND, "body": sms.text, "error": None,
                       "encoding": sms.encoding, "segments": sms.segments, "status": SmsMessage.REPLIED}
        engine().log.add(db.engine, LogEntry(row, reply))
    except Exception:  # the request itself may be what failed
        log.exception("sms: could not log the failed message")
    return response


@bp.errorhandler(Exception)
def unexpected(error):
    """A failure while answering: apologise instead of a 500."""
    if isinstance(error, HTTPException):
        return error
    db.session.rollback()
    log.exception("sms webhook failed")
    return twiml(apology())
