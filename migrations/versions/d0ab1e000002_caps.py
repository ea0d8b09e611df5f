"""Caps: counters of the abuse caps (hotline.caps)

Revision ID: d0ab1e000002
Revises: c0501e000001

Written by hand. One row a cap, a window and a subject (a CallSid, a number, or "" for a cap over
all numbers), counted up with INSERT … ON CONFLICT DO UPDATE … RETURNING in each request's
transaction. Callback requests and outbound SMS gain no column: a refused one is written with the
status ``refused`` and its reason in ``last_error`` / ``error``.
"""

import sqlalchemy as sa
from alembic import op

revision = "d0ab1e000002"
down_revision = "c0501e000001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "cap_counters",
        sa.Column("cap", sa.String(length=40), nullable=False),
        sa.Column("window_start", sa.DateTime(), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("cap", "window_start", "subject", name=op.f("pk_cap_counters")),
    )


def downgrade():
    op.drop_table("cap_counters")
