"""SMS conversations (numeric menus, flood cap)

Revision ID: 5a1e5c0de001
Revises: fe9a7d8018ea

Written by hand: one table, ``sms_conversations`` (hotline/sms/models.py), named by the metadata's
naming convention (hotline/extensions.py).
"""

import sqlalchemy as sa
from alembic import op

revision = "5a1e5c0de001"
down_revision = "fe9a7d8018ea"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sms_conversations",
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("script", sa.String(length=8), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=True),
        sa.Column("region", sa.String(length=40), nullable=True),
        sa.Column("place", sa.String(length=40), nullable=True),
        sa.Column("menu", sa.JSON(), nullable=True),
        sa.Column("menu_at", sa.DateTime(), nullable=True),
        sa.Column("last_command", sa.String(length=40), nullable=True),
        sa.Column("last_sid", sa.String(length=64), nullable=True),
        sa.Column("last_reply", sa.Text(), nullable=True),
        sa.Column("window_started_at", sa.DateTime(), nullable=True),
        sa.Column("replies", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_sms_conversations")),
    )


def downgrade():
    op.drop_table("sms_conversations")
