"""SMS: contact numbers and time zone, deliveries without an account (one-time codes), the last
balance seen per account.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("contacts", sa.Column("bill_sms", sa.String(32)))
    op.add_column("contacts", sa.Column("phone", sa.String(32)))
    op.add_column("contacts", sa.Column("timezone", sa.String(64)))
    op.alter_column("deliveries", "account_id", existing_type=sa.String(64), nullable=True)
    op.create_table(
        "balances",
        sa.Column("account_id", sa.String(64), primary_key=True),
        sa.Column("balance", sa.Numeric(20, 4), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("balances")
    op.execute("DELETE FROM deliveries WHERE account_id IS NULL")
    op.alter_column("deliveries", "account_id", existing_type=sa.String(64), nullable=False)
    for column in ("timezone", "phone", "bill_sms"):
        op.drop_column("contacts", column)
