"""sms_messages: the outbox indexed, created_at not

Revision ID: 5a1e5c1d0001
Revises: 5a1e5c4ec001

Written by hand. The flood cap used to count a number's messages of the last hour by
``created_at``; it now keeps its window on the conversation row (``sms_conversations.replies``), and
nothing reads messages by time. Every SMS writes two rows, so the index cost two B-tree inserts a
message for no reader. The log is read by id (newest first) and by caller, which keep their indexes.

The outbox sweeper (``hotline.messaging.outbound.queued_ids``) looks for outbound messages still
``pending``: without an index it walked the whole log by id. A partial index holds only those rows,
so the log's other rows cost it nothing.
"""

import sqlalchemy as sa
from alembic import op

revision = "5a1e5c1d0001"
down_revision = "5a1e5c4ec001"
branch_labels = None
depends_on = None


OUTBOX = sa.text("status = 'pending' AND direction = 'outbound'")


def upgrade():
    op.drop_index("ix_sms_messages_created_at", table_name="sms_messages")
    op.create_index("ix_sms_messages_outbox", "sms_messages", ["id"], unique=False,
                    sqlite_where=OUTBOX, postgresql_where=OUTBOX)


def downgrade():
    op.drop_index("ix_sms_messages_outbox", table_name="sms_messages")
    op.create_index("ix_sms_messages_created_at", "sms_messages", ["created_at"], unique=False)
