"""What every service's Alembic ``env.py`` and first migration share."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy import MetaData, pool
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import async_engine_from_config

from tarifa.messaging.tables import metadata as messaging_metadata

__all__ = ["create_audit_table", "create_messaging_tables", "drop_messaging_tables", "run_env"]


def create_messaging_tables() -> None:
    """Create the outbox and inbox tables (call from a service's first migration)."""
    messaging_metadata.create_all(op.get_bind())


def drop_messaging_tables() -> None:
    messaging_metadata.drop_all(op.get_bind())


def create_audit_table() -> None:
    """Create the ``audit`` table of ``tarifa.audit.tables`` (``op.drop_table("audit")`` undoes
    it); spelled out so that this revision stays what it was when the table changes later."""
    op.create_table(
        "audit",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("actor_role", sa.String(32), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target_type", sa.String(32), nullable=False),
        sa.Column("target_id", sa.String(200), nullable=False),
        sa.Column("before", JSONB()),
        sa.Column("after", JSONB()),
        sa.Column("correlation_id", sa.String(128)),
    )
    op.create_index("audit_target", "audit", ["target_type", "target_id", "at"])
    op.create_index("audit_at", "audit", ["at"])


def _run(connection: Connection, target: MetaData | None) -> None:
    context.configure(connection=connection, target_metadata=target)
    with context.begin_transaction():
        context.run_migrations()


async def _run_async(target: MetaData | None) -> None:
    config = context.config
    engine = async_engine_from_config(
        config.get_section(config.config_ini_section, {}) or
        {"sqlalchemy.url": config.get_main_option("sqlalchemy.url")},
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    async with engine.connect() as connection:
        await connection.run_sync(_run, target)
    await engine.dispose()


def run_env(target: MetaData | None = None) -> None:
    """The body of a service's ``migrations/env.py``: online migrations over asyncpg."""
    asyncio.run(_run_async(target))
