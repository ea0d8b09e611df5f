"""directory_version: one number every change to the directory raises

Revision ID: d1ec70000001
Revises: d0ab1e000001

Written by hand. Each process keeps the directory's answers in memory and checks, at most once a
second, whether they are current: one read of this row by primary key. ``flask seed`` (and the
console) raise the number in the transaction that changes the directory.
"""

import sqlalchemy as sa
from alembic import op

revision = "d1ec70000001"
down_revision = "d0ab1e000001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "directory_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_version")),
    )


def downgrade():
    op.drop_table("directory_version")
