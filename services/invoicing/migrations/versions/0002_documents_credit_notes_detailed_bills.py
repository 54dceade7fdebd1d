"""Documents of any owner (invoice, credit note, detailed bill, print batch), credit notes,
detailed bills and idempotency keys.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _money(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.Numeric(), nullable=False)


def _documents_of_any_owner() -> None:
    op.drop_constraint("documents_invoice_id_fkey", "documents", type_="foreignkey")
    op.alter_column("documents", "invoice_id", new_column_name="owner_id")


def _credit_notes() -> None:
    op.create_table(
        "credit_notes",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("number", sa.String(32), nullable=False, unique=True),
        sa.Column("invoice_id", sa.String(64), sa.ForeignKey("invoices.id"), nullable=False,
                  index=True),
        sa.Column("account_id", sa.String(64), nullable=False),
        _money("amount"), _money("vat"),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("entry_id", sa.String(64), sa.ForeignKey("ledger.id"), nullable=False),
        sa.Column("document_ready", sa.Boolean, nullable=False, server_default=sa.text("false")),
    )


def _detailed_bills() -> None:
    op.create_table(
        "detailed_bills",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("account_id", sa.String(64), nullable=False, index=True),
        sa.Column("from_date", sa.Date, nullable=False),
        sa.Column("to_date", sa.Date, nullable=False),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _money("fee"),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("records", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ready_at", sa.DateTime(timezone=True)),
    )


def _idempotency_keys() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("scope", sa.String(200), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("status_code", sa.String(3), nullable=False),
        sa.Column("response", JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
    )


def upgrade() -> None:
    _documents_of_any_owner()
    _credit_notes()
    _detailed_bills()
    _idempotency_keys()


def downgrade() -> None:
    for table in ("idempotency_keys", "detailed_bills", "credit_notes"):
        op.drop_table(table)
    op.execute("DELETE FROM documents WHERE kind <> 'invoice'")
    op.alter_column("documents", "owner_id", new_column_name="invoice_id")
    op.create_foreign_key("documents_invoice_id_fkey", "documents", "invoices", ["invoice_id"],
                          ["id"])
