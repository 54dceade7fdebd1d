"""The day a payment reminder went out for an invoice: one reminder per invoice.

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


def downgrade() -> None:
    op.drop_column("invoices", "reminded_on")
