"""Callback dispatch

Revision ID: cb11bac00001
Revises: 5a1e5c0de001
"""

revision = "cb11bac00001"
down_revision = "5a1e5c0de001"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
