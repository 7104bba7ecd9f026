"""users.keep_answers: keep a reflection without asking first (issue 12; default off)

Revision ID: 0020_keep_answers
Revises: 0019_i15_inbox_outbox
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_keep_answers"
down_revision = "0019_i15_inbox_outbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("keep_answers", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("keep_answers")
