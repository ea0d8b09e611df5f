"""caller_preferences: the region a number chose and the answer it heard last

Revision ID: ca11e7e00003
Revises: d0ab1e000002

Written by hand. A returning caller hears the answer they heard last offered first ("1 – Naryn
oblast, free legal aid"), and a region's offices are read for the region the number chose before:
three nullable columns on the row that already holds the number's language, written in the
webhook's own transaction.
"""

import sqlalchemy as sa
from alembic import op

revision = "ca11e7e00003"
down_revision = "d0ab1e000002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("caller_preferences") as batch:
        batch.add_column(sa.Column("region", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("last_node", sa.String(length=80), nullable=True))
        batch.add_column(sa.Column("last_topic", sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table("caller_preferences") as batch:
        batch.drop_column("last_topic")
        batch.drop_column("last_node")
        batch.drop_column("region")
