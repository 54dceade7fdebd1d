"""The row count of every table of a service's database: a test's proof that nothing changed."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

__all__ = ["row_counts"]

_TABLES = text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")


async def row_counts(dsn: str) -> dict[str, int]:
    """``{table: rows}`` for each table of the database at ``dsn`` (outbox and inbox included)."""
    engine = create_async_engine(dsn)
    try:
        async with engine.connect() as conn:
            tables = [row[0] for row in await conn.execute(_TABLES)]
            return {table: int((await conn.execute(text(f'SELECT count(*) FROM "{table}"'))).scalar_one())
                    for table in tables}
    finally:
        await engine.dispose()
