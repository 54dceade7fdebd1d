"""Recurring fees, plan changes, suspensions, invoiced periods and the late flag of usage.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_TABLES = ("fee_charges", "invoiced_periods", "suspensions", "line_plan_changes")


def _replica() -> None:
    op.add_column("lines", sa.Column("fees_through", sa.Date))
    op.create_table(
        "line_plan_changes",
        sa.Column("msisdn", sa.String(32), primary_key=True),
        sa.Column("effective_at", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("plan_code", sa.String(64), nullable=False),
    )
    op.create_table(
        "suspensions",
        sa.Column("account_id", sa.String(64), primary_key=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "invoiced_periods",
        sa.Column("account_id", sa.String(64), primary_key=True),
        sa.Column("period_end", sa.Date, nullable=False),
    )


def _fees() -> None:
    op.create_table(
        "fee_charges",
        sa.Column("msisdn", sa.String(32), primary_key=True),
        sa.Column("kind", sa.String(32), primary_key=True),
        sa.Column("period_date", sa.Date, primary_key=True),
        sa.Column("account_id", sa.String(64), nullable=False),
        sa.Column("plan_code", sa.String(64), nullable=False),
        sa.Column("plan_version", sa.Integer, nullable=False),
        sa.Column("amount", sa.Numeric(), nullable=False),
        sa.Column("net", sa.Numeric(), nullable=False),
        sa.Column("vat", sa.Numeric(), nullable=False),
        sa.Column("gross", sa.Numeric(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("charged_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("fee_charges_by_line", "fee_charges", ["msisdn", "period_date"])


def upgrade() -> None:
    _replica()
    _fees()
    op.add_column("usage_records", sa.Column("late", sa.Boolean, nullable=False,
                                             server_default=sa.false()))


def downgrade() -> None:
    op.drop_column("usage_records", "late")
    for table in _TABLES:
        op.drop_table(table)
    op.drop_column("lines", "fees_through")
