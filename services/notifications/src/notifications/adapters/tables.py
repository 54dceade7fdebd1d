"""Tables of the notifications database."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from tarifa.audit.tables import metadata as audit
from tarifa.messaging.tables import metadata as messaging

__all__ = ["balances", "contacts", "deliveries", "metadata", "templates"]

metadata = MetaData()
for table in (*messaging.tables.values(), *audit.tables.values()):
    table.to_metadata(metadata)

contacts = Table(
    "contacts", metadata,
    Column("account_id", String(64), primary_key=True),
    Column("language", String(8)),
    Column("medium", String(16)),
    Column("bill_email", String(320)),
    Column("email", String(320)),
    Column("customer_name", String(300)),
    Column("updated_at", DateTime(timezone=True)),
    Column("bill_sms", String(32)),
    Column("phone", String(32)),
    Column("timezone", String(64)),
    Column("changed_at", JSONB),
)

deliveries = Table(
    "deliveries", metadata,
    Column("id", String(64), primary_key=True),
    Column("account_id", String(64), index=True),
    Column("event", String(200), nullable=False),
    Column("event_id", String(200), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("recipient", String(320)),
    Column("payload", JSONB, nullable=False),
    Column("status", String(20), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("next_attempt_at", DateTime(timezone=True)),
    Column("sent_at", DateTime(timezone=True)),
    Column("correlation_id", String(128)),
    UniqueConstraint("event_id", "channel", name="deliveries_once_per_event_and_channel"),
)
Index("deliveries_due", deliveries.c.next_attempt_at,
      postgresql_where=deliveries.c.status == "pending")

templates = Table(
    "templates", metadata,
    Column("event", String(200), primary_key=True),
    Column("channel", String(16), primary_key=True),
    Column("language", String(8), primary_key=True),
    Column("subject", Text),
    Column("body", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

balances = Table(
    "balances", metadata,
    Column("account_id", String(64), primary_key=True),
    Column("balance", Numeric(20, 4), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)
