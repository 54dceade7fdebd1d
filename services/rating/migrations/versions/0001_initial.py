"""Plan versions, the accounts and lines replica, usage records, allowance buckets, outbox and inbox.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB
from tarifa.migrations import create_messaging_tables, drop_messaging_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_TABLES = ("allowance_buckets", "usage_records", "plan_versions", "lines", "accounts")


def _replica() -> None:
    op.create_table(
        "accounts",
        sa.Column("account_id", sa.String(64), primary_key=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("payment_mode", sa.String(16), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
    )
    op.create_table(
        "lines",
        sa.Column("msisdn", sa.String(32), primary_key=True),
        sa.Column("account_id", sa.String(64), nullable=False, index=True),
        sa.Column("plan_code", sa.String(64), nullable=False),
        sa.Column("connected_at", sa.DateTime(timezone=True), nullable=False),
    )


def _plans() -> None:
    op.create_table(
        "plan_versions",
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("payment_mode", sa.String(16), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("monthly_fee", sa.Numeric(), nullable=False),
        sa.Column("vat_rate", sa.Numeric(), nullable=False),
        sa.Column("prices_include_vat", sa.Boolean, nullable=False),
        sa.Column("effective_from", sa.Date, nullable=False),
        sa.Column("allowances", JSONB, nullable=False),
        sa.Column("prices", JSONB, nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
    )


def _usage() -> None:
    op.create_table(
        "usage_records",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("msisdn", sa.String(32), nullable=False),
        sa.Column("account_id", sa.String(64), nullable=False),
        sa.Column("type", sa.String(8), nullable=False),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("zone", sa.String(32), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("usage_date", sa.Date, nullable=False),
        sa.Column("quantity", sa.BigInteger, nullable=False),
        sa.Column("other_party", sa.String(64)),
        sa.Column("roaming_country", sa.String(2)),
        sa.Column("plan_code", sa.String(64), nullable=False),
        sa.Column("plan_version", sa.Integer, nullable=False),
        sa.Column("unit_price", sa.Numeric(), nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("billed_quantity", sa.BigInteger, nullable=False),
        sa.Column("allowance", sa.String(80)),
        sa.Column("allowance_used", sa.BigInteger, nullable=False),
        sa.Column("net", sa.Numeric(), nullable=False),
        sa.Column("vat", sa.Numeric(), nullable=False),
        sa.Column("gross", sa.Numeric(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("batch_id", sa.String(64), nullable=False),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("usage_records_by_line", "usage_records", ["msisdn", "started_at", "id"])
    op.create_table(
        "allowance_buckets",
        sa.Column("msisdn", sa.String(32), primary_key=True),
        sa.Column("period", sa.Date, primary_key=True),
        sa.Column("allowance", sa.String(80), primary_key=True),
        sa.Column("used", sa.BigInteger, nullable=False),
    )


def upgrade() -> None:
    create_messaging_tables()
    _replica()
    _plans()
    _usage()


def downgrade() -> None:
    for table in _TABLES:
        op.drop_table(table)
    drop_messaging_tables()
