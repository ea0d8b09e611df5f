"""Recording a callback request: one open request per number; a second trigger refreshes it."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hotline.callbacks.models import CallbackRequest
from hotline.extensions import db
from hotline.timeutil import utcnow


def request_callback(caller: str, *, source: str, language: str | None = None, topic: str | None = None,
                     call_sid: str | None = None) -> tuple[CallbackRequest, bool]:
    """Record that ``caller`` wants a call back; returns the request and whether it is new.

    Commits, because the caller is told "we will call you" right after. An open request for the
    same number is refreshed (topic, language) rather than duplicated.
    """
    if source not in CallbackRequest.SOURCES:
        raise ValueError(f"unknown callback source {source!r}")
    existing = _open_request(caller)
    if existing is None:
        request = CallbackRequest(caller=caller, source=source, language=language, topic=topic,
                                  call_sid=call_sid, next_attempt_at=utcnow())
        db.session.add(request)
        try:
            db.session.commit()
            return request, True
        except IntegrityError:  # another trigger for the same number won the race
            db.session.rollback()
            existing = _open_request(caller)
    existing.topic = topic or existing.topic
    existing.language = language or existing.language
    existing.updated_at = utcnow()
    db.session.commit()
    return existing, False


def _open_request(caller: str) -> CallbackRequest | None:
    return db.session.scalar(select(CallbackRequest).where(
        CallbackRequest.caller == caller, CallbackRequest.status.in_(CallbackRequest.OPEN)))
