"""SMS eligibility checks (the rule being asked and the answers so far)

Revision ID: 5a1e5c4ec001
Revises: cb11bac00001

Written by hand: two nullable columns on ``sms_conversations`` (hotline/sms/models.py), so a
person answering ``KOMOK`` questions one SMS at a time can be asked the next one by any process.
"""

import sqlalchemy as sa
from alembic import op

revision = "5a1e5c4ec001"
down_revision = "cb11bac00001"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("sms_conversations", sa.Column("check_rule", sa.String(length=40), nullable=True))
    op.add_column("sms_conversations", sa.Column("check_answers", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("sms_conversations") as batch:
        batch.drop_column("check_answers")
        batch.drop_column("check_rule")
