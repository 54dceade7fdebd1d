"""The migration stairway: every revision up, down and up again, on a fresh database."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from alembic.config import Config
from alembic.script import ScriptDirectory
from rating.adapters.tables import metadata
from rating.bootstrap import MIGRATIONS
from rating.settings import RatingSettings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from tarifa.db import migrate


async def _tables(dsn: str) -> set[str]:
    engine = create_async_engine(dsn)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
            return {row[0] for row in rows} - {"alembic_version"}
    finally:
        await engine.dispose()


def _revisions() -> list[tuple[str, str]]:
    """``(revision, down_revision or "base")`` from the first revision to head."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    scripts = list(ScriptDirectory.from_config(config).walk_revisions())
    return [(s.revision, str(s.down_revision or "base")) for s in reversed(scripts)]


async def test_every_revision_goes_up_down_and_up_again(
    make_database: Callable[[str], Awaitable[str]], jwt_secret: str,
) -> None:
    url = await make_database("rating_stairway")
    dsn = RatingSettings(database_url=url, jwt_secret=jwt_secret).dsn
    revisions = _revisions()
    assert revisions, "no migrations found"
    for revision, previous in revisions:
        await asyncio.to_thread(migrate, MIGRATIONS, dsn, revision)
        await asyncio.to_thread(migrate, MIGRATIONS, dsn, previous, down=True)
        await asyncio.to_thread(migrate, MIGRATIONS, dsn, revision)
    assert await _tables(dsn) == set(metadata.tables)
    await asyncio.to_thread(migrate, MIGRATIONS, dsn, "base", down=True)
    assert await _tables(dsn) == set()
