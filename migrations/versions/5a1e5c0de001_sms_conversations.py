"""SMS conversations (numeric menus, flood cap)

Revision ID: 5a1e5c0de001
Revises: fe9a7d8018ea
"""

revision = "5a1e5c0de001"
down_revision = "fe9a7d8018ea"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
