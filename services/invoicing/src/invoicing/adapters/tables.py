"""Tables of the invoicing database."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from tarifa.audit.tables import metadata as audit
from tarifa.idempotency.tables import metadata as idempotency
from tarifa.messaging.tables import metadata as messaging

__all__ = ["accounts", "allocations", "balances", "billing_run_failures", "billing_runs", "carries",
           "credit_notes", "detailed_bill_subscriptions", "detailed_bills", "documents",
           "invoice_counters", "invoice_lines", "invoices", "ledger", "lines", "metadata"]

metadata = MetaData()
for table in (*messaging.tables.values(), *idempotency.tables.values(),
              *audit.tables.values()):
    table.to_metadata(metadata)

accounts = Table(
    "accounts", metadata,
    Column("account_id", String(64), primary_key=True),
    Column("currency", String(3), nullable=False),
    Column("payment_mode", String(16), nullable=False),
    Column("language", String(8), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("customer_name", String(200), nullable=False),
    Column("address", String(500), nullable=False),
    Column("delivery_medium", String(16), nullable=False),
    Column("delivery_address", String(500), nullable=False),
    Column("profile_changed_at", DateTime(timezone=True)),
    Column("delivery_changed_at", DateTime(timezone=True)),
    Column("closed_on", Date),
)

lines = Table(
    "lines", metadata,
    Column("msisdn", String(32), primary_key=True),
    Column("account_id", String(64), nullable=False, index=True),
    Column("connected_on", Date, nullable=False),
)

ledger = Table(
    "ledger", metadata,
    Column("id", String(64), primary_key=True),
    Column("account_id", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("type", String(32), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("occurred_on", Date, nullable=False),
    Column("amount", Numeric(), nullable=False),
    Column("source_event_id", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("msisdn", String(32)),
    Column("direction", String(8)),
    Column("description", String(200), nullable=False),
    Column("quantity", Numeric(), nullable=False),
    Column("unit", String(16), nullable=False),
    Column("net", Numeric(), nullable=False),
    Column("vat", Numeric(), nullable=False),
    Column("gross", Numeric(), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("reference", String(200), nullable=False),
    Column("invoice_id", String(64)),
    Column("reverses", String(64), ForeignKey("ledger.id")),
    Column("vat_rate", Numeric()),
    Column("vat_included", Boolean, nullable=False, server_default=text("false")),
)
Index("ledger_account_day", ledger.c.account_id, ledger.c.occurred_on)
Index("ledger_reverses", ledger.c.reverses, postgresql_where=ledger.c.reverses.is_not(None))
Index("ledger_unstated", ledger.c.account_id, postgresql_where=ledger.c.invoice_id.is_(None))
Index("ledger_stated", ledger.c.invoice_id, postgresql_where=ledger.c.invoice_id.is_not(None))

invoice_counters = Table(
    "invoice_counters", metadata,
    Column("series", String(10), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("last", Integer, nullable=False),
)

billing_runs = Table(
    "billing_runs", metadata,
    Column("id", String(64), primary_key=True),
    Column("period_end", Date, nullable=False),
    Column("account_ids", JSONB),
    Column("status", String(16), nullable=False),
    Column("accounts", Integer, nullable=False, server_default=text("0")),
    Column("issued", Integer, nullable=False, server_default=text("0")),
    Column("skipped", Integer, nullable=False, server_default=text("0")),
    Column("error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
)

scheduled_runs = Table(
    "scheduled_runs", metadata,
    Column("period_end", Date, primary_key=True),
    Column("run_id", String(64), ForeignKey("billing_runs.id"), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
)

billing_run_failures = Table(
    "billing_run_failures", metadata,
    Column("run_id", String(64), ForeignKey("billing_runs.id"), primary_key=True),
    Column("account_id", String(64), primary_key=True),
    Column("reason", Text, nullable=False),
    Column("failed_at", DateTime(timezone=True), nullable=False),
)
"""The accounts a run could not bill, with why; an account billed at a later try leaves it."""

invoices = Table(
    "invoices", metadata,
    Column("id", String(64), primary_key=True),
    Column("number", String(32), nullable=False, unique=True),
    Column("account_id", String(64), nullable=False),
    Column("run_id", String(64)),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("due_date", Date),
    Column("currency", String(3), nullable=False),
    Column("opening_balance", Numeric(), nullable=False),
    Column("total_charges", Numeric(), nullable=False),
    Column("vat_total", Numeric(), nullable=False),
    Column("total_paid", Numeric(), nullable=False),
    Column("closing_balance", Numeric(), nullable=False),
    Column("amount_due", Numeric(), nullable=False),
    Column("payable", Numeric(), nullable=False),
    Column("status", String(16), nullable=False),
    Column("customer", JSONB, nullable=False),
    Column("document_ready", Boolean, nullable=False, server_default=text("false")),
    Column("vat_breakdown", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("reminded_on", Date),
    Column("document_failure", Text),
    UniqueConstraint("account_id", "period_end", name="invoices_one_per_period"),
)
Index("invoices_account_period", invoices.c.account_id, invoices.c.period_end)
Index("invoices_run", invoices.c.run_id)
Index("invoices_unpaid_by_due_date", invoices.c.due_date, invoices.c.id,
      postgresql_where=invoices.c.status.in_(["issued", "partially_paid"]))
Index("invoices_pending_documents", invoices.c.issued_at,
      postgresql_where=invoices.c.document_ready.is_(False))

invoice_lines = Table(
    "invoice_lines", metadata,
    Column("invoice_id", String(64), ForeignKey("invoices.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("msisdn", String(32), nullable=False),
    Column("type", String(32), nullable=False),
    Column("description", String(200), nullable=False),
    Column("quantity", Numeric(), nullable=False),
    Column("unit", String(16), nullable=False),
    Column("net", Numeric(), nullable=False),
    Column("vat", Numeric(), nullable=False),
    Column("gross", Numeric(), nullable=False),
    Column("late", Boolean, nullable=False, server_default=text("false")),
    Column("usage_date", Date),
)

carries = Table(
    "carries", metadata,
    Column("account_id", String(64), primary_key=True),
    Column("period", Date, primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("base", Numeric(), nullable=False),
    Column("posted", Numeric(), nullable=False),
)
"""Running exact totals and their rounded postings (``invoicing.domain.posting``)."""

balances = Table(
    "balances", metadata,
    Column("account_id", String(64), primary_key=True),
    Column("balance", Numeric(), nullable=False),
)
"""Each account's ledger sum, added to by a trigger on every statement that adds ledger rows."""

allocations = Table(
    "allocations", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("entry_id", String(64), ForeignKey("ledger.id"), nullable=False, index=True),
    Column("invoice_id", String(64), ForeignKey("invoices.id"), nullable=False, index=True),
    Column("amount", Numeric(), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# The document of an invoice, a credit note or a detailed bill, or the print batch of a run.
documents = Table(
    "documents", metadata,
    Column("owner_id", String(64), primary_key=True),
    Column("kind", String(16), primary_key=True),
    Column("content", LargeBinary, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

credit_notes = Table(
    "credit_notes", metadata,
    Column("id", String(64), primary_key=True),
    Column("number", String(32), nullable=False, unique=True),
    Column("invoice_id", String(64), ForeignKey("invoices.id"), nullable=False, index=True),
    Column("account_id", String(64), nullable=False),
    Column("amount", Numeric(), nullable=False),
    Column("vat", Numeric(), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("reason", String(500), nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("entry_id", String(64), ForeignKey("ledger.id"), nullable=False),
    Column("document_ready", Boolean, nullable=False, server_default=text("false")),
)

detailed_bills = Table(
    "detailed_bills", metadata,
    Column("id", String(64), primary_key=True),
    Column("account_id", String(64), nullable=False, index=True),
    Column("from_date", Date, nullable=False),
    Column("to_date", Date, nullable=False),
    Column("direction", String(8), nullable=False),
    Column("status", String(16), nullable=False),
    Column("fee", Numeric(), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("records", Integer, nullable=False, server_default=text("0")),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("ready_at", DateTime(timezone=True)),
    Column("month", String(7)),
    Column("rows", JSONB),
)
# A subscription's month is made once: the monthly job may run again, or twice at once.
Index("detailed_bills_once_a_month", detailed_bills.c.account_id, detailed_bills.c.month,
      unique=True, postgresql_where=detailed_bills.c.month.is_not(None))

detailed_bill_subscriptions = Table(
    "detailed_bill_subscriptions", metadata,
    Column("account_id", String(64), primary_key=True),
    Column("active", Boolean, nullable=False),
    Column("since", DateTime(timezone=True)),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)
