"""The months the billing schedule closed: one row per period, so two processes start one run.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scheduled_runs",
        sa.Column("period_end", sa.Date(), primary_key=True),
        sa.Column("run_id", sa.String(64), sa.ForeignKey("billing_runs.id"), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("scheduled_runs")
