"""Tables of the accounts database."""

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
    MetaData,
    Numeric,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB
from tarifa.audit.tables import metadata as audit
from tarifa.messaging.tables import metadata as messaging

__all__ = ["accounts", "balances", "bonus_movements", "customers", "invoices", "lines",
           "logins", "metadata", "otp_challenges", "otp_requests", "plans"]

metadata = MetaData()
for table in (*messaging.tables.values(), *audit.tables.values()):
    table.to_metadata(metadata)

customers = Table(
    "customers", metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("name", String(200), nullable=False),
    Column("language", String(2), nullable=False),
    Column("email", String(254)),
    Column("phone", String(32)),
    Column("address", Text),
)

accounts = Table(
    "accounts", metadata,
    Column("id", String(64), primary_key=True),
    Column("customer_id", String(64), ForeignKey("customers.id"), nullable=False, index=True),
    Column("payment_mode", String(16), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("bill_delivery", JSONB, nullable=False),
    Column("bonus_points", Integer, nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("suspended_from", DateTime(timezone=True)),
    Column("suspended_until", DateTime(timezone=True), index=True),
    Column("promise_granted_at", DateTime(timezone=True)),
    Column("promised_until", DateTime(timezone=True), index=True),
    Column("last_promise_at", DateTime(timezone=True)),
    Column("blocked_reason", String(64)),
    Column("promise_reminded_until", DateTime(timezone=True)),
    Column("suspension_reminded_until", DateTime(timezone=True)),
)

lines = Table(
    "lines", metadata,
    Column("id", String(64), primary_key=True),
    Column("account_id", String(64), ForeignKey("accounts.id"), nullable=False, index=True),
    Column("msisdn", String(15), nullable=False),
    Column("plan_code", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("connected_at", DateTime(timezone=True), nullable=False),
    Column("pending_plan", String(64)),
    Column("pending_at", DateTime(timezone=True), index=True),
    Column("closed_at", DateTime(timezone=True)),
    Column("number_free_from", DateTime(timezone=True)),
)
Index("lines_active_msisdn", lines.c.msisdn, unique=True,
      postgresql_where=lines.c.status == "active")
Index("lines_msisdn_free_from", lines.c.msisdn, lines.c.number_free_from)

plans = Table(
    "plans", metadata,
    Column("code", String(64), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("payment_mode", String(16), nullable=False),
    Column("monthly_fee", Numeric(), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("vat_rate", Numeric(), nullable=False),
    Column("effective_from", Date, nullable=False),
)

balances = Table(
    "balances", metadata,
    Column("account_id", String(64), primary_key=True),
    Column("amount", Numeric(), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("as_of", DateTime(timezone=True), nullable=False),
)

bonus_movements = Table(
    "bonus_movements", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("account_id", String(64), ForeignKey("accounts.id"), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("points", Integer, nullable=False),
    Column("reason", String(64), nullable=False),
)
# The e-bill switch bonus is earned once per account, whatever races with it.
Index("bonus_movements_ebill_once", bonus_movements.c.account_id, unique=True,
      postgresql_where=bonus_movements.c.reason == "ebill_switch")

invoices = Table(
    "invoices", metadata,
    Column("invoice_id", String(64), primary_key=True),
    Column("account_id", String(64), nullable=False, index=True),
    Column("due_date", Date),
    Column("blocks_at", DateTime(timezone=True), index=True),
    Column("paid_at", DateTime(timezone=True)),
)

otp_challenges = Table(
    "otp_challenges", metadata,
    Column("id", String(64), primary_key=True),
    Column("msisdn", String(15), nullable=False, index=True),
    Column("account_id", String(64), nullable=False),
    Column("code_hash", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
    Column("tries", Integer, nullable=False),
    Column("used_at", DateTime(timezone=True)),
    Column("voided", Boolean, nullable=False),
)

otp_requests = Table(
    "otp_requests", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("msisdn", String(15), nullable=False),
    Column("client", String(64), nullable=False),
)
Index("otp_requests_msisdn", otp_requests.c.msisdn, otp_requests.c.at)
Index("otp_requests_client", otp_requests.c.client, otp_requests.c.at)

logins = Table(
    "logins", metadata,
    Column("account_id", String(64), ForeignKey("accounts.id"), primary_key=True),
    Column("login", String(64), nullable=False, unique=True),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("password_hash", Text),
    Column("password_set_at", DateTime(timezone=True)),
    Column("setup_hash", Text),
    Column("setup_expires_at", DateTime(timezone=True)),
    Column("failures", Integer, nullable=False),
    Column("locked_until", DateTime(timezone=True)),
)
