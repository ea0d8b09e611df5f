"""Worker heartbeats: proof that a Celery worker is consuming from the broker."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from hotline.extensions import db
from hotline.timeutil import utcnow


class Heartbeat(db.Model):
    """One heartbeat task run by a worker (beat sends one a minute; tests send their own nonce)."""

    __tablename__ = "heartbeats"

    id: Mapped[int] = mapped_column(primary_key=True)
    worker: Mapped[str] = mapped_column(String(200))  # the worker's hostname
    nonce: Mapped[str | None] = mapped_column(String(64), index=True)  # tests look their beat up by it
    seen_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)  # /healthz reads the latest


def record_heartbeat(worker: str, nonce: str | None = None) -> Heartbeat:
    """Store a heartbeat from ``worker`` and commit it."""
    beat = Heartbeat(worker=worker, nonce=nonce)
    db.session.add(beat)
    db.session.commit()
    return beat
