"""Exact money: charges name their VAT rate, carries round per period, late lines, VAT per rate.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("ledger", sa.Column("vat_rate", sa.Numeric(), nullable=True))
    op.add_column("ledger", sa.Column("vat_included", sa.Boolean(), nullable=False,
                                      server_default=sa.text("false")))
    op.add_column("invoice_lines", sa.Column("late", sa.Boolean(), nullable=False,
                                             server_default=sa.text("false")))
    op.add_column("invoice_lines", sa.Column("usage_date", sa.Date(), nullable=True))
    op.add_column("invoices", sa.Column("vat_breakdown", JSONB(), nullable=False,
                                        server_default=sa.text("'[]'::jsonb")))
    op.create_table(
        "carries",
        sa.Column("account_id", sa.String(64), primary_key=True),
        sa.Column("period", sa.Date(), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("base", sa.Numeric(), nullable=False),
        sa.Column("posted", sa.Numeric(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("carries")
    op.drop_column("invoices", "vat_breakdown")
    op.drop_column("invoice_lines", "usage_date")
    op.drop_column("invoice_lines", "late")
    op.drop_column("ledger", "vat_included")
    op.drop_column("ledger", "vat_rate")
