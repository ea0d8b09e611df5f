"""caller_preferences: updated_at indexed

Revision ID: ca11e7e00002
Revises: ca11e7e00001

Written by hand. Each web process holds the languages callers chose (hotline.voice.languages) and
looks every second for the rows changed since it last looked: by ``updated_at``. The rows change
only when someone chooses a language, so the index costs nothing a call would notice.
"""

from alembic import op

revision = "ca11e7e00002"
down_revision = "ca11e7e00001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_caller_preferences_updated_at", "caller_preferences", ["updated_at"], unique=False)


def downgrade():
    op.drop_index("ix_caller_preferences_updated_at", table_name="caller_preferences")
