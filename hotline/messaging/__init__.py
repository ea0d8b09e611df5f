"""SMS in and out: the message log, opt-outs, the outbox the send task drains, and its status callback."""

from flask import Blueprint, Flask, abort, request

from hotline.messaging import models  # noqa: F401  (the tables, for migrations)
from hotline.twilio import twilio_request

bp = Blueprint("messaging", __name__, url_prefix="/twilio/sms")


@bp.post("/status")
@twilio_request
def status():
    """Twilio's status callback for a message we sent."""
    from hotline.messaging.outbound import update_status

    sid, message_status = request.form.get("MessageSid"), request.form.get("MessageStatus")
    if not sid or not message_status:
        abort(400, "MessageSid and MessageStatus are required")
    update_status(sid, message_status[:20], request.form.get("ErrorCode"))
    return "", 204


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
