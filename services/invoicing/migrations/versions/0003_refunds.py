"""Refunds in the ledger: a refund entry names the payment entry it gives money back from.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("ledger", sa.Column("reverses", sa.String(64), sa.ForeignKey("ledger.id"),
                                      nullable=True))
    op.create_index("ledger_reverses", "ledger", ["reverses"],
                    postgresql_where=sa.text("reverses IS NOT NULL"))


def downgrade() -> None:
    op.drop_index("ledger_reverses", table_name="ledger")
    op.drop_column("ledger", "reverses")
