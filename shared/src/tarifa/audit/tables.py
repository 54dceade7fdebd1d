"""The ``audit`` table every service database holds.

Each service copies it into its own metadata (``table.to_metadata``), as it does the outbox and
inbox; the services' own migrations create it with ``tarifa.migrations.create_audit_table``.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Identity, Index, MetaData, String, Table
from sqlalchemy.dialects.postgresql import JSONB

__all__ = ["audit", "metadata"]

metadata = MetaData()

audit = Table(
    "audit", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("actor_role", String(32), nullable=False),
    Column("action", String(64), nullable=False),
    Column("target_type", String(32), nullable=False),
    Column("target_id", String(200), nullable=False),
    Column("before", JSONB),
    Column("after", JSONB),
    Column("correlation_id", String(128)),
)
Index("audit_target", audit.c.target_type, audit.c.target_id, audit.c.at)
Index("audit_at", audit.c.at)

