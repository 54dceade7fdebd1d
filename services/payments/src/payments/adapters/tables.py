"""Tables of the payments database."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    text,
)
from tarifa.audit.tables import metadata as audit
from tarifa.idempotency.tables import metadata as idempotency
from tarifa.messaging.tables import metadata as messaging

__all__ = ["accounts", "autopay_balances", "autopay_charges", "autopay_mandates", "lines",
           "metadata", "offline_references", "payment_methods", "payment_registries", "payments", "refunds",
           "registry_entries"]

metadata = MetaData()
for table in (*messaging.tables.values(), *idempotency.tables.values(),
              *audit.tables.values()):
    table.to_metadata(metadata)

accounts = Table(
    "accounts", metadata,
    Column("account_id", String(64), primary_key=True),
    Column("currency", String(3), nullable=False),
    Column("status", String(16), nullable=False, server_default="active"),
    Column("payment_mode", String(16)),
    Column("balance", Numeric()),
    Column("balance_at", DateTime(timezone=True)),
)

lines = Table(
    "lines", metadata,
    Column("msisdn", String(32), primary_key=True),
    Column("account_id", String(64), nullable=False),
)

payments = Table(
    "payments", metadata,
    Column("id", String(64), primary_key=True),
    Column("account_id", String(64), nullable=False, index=True),
    Column("msisdn", String(32)),
    Column("amount", Numeric(), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("reference", String(200), nullable=False),
    Column("purpose", String(16), nullable=False),
    Column("status", String(20), nullable=False),
    Column("payer", String(200)),
    Column("invoice_id", String(64)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("gateway", String(32)),
    Column("gateway_ref", String(200)),
    Column("redirect_url", String(2000)),
    Column("return_url", String(2000)),
    Column("refunded", Numeric(), nullable=False, server_default=text("0")),
    Column("failure_reason", String(500)),
    Column("paid_at", DateTime(timezone=True)),
)
Index("payments_payer", payments.c.payer)
Index("payments_registry_reference", payments.c.channel, payments.c.reference, unique=True,
      postgresql_where=payments.c.channel == "registry")

refunds = Table(
    "refunds", metadata,
    Column("id", String(64), primary_key=True),
    Column("payment_id", String(64), nullable=False, index=True),
    Column("account_id", String(64), nullable=False),
    Column("amount", Numeric(), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("reason", String(500), nullable=False),
    Column("status", String(20), nullable=False),
    Column("gateway_ref", String(200)),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

payment_registries = Table(
    "payment_registries", metadata,
    Column("id", String(64), primary_key=True),
    Column("submitted_by", String(200), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("matched", Integer, nullable=False),
    Column("duplicates", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

registry_entries = Table(
    "registry_entries", metadata,
    Column("registry_id", String(64), primary_key=True),
    Column("row", Integer, primary_key=True),
    Column("reference", String(200), nullable=False),
    Column("account_or_msisdn", String(200), nullable=False),
    Column("amount", String(40), nullable=False),
    Column("currency", String(8), nullable=False),
    Column("paid_at", DateTime(timezone=True)),
    Column("status", String(16), nullable=False),
    Column("payment_id", String(64)),
    Column("reason", String(500)),
    Column("problem", String(32)),
    Column("account_id", String(64)),
    Column("resolved_by", String(200)),
    Column("resolved_at", DateTime(timezone=True)),
)
Index("registry_entries_status", registry_entries.c.status, registry_entries.c.registry_id,
      registry_entries.c.row)
Index("registry_entries_reference", registry_entries.c.reference, unique=True,
      postgresql_where=registry_entries.c.reference != "")

offline_references = Table(
    "offline_references", metadata,
    Column("channel", String(32), primary_key=True),
    Column("reference", String(200), primary_key=True),
    Column("payment_id", String(64), nullable=False),
)

payment_methods = Table(
    "payment_methods", metadata,
    Column("id", String(64), primary_key=True),
    Column("account_id", String(64), nullable=False, index=True),
    Column("gateway", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("gateway_ref", String(200)),
    Column("redirect_url", String(2000)),
    Column("token", String(200)),
    Column("card_last4", String(4)),
)

autopay_mandates = Table(
    "autopay_mandates", metadata,
    Column("account_id", String(64), primary_key=True),
    Column("payment_method_id", String(64), nullable=False),
    Column("mode", String(16), nullable=False),
    Column("threshold", Numeric()),
    Column("amount", Numeric()),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

autopay_charges = Table(
    "autopay_charges", metadata,
    Column("id", String(64), primary_key=True),
    Column("account_id", String(64), nullable=False, index=True),
    Column("trigger", String(16), nullable=False),
    Column("amount", Numeric(), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("status", String(16), nullable=False),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("invoice_id", String(64)),
    Column("due_date", Date),
    Column("order_id", String(80)),
    Column("payment_id", String(64)),
    Column("reason", String(500)),
)
Index("autopay_charges_invoice", autopay_charges.c.invoice_id, unique=True,
      postgresql_where=autopay_charges.c.invoice_id.isnot(None))
Index("autopay_charges_due", autopay_charges.c.next_attempt_at,
      postgresql_where=autopay_charges.c.status.in_(["scheduled", "unknown"]))

autopay_balances = Table(
    "autopay_balances", metadata,
    Column("account_id", String(64), primary_key=True),
    Column("below", Boolean, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)
