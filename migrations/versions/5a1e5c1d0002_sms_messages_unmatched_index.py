"""sms_messages: the unmatched messages indexed by time

Revision ID: 5a1e5c1d0002
Revises: 5a1e5c1d0001

Written by hand. ``flask report unmatched`` reads the messages nobody understood over a period. A
partial index holds only those rows, by ``created_at``: the few per cent of messages that match
nothing cost one more B-tree insert each, the rest of the log nothing.
"""

import sqlalchemy as sa
from alembic import op

revision = "5a1e5c1d0002"
down_revision = "5a1e5c1d0001"
branch_labels = None
depends_on = None


UNMATCHED = sa.text("status = 'unmatched'")


def upgrade():
    op.create_index("ix_sms_messages_unmatched", "sms_messages", ["created_at"], unique=False,
                    sqlite_where=UNMATCHED, postgresql_where=UNMATCHED)


def downgrade():
    op.drop_index("ix_sms_messages_unmatched", table_name="sms_messages")
