"""Callback dispatch

Revision ID: cb11bac00001
Revises: 5a1e5c0de001

Dispatch columns on callback_requests (the caller's zone, the number to call from, the claim's
expiry, the latest CallSid, Twilio errors in a row) and the dispatcher's index; one row per call
placed (callback_attempts); the shared dialing slot per Twilio account (dial_pacers).
"""

import sqlalchemy as sa
from alembic import op

revision = "cb11bac00001"
down_revision = "5a1e5c0de001"
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('pending', 'scheduled', 'dialing')")


def upgrade():
    with op.batch_alter_table("callback_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("timezone", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("hotline_number", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("claimed_until", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("external_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("dial_errors", sa.Integer(), server_default="0", nullable=False))
        batch_op.create_index("ix_callback_requests_due", ["status", "next_attempt_at"], unique=False)

    op.create_table(
        "callback_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["request_id"], ["callback_requests.id"],
                                name=op.f("fk_callback_attempts_request_id_callback_requests"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callback_attempts")),
        sa.UniqueConstraint("external_id", name=op.f("uq_callback_attempts_external_id")),
    )
    with op.batch_alter_table("callback_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_callback_attempts_request_id"), ["request_id"], unique=False)

    op.create_table(
        "dial_pacers",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("next_slot", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_dial_pacers")),
    )


def downgrade():
    op.drop_table("dial_pacers")
    with op.batch_alter_table("callback_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_callback_attempts_request_id"))
    op.drop_table("callback_attempts")
    # SQLite rebuilds the table to drop columns; the partial unique index is dropped first and made
    # again by hand, so its WHERE clause cannot be lost in the copy.
    op.drop_index("uq_callback_requests_open_caller", table_name="callback_requests")
    with op.batch_alter_table("callback_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_callback_requests_due")
        batch_op.drop_column("dial_errors")
        batch_op.drop_column("external_id")
        batch_op.drop_column("claimed_until")
        batch_op.drop_column("hotline_number")
        batch_op.drop_column("timezone")
    op.create_index("uq_callback_requests_open_caller", "callback_requests", ["caller"], unique=True,
                    sqlite_where=OPEN, postgresql_where=OPEN)
