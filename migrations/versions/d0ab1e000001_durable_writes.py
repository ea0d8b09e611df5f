"""Durable writes: call_events numbered by step; no updated_at index, no last_sid/last_reply

Revision ID: d0ab1e000001
Revises: ca11e7e00002

Written by hand. Every call event is now written in its webhook's transaction, and a Twilio retry
of the same step (the same URL, carrying the same step number) must add no second row: the key is
``(call_sid, step)``. Rows written before this have no step (NULL never conflicts). The
``updated_at`` index served the per-process copies of callers' languages, which are gone: a call
reads its number's row by primary key. A conversation no longer keeps its last MessageSid and
reply: a retried message is found in the log (``sms_messages.external_id``), with its reply.
"""

import sqlalchemy as sa
from alembic import op

revision = "d0ab1e000001"
down_revision = "ca11e7e00002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("call_events") as batch:
        batch.add_column(sa.Column("step", sa.Integer(), nullable=True))
    op.create_index("uq_call_events_call_sid_step", "call_events", ["call_sid", "step"], unique=True)
    op.drop_index("ix_caller_preferences_updated_at", table_name="caller_preferences")
    with op.batch_alter_table("sms_conversations") as batch:
        batch.drop_column("last_sid")
        batch.drop_column("last_reply")


def downgrade():
    with op.batch_alter_table("sms_conversations") as batch:
        batch.add_column(sa.Column("last_reply", sa.Text(), nullable=True))
        batch.add_column(sa.Column("last_sid", sa.String(length=64), nullable=True))
    op.create_index("ix_caller_preferences_updated_at", "caller_preferences", ["updated_at"], unique=False)
    op.drop_index("uq_call_events_call_sid_step", table_name="call_events")
    with op.batch_alter_table("call_events") as batch:
        batch.drop_column("step")
