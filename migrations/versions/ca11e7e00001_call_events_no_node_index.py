"""call_events: no index on node

Revision ID: ca11e7e00001
Revises: 5a1e5c1d0002

Written by hand. The index was there for "drop-off per menu", but drop-off is a property of a
call's last step, not of a node's rows: ``flask report menus`` reads the events of the calls in a
period (by ``calls.started_at``, then ``call_events.call_sid``), and nothing reads events by node.
Every step of every call wrote an entry into it.
"""

from alembic import op

revision = "ca11e7e00001"
down_revision = "5a1e5c1d0002"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_call_events_node", table_name="call_events")


def downgrade():
    op.create_index("ix_call_events_node", "call_events", ["node"], unique=False)
