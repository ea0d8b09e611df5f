"""Operator console: accounts, the audit log, login throttles

Revision ID: c0501e000001
Revises: d1ec70000001

Written by hand. ``operators`` are the console's accounts (``flask operator create``);
``audit_log`` keeps every change made in the console and every page that showed full numbers
(indexed by target: a callback's page shows its history); ``login_throttles`` counts login attempts
per account and per address for every process (indexed by the window's start: the login page
deletes rows whose window is long over).
"""

import sqlalchemy as sa
from alembic import op

revision = "c0501e000001"
down_revision = "d1ec70000001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "operators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operators")),
        sa.UniqueConstraint("name", name=op.f("uq_operators_name")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("address", sa.String(length=45), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=120), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_target"), "audit_log", ["target"], unique=False)
    op.create_table(
        "login_throttles",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("window_started_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttles")),
    )
    op.create_index(op.f("ix_login_throttles_window_started_at"), "login_throttles", ["window_started_at"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_login_throttles_window_started_at"), table_name="login_throttles")
    op.drop_table("login_throttles")
    op.drop_index(op.f("ix_audit_log_target"), table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_table("operators")
