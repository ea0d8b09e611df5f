"""Cookie sessions only where a person with a browser is: Twilio's webhooks carry no session.

Opening (and later saving) a signed cookie session costs a serializer per request; Twilio never
sends one, so its endpoints get Flask's null session instead.
"""

from flask.sessions import SecureCookieSessionInterface

STATELESS_PREFIXES = ("/twilio/", "/audio/", "/healthz")


class BrowserSessionInterface(SecureCookieSessionInterface):
    def open_session(self, app, request):
        if request.path.startswith(STATELESS_PREFIXES):
            return None  # Flask substitutes a null session
        return super().open_session(app, request)
