"""The outbox and inbox tables every service database holds."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

__all__ = ["inbox", "metadata", "outbox"]

metadata = MetaData()

outbox = Table(
    "outbox",
    metadata,
    Column("seq", BigInteger, Identity(), primary_key=True),
    Column("id", UUID(as_uuid=False), nullable=False, unique=True),
    Column("routing_key", String(200), nullable=False),
    Column("body", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("published_at", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("last_error", Text),
)
Index("outbox_pending", outbox.c.seq, postgresql_where=outbox.c.published_at.is_(None))

inbox = Table(
    "inbox",
    metadata,
    Column("consumer", String(200), primary_key=True),
    Column("event_id", String(200), primary_key=True),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
