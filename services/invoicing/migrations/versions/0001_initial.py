"""Accounts replica, ledger, numbering series, billing runs, invoices, allocations, documents,
outbox and inbox.

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

TABLES = ("documents", "allocations", "invoice_lines", "invoices", "billing_runs",
          "invoice_counters", "ledger", "lines", "accounts")


def _money(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.Numeric(), nullable=False)


def _accounts() -> None:
    op.create_table(
        "accounts",
        sa.Column("account_id", sa.String(64), primary_key=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("payment_mode", sa.String(16), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("customer_name", sa.String(200), nullable=False),
        sa.Column("address", sa.String(500), nullable=False),
        sa.Column("delivery_medium", sa.String(16), nullable=False),
        sa.Column("delivery_address", sa.String(500), nullable=False),
    )
    op.create_table(
        "lines",
        sa.Column("msisdn", sa.String(32), primary_key=True),
        sa.Column("account_id", sa.String(64), nullable=False, index=True),
        sa.Column("connected_on", sa.Date, nullable=False),
    )


def _ledger() -> None:
    op.create_table(
        "ledger",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("account_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("occurred_on", sa.Date, nullable=False),
        _money("amount"),
        sa.Column("source_event_id", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("msisdn", sa.String(32)),
        sa.Column("direction", sa.String(8)),
        sa.Column("description", sa.String(200), nullable=False),
        sa.Column("quantity", sa.Numeric(), nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        _money("net"), _money("vat"), _money("gross"),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("reference", sa.String(200), nullable=False),
        sa.Column("invoice_id", sa.String(64)),
    )
    op.create_index("ledger_account_day", "ledger", ["account_id", "occurred_on"])
    op.create_index("ledger_unstated", "ledger", ["account_id"],
                    postgresql_where=sa.text("invoice_id IS NULL"))


def _numbering_and_runs() -> None:
    op.create_table(
        "invoice_counters",
        sa.Column("series", sa.String(10), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("last", sa.Integer, nullable=False),
    )
    op.create_table(
        "billing_runs",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("account_ids", JSONB),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("accounts", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("issued", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("skipped", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("error", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
    )


def _invoices() -> None:
    op.create_table(
        "invoices",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("number", sa.String(32), nullable=False, unique=True),
        sa.Column("account_id", sa.String(64), nullable=False),
        sa.Column("run_id", sa.String(64)),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_date", sa.Date),
        sa.Column("currency", sa.String(3), nullable=False),
        _money("opening_balance"), _money("total_charges"), _money("vat_total"),
        _money("total_paid"), _money("closing_balance"), _money("amount_due"), _money("payable"),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("customer", JSONB, nullable=False),
        sa.Column("document_ready", sa.Boolean, nullable=False, server_default=sa.text("false")),
        sa.UniqueConstraint("account_id", "period_end", name="invoices_one_per_period"),
    )
    op.create_index("invoices_account_period", "invoices", ["account_id", "period_end"])
    op.create_index("invoices_pending_documents", "invoices", ["issued_at"],
                    postgresql_where=sa.text("document_ready IS false"))


def _invoice_parts() -> None:
    op.create_table(
        "invoice_lines",
        sa.Column("invoice_id", sa.String(64), sa.ForeignKey("invoices.id"), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("msisdn", sa.String(32), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("description", sa.String(200), nullable=False),
        sa.Column("quantity", sa.Numeric(), nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        _money("net"), _money("vat"), _money("gross"),
    )
    op.create_table(
        "allocations",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("entry_id", sa.String(64), sa.ForeignKey("ledger.id"), nullable=False,
                  index=True),
        sa.Column("invoice_id", sa.String(64), sa.ForeignKey("invoices.id"), nullable=False,
                  index=True),
        _money("amount"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "documents",
        sa.Column("invoice_id", sa.String(64), sa.ForeignKey("invoices.id"), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def upgrade() -> None:
    create_messaging_tables()
    _accounts()
    _ledger()
    _numbering_and_runs()
    _invoices()
    _invoice_parts()


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)
    drop_messaging_tables()
