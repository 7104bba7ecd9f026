"""prompt delivery backoff: failed attempts and the last error on the schedule

Revision ID: 0013_delivery_backoff
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_delivery_backoff"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("prompt_schedules") as batch:
        batch.add_column(
            sa.Column("failed_attempts", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("last_error", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("prompt_schedules") as batch:
        batch.drop_column("last_error")
        batch.drop_column("failed_attempts")
