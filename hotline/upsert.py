"""``INSERT ... ON CONFLICT`` for the two databases we run on: one statement, no read first."""

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from hotline.extensions import db


def insert_for(model, engine: Engine | None = None):
    """An ``insert()`` of ``engine``'s dialect (by default the session's), with
    ``on_conflict_do_nothing/update`` available."""
    dialect = (engine or db.session.get_bind()).dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(model)
