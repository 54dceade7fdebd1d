"""Tables of the webhooks: endpoints, their deliveries and the log of attempts."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from notifications.adapters.tables import metadata

__all__ = ["webhook_attempts", "webhook_deliveries", "webhook_endpoints"]

webhook_endpoints = Table(
    "webhook_endpoints", metadata,
    Column("id", String(64), primary_key=True),
    Column("url", Text, nullable=False),
    Column("event_types", ARRAY(String(200)), nullable=False),
    Column("description", Text),
    Column("status", String(16), nullable=False),
    Column("secrets", JSONB, nullable=False),
    Column("consecutive_failures", Integer, nullable=False),
    Column("disabled_reason", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

webhook_deliveries = Table(
    "webhook_deliveries", metadata,
    Column("id", String(64), primary_key=True),
    Column("endpoint_id", String(64),
           ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), nullable=False),
    Column("event_id", String(200), nullable=False),
    Column("event_type", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("next_attempt_at", DateTime(timezone=True)),
    UniqueConstraint("endpoint_id", "event_id", name="webhook_deliveries_once_per_endpoint"),
)
Index("webhook_deliveries_due", webhook_deliveries.c.next_attempt_at,
      postgresql_where=webhook_deliveries.c.status == "pending")

webhook_attempts = Table(
    "webhook_attempts", metadata,
    Column("seq", BigInteger, Identity(), primary_key=True),
    Column("delivery_id", String(64),
           ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), nullable=False),
    Column("endpoint_id", String(64), nullable=False),
    Column("event_id", String(200), nullable=False),
    Column("event_type", String(200), nullable=False),
    Column("number", Integer, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("status_code", Integer),
    Column("latency_ms", Integer, nullable=False),
    Column("error", Text),
)
Index("webhook_attempts_by_endpoint", webhook_attempts.c.endpoint_id, webhook_attempts.c.seq)
