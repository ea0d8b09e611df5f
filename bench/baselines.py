"""The yardsticks the webhooks are measured against, served by gunicorn exactly as the hotline is.

    gunicorn --chdir bench --workers 2 baselines:bare
    DATABASE_URL=... gunicorn --chdir bench --workers 2 baselines:durable

``bare`` answers every POST with constant TwiML. ``durable`` does the same after inserting one row
into a tiny table through Flask-SQLAlchemy's ``db.session`` and committing it: the least a webhook
that keeps what it answered can do. It uses the database the hotline uses (``DATABASE_URL``), with
the same SQLite settings as ``hotline/extensions.py`` (WAL, ``synchronous=NORMAL``), so the ratio to
it is the cost of the hotline's own work. Call :func:`create_table` once before serving it.
"""

import os
from datetime import datetime, timezone

from flask import Flask, Response, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, event
from sqlalchemy.orm import Mapped, mapped_column

TWIML = ('<?xml version="1.0" encoding="UTF-8"?><Response><Gather action="/twilio/voice/flow/main/menu?l=ky" '
         'finishOnKey="" method="POST" numDigits="1" timeout="7"><Say language="ru-RU">Негизги меню.</Say>'
         '</Gather></Response>')

bare = Flask("bare")


@bare.post("/<path:anything>")
def constant(anything):
    """The same TwiML for every path."""
    return Response(TWIML, mimetype="text/xml")


durable = Flask("durable")
durable.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get("DATABASE_URL", "sqlite:///durable.db")
db = SQLAlchemy()
db.init_app(durable)


class Hit(db.Model):
    """One request: its path and when it came."""

    __tablename__ = "bench_hits"
    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column()


@durable.post("/<path:anything>")
def committed(anything):
    """One row inserted and committed, then the same TwiML."""
    db.session.add(Hit(path=request.path, at=datetime.now(timezone.utc).replace(tzinfo=None)))
    db.session.commit()
    return Response(TWIML, mimetype="text/xml")


def _sqlite_settings(dbapi_connection, connection_record):
    """The hotline's SQLite settings (hotline/extensions.py), so both pay the same for a commit."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


with durable.app_context():
    event.listen(db.engine, "connect", _sqlite_settings)


def create_table() -> None:
    """Create ``bench_hits`` in ``DATABASE_URL`` (before the workers start, so they do not race)."""
    with durable.app_context():
        db.create_all()
