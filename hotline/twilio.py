"""Twilio at the edges: request signatures, TwiML responses, and the REST client.

Every ``/twilio/*`` endpoint is wrapped in :func:`twilio_request`. It fails closed: a request is
passed to its view only when the Twilio library's ``RequestValidator`` says its
``X-Twilio-Signature`` is ours; anything else (no signature, a wrong one, an odd byte, a ``Host``
that is not a host, a missing token, any exception at all) is a 403 before anything is read or
written. The URL checked is ``PUBLIC_BASE_URL`` + path + query when that is set, as Twilio signs the
address it called (which a proxy hides from us); only a development setup, with no
``PUBLIC_BASE_URL``, trusts the request's own ``Host``.
"""

import logging
from functools import wraps
from urllib.parse import quote, urlsplit

from flask import Response, abort, current_app, g, request
from twilio.base.exceptions import TwilioException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import SIGNATURE_SETTINGS_HEADER, RequestValidator, get_signature_algorithm
from twilio.rest import Client

__all__ = ["TwilioException", "rest_client", "signed_url", "twilio_request", "twiml", "verified"]
log = logging.getLogger(__name__)
MAX_SIGNATURE = 128  # an HMAC-SHA256 in base64 is 44 characters


def signed_url() -> str:
    """The URL Twilio signed for this request: the public base (or, in development, the scheme and
    ``Host`` the request came with), then the path and query as Twilio called them."""
    base = current_app.config["PUBLIC_BASE_URL"] or request.host_url.rstrip("/")
    host = urlsplit(base)
    if not host.hostname or (host.port is None and ":" in host.netloc):  # .port raises for "99999", "abc"
        raise ValueError(f"no host to check a signature against: {base!r}")
    path = quote(request.script_root + request.path, safe="/:@!$&'()*+,;=-._~")
    query = request.query_string.decode("ascii")
    return base + path + (f"?{query}" if query else "")


def signature_is_valid() -> bool:
    """Whether the request carries our signature. Never raises: any failure is a no."""
    try:
        signature = request.headers.get("X-Twilio-Signature", "")
        token = current_app.config["TWILIO_AUTH_TOKEN"]
        if not signature or len(signature) > MAX_SIGNATURE or not signature.isascii() or not token:
            return False
        algorithm = get_signature_algorithm(request.headers.get(SIGNATURE_SETTINGS_HEADER))
        params = request.form if request.method == "POST" else {}
        return RequestValidator(token).validate(signed_url(), params, signature, algorithm=algorithm) is True
    except Exception:  # a bad Host, an undecodable form, a broken setting: refused, never let through
        log.warning("twilio signature check failed on %s", request.path, exc_info=True)
        return False


def twilio_request(view):
    """Refuse (403) a request not signed with our auth token; mark signed ones and pass them on."""

    @wraps(view)
    def checked(*args, **kwargs):
        if not signature_is_valid():
            abort(403)
        g.twilio_verified = True
        if any("\x00" in value for values in request.form.listvalues() for value in values):
            # no Twilio form holds a NUL, and PostgreSQL text cannot store one: refused, not an apology
            abort(400, "a NUL character in the form")
        return view(*args, **kwargs)

    return checked


def verified() -> bool:
    """Whether this request's signature was checked and found ours (error handlers act only then)."""
    return g.get("twilio_verified", False) is True


def twiml(response) -> Response:
    """A TwiML document (``VoiceResponse`` / ``MessagingResponse``, or one already rendered) as ``text/xml``."""
    return Response(str(response), mimetype="text/xml")


def rest_client() -> Client:
    """A REST client for our account, talking to ``TWILIO_API_BASE`` (a fake server in tests). A call
    that hangs ends after ``TWILIO_REST_TIMEOUT`` seconds (requests' default is to wait forever, and
    a worker waiting forever sends nothing else)."""
    config = current_app.config
    client = Client(config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"],
                    http_client=TwilioHttpClient(timeout=config["TWILIO_REST_TIMEOUT"]))
    client.api.base_url = config["TWILIO_API_BASE"]
    return client
