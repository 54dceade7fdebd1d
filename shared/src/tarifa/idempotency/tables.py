"""The ``idempotency_keys`` table of the services that accept an Idempotency-Key.

Each such service copies it into its own metadata (``table.to_metadata``), as it does the
outbox and inbox; the services' own migrations create it, with exactly these columns.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, MetaData, String, Table, func
from sqlalchemy.dialects.postgresql import JSONB

__all__ = ["idempotency_keys", "metadata"]

metadata = MetaData()

idempotency_keys = Table(
    "idempotency_keys", metadata,
    Column("scope", String(200), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("status_code", String(3), nullable=False),
    Column("response", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
