"""``INSERT ... ON CONFLICT`` for the two databases we run on: one statement, no read first."""

from sqlalchemy.dialects import postgresql, sqlite

from hotline.extensions import db


def insert_for(model):
    """An ``insert()`` of the session's dialect, with ``on_conflict_do_nothing/update`` available."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(model)
