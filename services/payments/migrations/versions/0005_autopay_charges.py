"""Autopay charges with their attempts, and where each account's balance stands to its threshold.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "autopay_charges",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("account_id", sa.String(64), nullable=False, index=True),
        sa.Column("trigger", sa.String(16), nullable=False),
        sa.Column("amount", sa.Numeric(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.String(64)),
        sa.Column("due_date", sa.Date()),
        sa.Column("order_id", sa.String(80)),
        sa.Column("payment_id", sa.String(64)),
        sa.Column("reason", sa.String(500)),
    )
    op.create_index("autopay_charges_invoice", "autopay_charges", ["invoice_id"], unique=True,
                    postgresql_where=sa.text("invoice_id IS NOT NULL"))
    op.create_index("autopay_charges_due", "autopay_charges", ["next_attempt_at"],
                    postgresql_where=sa.text("status IN ('scheduled', 'unknown')"))
    op.create_table(
        "autopay_balances",
        sa.Column("account_id", sa.String(64), primary_key=True),
        sa.Column("below", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("autopay_balances")
    op.drop_table("autopay_charges")
