"""issue 17: organisations whose team insight is enabled

Revision ID: 0017_org_insights
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_org_insights"
down_revision = "0016_weekdays_notes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "org_insights",
        sa.Column("organisation", sa.String(length=120), nullable=False),
        sa.Column("enabled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("organisation"),
    )


def downgrade() -> None:
    op.drop_table("org_insights")
