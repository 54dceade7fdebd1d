"""Card payments through gateways, refunds, registry files, stored cards and autopay mandates.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

def _payment_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("gateway", sa.String(32)),
        sa.Column("gateway_ref", sa.String(200)),
        sa.Column("redirect_url", sa.String(2000)),
        sa.Column("return_url", sa.String(2000)),
        sa.Column("refunded", sa.Numeric(), nullable=False, server_default=sa.text("0")),
        sa.Column("failure_reason", sa.String(500)),
    ]


def upgrade() -> None:
    for column in _payment_columns():
        op.add_column("payments", column)
    op.create_index("payments_registry_reference", "payments", ["channel", "reference"],
                    unique=True, postgresql_where=sa.text("channel = 'registry'"))
    _refunds()
    _registries()
    _cards()


def _refunds() -> None:
    op.create_table(
        "refunds",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("payment_id", sa.String(64), nullable=False, index=True),
        sa.Column("account_id", sa.String(64), nullable=False),
        sa.Column("amount", sa.Numeric(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("gateway_ref", sa.String(200)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def _registries() -> None:
    op.create_table(
        "payment_registries",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("submitted_by", sa.String(200), nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("matched", sa.Integer, nullable=False),
        sa.Column("duplicates", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "registry_entries",
        sa.Column("registry_id", sa.String(64), primary_key=True),
        sa.Column("row", sa.Integer, primary_key=True),
        sa.Column("reference", sa.String(200), nullable=False),
        sa.Column("account_or_msisdn", sa.String(200), nullable=False),
        sa.Column("amount", sa.String(40), nullable=False),
        sa.Column("currency", sa.String(8), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("payment_id", sa.String(64)),
        sa.Column("reason", sa.String(500)),
    )
    op.create_index("registry_entries_reference", "registry_entries", ["reference"], unique=True,
                    postgresql_where=sa.text("reference <> ''"))


def _cards() -> None:
    op.create_table(
        "payment_methods",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("account_id", sa.String(64), nullable=False, index=True),
        sa.Column("gateway", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("gateway_ref", sa.String(200)),
        sa.Column("redirect_url", sa.String(2000)),
        sa.Column("token", sa.String(200)),
        sa.Column("card_last4", sa.String(4)),
    )
    op.create_table(
        "autopay_mandates",
        sa.Column("account_id", sa.String(64), primary_key=True),
        sa.Column("payment_method_id", sa.String(64), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("threshold", sa.Numeric()),
        sa.Column("amount", sa.Numeric()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in ("autopay_mandates", "payment_methods", "registry_entries", "payment_registries",
                  "refunds"):
        op.drop_table(table)
    op.drop_index("payments_registry_reference", table_name="payments")
    for column in reversed(_payment_columns()):
        op.drop_column("payments", column.name)
