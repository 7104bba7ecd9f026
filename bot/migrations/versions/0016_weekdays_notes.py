"""issue 16: any set of weekdays for the daily question; the notes of the notebook

Revision ID: 0016_weekdays_notes
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_weekdays_notes"
down_revision = "0013_delivery_backoff"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("prompt_schedules", schema=None) as batch_op:
        batch_op.add_column(sa.Column("weekdays", sa.Integer(), nullable=True))
    # existing rows keep their setting: workdays (31) or every day (127)
    op.execute(
        "UPDATE prompt_schedules SET weekdays = CASE WHEN weekdays_only THEN 31 ELSE 127 END"
    )
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.String(length=64), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.create_index("ix_notes_user_created", ["user_id", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.drop_index("ix_notes_user_created")
    op.drop_table("notes")
    with op.batch_alter_table("prompt_schedules", schema=None) as batch_op:
        batch_op.drop_column("weekdays")
