"""issue 15: the durable Telegram inbox and outbox; deliveries keyed by bot, update and digest

Revision ID: 0019_i15_inbox_outbox
Revises: 0018_web_chat

processed_updates is made again with a text key (bot id, update id, a digest of the update):
keyed on the update id alone, another token on the same database or Telegram's counter
starting again silenced users. Its old rows are dropped: they only guarded re-deliveries of
updates handled before the upgrade (Telegram re-delivers within a day, and the inbox now
acknowledges an update only once it is stored).
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_i15_inbox_outbox"
down_revision = "0018_web_chat"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("processed_updates")
    op.create_table(
        "processed_updates",
        sa.Column("delivery_key", sa.String(64), primary_key=True),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "telegram_inbox",
        sa.Column("delivery_key", sa.String(64), primary_key=True),
        sa.Column("bot_id", sa.BigInteger(), nullable=False),
        sa.Column("update_id", sa.BigInteger(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_index("ix_telegram_inbox_lease", "telegram_inbox", ["lease_until"])
    op.create_table(
        "telegram_outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("delivery_key", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_telegram_outbox_key", "telegram_outbox", ["delivery_key", "id"])


def downgrade() -> None:
    op.drop_index("ix_telegram_outbox_key", "telegram_outbox")
    op.drop_table("telegram_outbox")
    op.drop_index("ix_telegram_inbox_lease", "telegram_inbox")
    op.drop_table("telegram_inbox")
    op.drop_table("processed_updates")
    op.create_table(
        "processed_updates",
        sa.Column("update_id", sa.BigInteger(), primary_key=True),
        sa.Column(
            "user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=True
        ),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
    )
