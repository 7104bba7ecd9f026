"""web chat: sessions, waiting prompts, /koppel codes (issue 18)

Revision ID: 0018_web_chat
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_web_chat"
down_revision = "0017_org_insights"
branch_labels = None
depends_on = None


def _user_id() -> sa.Column:
    return sa.Column(
        "user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        _user_id(),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_web_sessions_user", "web_sessions", ["user_id"])
    op.create_table(
        "web_pending",
        sa.Column("id", sa.Integer(), primary_key=True),
        _user_id(),
        sa.Column("replies", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_web_pending_user", "web_pending", ["user_id", "id"])
    op.create_table(
        "link_codes",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        _user_id(),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("link_codes")
    op.drop_index("ix_web_pending_user", "web_pending")
    op.drop_table("web_pending")
    op.drop_index("ix_web_sessions_user", "web_sessions")
    op.drop_table("web_sessions")
