"""The last ledger balance of each account in the replica: a closed account may still be paid
what it owes.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("accounts", sa.Column("balance", sa.Numeric()))
    op.add_column("accounts", sa.Column("balance_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    op.drop_column("accounts", "balance_at")
    op.drop_column("accounts", "balance")
