"""Customers, accounts, lines, the plan and balance replicas, the audit log, outbox and inbox.

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


def _customers_and_accounts() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("email", sa.String(254)),
        sa.Column("phone", sa.String(32)),
        sa.Column("address", sa.Text()),
    )
    op.create_table(
        "accounts",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("customer_id", sa.String(64), sa.ForeignKey("customers.id"), nullable=False,
                  index=True),
        sa.Column("payment_mode", sa.String(16), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("bill_delivery", JSONB, nullable=False),
        sa.Column("bonus_points", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
    )


def _lines() -> None:
    op.create_table(
        "lines",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("account_id", sa.String(64), sa.ForeignKey("accounts.id"), nullable=False,
                  index=True),
        sa.Column("msisdn", sa.String(15), nullable=False),
        sa.Column("plan_code", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("connected_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("lines_active_msisdn", "lines", ["msisdn"], unique=True,
                    postgresql_where=sa.text("status = 'active'"))


def _replicas_and_audit() -> None:
    op.create_table(
        "plans",
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("version", sa.Integer(), primary_key=True),
        sa.Column("payment_mode", sa.String(16), nullable=False),
        sa.Column("monthly_fee", sa.Numeric(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("vat_rate", sa.Numeric(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
    )
    op.create_table(
        "balances",
        sa.Column("account_id", sa.String(64), primary_key=True),
        sa.Column("amount", sa.Numeric(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("entity", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=False),
        sa.Column("data", JSONB, nullable=False),
    )
    op.create_index("audit_log_entity", "audit_log", ["entity", "entity_id"])


def upgrade() -> None:
    create_messaging_tables()
    _customers_and_accounts()
    _lines()
    _replicas_and_audit()


def downgrade() -> None:
    for table in ("audit_log", "balances", "plans", "lines", "accounts", "customers"):
        op.drop_table(table)
    drop_messaging_tables()
