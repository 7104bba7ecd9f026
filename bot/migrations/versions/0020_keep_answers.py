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
    # a plain ADD COLUMN, not a batch copy: on SQLite a batch rebuild of `users` drops the old
    # table, and with foreign keys on that cascades to every row that refers to a user
    op.add_column(
        "users",
        sa.Column("keep_answers", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":  # SQLite >= 3.35 drops a column in place
        op.execute("ALTER TABLE users DROP COLUMN keep_answers")
    else:
        op.drop_column("users", "keep_answers")
