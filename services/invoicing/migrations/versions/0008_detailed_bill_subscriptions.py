"""Detailed bills keep their rows (one per rated record) for their JSON form; a monthly
subscription per account mails the previous month's outgoing records, once per month.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("detailed_bills", sa.Column("month", sa.String(7)))
    op.add_column("detailed_bills", sa.Column("rows", JSONB))
    op.create_index("detailed_bills_once_a_month", "detailed_bills", ["account_id", "month"],
                    unique=True, postgresql_where=sa.text("month IS NOT NULL"))
    op.create_table(
        "detailed_bill_subscriptions",
        sa.Column("account_id", sa.String(64), primary_key=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("since", sa.DateTime(timezone=True)),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("detailed_bill_subscriptions")
    op.drop_index("detailed_bills_once_a_month", table_name="detailed_bills")
    op.drop_column("detailed_bills", "rows")
    op.drop_column("detailed_bills", "month")
