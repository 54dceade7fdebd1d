"""The day a payment reminder went out for an invoice: one reminder per invoice; and the
unpaid invoices by due date, which the overdue and reminder jobs pick a chunk at a time.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("invoices", sa.Column("reminded_on", sa.Date()))
    op.create_index("invoices_unpaid_by_due_date", "invoices", ["due_date", "id"],
                    postgresql_where=sa.text("status IN ('issued', 'partially_paid')"))


def downgrade() -> None:
    op.drop_index("invoices_unpaid_by_due_date", table_name="invoices")
    op.drop_column("invoices", "reminded_on")
