"""Database helpers: the engine, creating a service's database, and running its migrations.

A pooled connection is checked before it is handed out without a round trip to the server: one
whose server ended it (a restart, ``pg_terminate_backend``, an idle timeout) is closed on the
client as soon as the server says so, and the pool replaces it. SQLAlchemy's ``pool_pre_ping``
would cost three round trips (``BEGIN``, ``SELECT``, ``ROLLBACK``) on every checkout.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.ext.asyncio import AsyncSession as AsyncSession
from sqlalchemy.pool import ConnectionPoolEntry

__all__ = ["AsyncSession", "create_engine", "ensure_database", "migrate", "sessionmaker_for"]


def create_engine(dsn: str, *, pool_size: int = 10) -> AsyncEngine:
    engine = create_async_engine(dsn, pool_size=pool_size, max_overflow=pool_size)
    event.listen(engine.sync_engine.pool, "checkout", _refuse_closed)
    return engine


def _refuse_closed(_dbapi: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
    """A connection the server has closed is not handed out: the pool opens another."""
    driver = record.driver_connection
    if isinstance(driver, asyncpg.Connection) and driver.is_closed():
        raise DisconnectionError("the server closed this pooled connection")


def sessionmaker_for(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


async def ensure_database(dsn: str) -> None:
    """Create the database named by ``dsn`` on its server if it does not exist yet."""
    url = make_url(dsn)
    server = url.set(drivername="postgresql", database="postgres")
    conn = await asyncpg.connect(server.render_as_string(hide_password=False))
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", url.database)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{url.database}"')
    finally:
        await conn.close()


def migrate(migrations: Path, dsn: str, revision: str = "head", *, down: bool = False) -> None:
    """Run Alembic to ``revision`` (blocking; call it outside the event loop or in a thread)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations))
    config.set_main_option("sqlalchemy.url", dsn.replace("%", "%%"))
    if down:
        command.downgrade(config, revision)
    else:
        command.upgrade(config, revision)


async def prepare_database(migrations: Path, dsn: str) -> None:
    """Create the database if needed and migrate it to head."""
    await ensure_database(dsn)
    await asyncio.to_thread(migrate, migrations, dsn)
