"""The migration stairway: up to head, down to base, up again, on a fresh database."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from accounts.bootstrap import MIGRATIONS
from accounts.settings import AccountsSettings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from tarifa.db import migrate

TABLES = {"customers", "accounts", "lines", "plans", "balances", "audit_log", "bonus_movements",
          "invoices", "otp_challenges", "otp_requests", "outbox", "inbox"}


async def _tables(dsn: str) -> set[str]:
    engine = create_async_engine(dsn)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
            return {row[0] for row in rows} - {"alembic_version"}
    finally:
        await engine.dispose()


async def test_migrations_go_up_down_and_up_again(
    make_database: Callable[[str], Awaitable[str]], jwt_secret: str,
) -> None:
    url = await make_database("accounts_stairway")
    dsn = AccountsSettings(database_url=url, jwt_secret=jwt_secret).dsn
    await asyncio.to_thread(migrate, MIGRATIONS, dsn)
    assert await _tables(dsn) == TABLES
    await asyncio.to_thread(migrate, MIGRATIONS, dsn, "base", down=True)
    assert await _tables(dsn) == set()
    await asyncio.to_thread(migrate, MIGRATIONS, dsn)
    assert await _tables(dsn) == TABLES
