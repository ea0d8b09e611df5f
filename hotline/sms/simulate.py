"""Texting the hotline without a phone: signed requests through the real webhook, as Twilio sends them.

Used by ``flask simulate sms`` and by the golden SMS transcript tests. Each message gets a fresh
MessageSid; the reply is read from the TwiML (parsed, never matched as text).
"""

import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from twilio.request_validator import RequestValidator

from hotline.sms.segments import Segments, count_segments


@dataclass(frozen=True)
class Exchange:
    """One message sent and what came back (``reply`` None: the hotline stayed silent)."""

    sent: str
    reply: str | None
    segments: Segments | None


class SmsSimulator:
    """Send messages from one number to ``app``'s ``/twilio/sms``."""

    def __init__(self, app, caller: str = "+996555123456", to: str = "+996312000000"):
        self.app = app
        self.client = app.test_client()
        self.validator = RequestValidator(app.config["TWILIO_AUTH_TOKEN"])
        self.base = app.config["PUBLIC_BASE_URL"] or "http://localhost"
        self.caller, self.to = caller, to

    def send(self, body: str, sid: str | None = None) -> Exchange:
        """Post one message; its log rows are committed before the webhook answers."""
        params = {"MessageSid": sid or "SM" + uuid.uuid4().hex, "From": self.caller, "To": self.to,
                  "Body": body, "AccountSid": "AC" + "1" * 32, "NumSegments": "1"}
        signature = self.validator.compute_signature(self.base + "/twilio/sms", params)
        response = self.client.post("/twilio/sms", data=params, headers={"X-Twilio-Signature": signature})
        if response.status_code != 200 or response.mimetype != "text/xml":
            raise AssertionError(f"/twilio/sms answered {response.status_code} {response.mimetype}")
        messages = ET.fromstring(response.data).findall("./Message")
        if not messages:
            return Exchange(body, None, None)
        reply = "".join(messages[0].itertext())
        return Exchange(body, reply, count_segments(reply))

    def conversation(self, bodies: list[str]) -> list[Exchange]:
        """Send each message in turn, as a person would."""
        return [self.send(body) for body in bodies]
