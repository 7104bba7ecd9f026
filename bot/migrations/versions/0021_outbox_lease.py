"""telegram_outbox.lease_until: replies left behind are sent by a sweeper (issue 15)

Revision ID: 0021_outbox_lease
Revises: 0020_keep_answers

A turn now deletes its update from the inbox in its own transaction; a reply it recorded
and did not get sent (the process died) is found by its lease running out, not by handling
the update again. NULL (a row of an older version) counts as run out.
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_outbox_lease"
down_revision = "0020_keep_answers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "telegram_outbox", sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True)
    )
    op.drop_index("ix_telegram_outbox_key", "telegram_outbox")
    op.create_index("ix_telegram_outbox_lease", "telegram_outbox", ["lease_until"])


def downgrade() -> None:
    op.drop_index("ix_telegram_outbox_lease", "telegram_outbox")
    op.create_index("ix_telegram_outbox_key", "telegram_outbox", ["delivery_key", "id"])
    if op.get_bind().dialect.name == "sqlite":  # SQLite >= 3.35 drops a column in place
        op.execute("ALTER TABLE telegram_outbox DROP COLUMN lease_until")
    else:
        op.drop_column("telegram_outbox", "lease_until")
