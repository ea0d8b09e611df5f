"""Twilio at the edges: request signatures, TwiML responses, and the REST client.

Every ``/twilio/*`` endpoint is wrapped in :func:`twilio_request`: a request whose
``X-Twilio-Signature`` does not match is answered 403. The URL signed is ``PUBLIC_BASE_URL`` + path
when that is set (Twilio signs the address it called, which a proxy hides from us).
"""

from functools import wraps

from flask import Response, abort, current_app, request
from twilio.base.exceptions import TwilioException
from twilio.request_validator import RequestValidator
from twilio.rest import Client

__all__ = ["TwilioException", "rest_client", "signed_url", "twilio_request", "twiml"]


def signed_url() -> str:
    """The URL Twilio signed for this request."""
    base = current_app.config["PUBLIC_BASE_URL"]
    if not base:
        return request.url
    query = request.query_string.decode()
    return base + request.path + (f"?{query}" if query else "")


def twilio_request(view):
    """Reject (403) a request not signed with our auth token; pass signed ones to ``view``."""

    @wraps(view)
    def checked(*args, **kwargs):
        signature = request.headers.get("X-Twilio-Signature", "")
        validator = RequestValidator(current_app.config["TWILIO_AUTH_TOKEN"])
        params = request.form.to_dict() if request.method == "POST" else {}
        if not signature or not validator.validate(signed_url(), params, signature):
            abort(403)
        return view(*args, **kwargs)

    return checked


def twiml(response) -> Response:
    """A TwiML document (``VoiceResponse`` / ``MessagingResponse``) as ``text/xml``."""
    return Response(str(response), mimetype="text/xml")


def rest_client() -> Client:
    """A REST client for our account, talking to ``TWILIO_API_BASE`` (a fake server in tests)."""
    config = current_app.config
    client = Client(config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"])
    client.api.base_url = config["TWILIO_API_BASE"]
    return client
