"""Billing runs at scale: the accounts a run could not bill with their reasons, and the
invoices of a run found by their run.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "billing_run_failures",
        sa.Column("run_id", sa.String(64), sa.ForeignKey("billing_runs.id"), primary_key=True),
        sa.Column("account_id", sa.String(64), primary_key=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("invoices_run", "invoices", ["run_id"])


def downgrade() -> None:
    op.drop_index("invoices_run", table_name="invoices")
    op.drop_table("billing_run_failures")
