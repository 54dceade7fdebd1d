"""The migration stairway: every revision upgrades, downgrades and upgrades again."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import asyncpg
from alembic.config import Config
from alembic.script import ScriptDirectory
from notifications.bootstrap import MIGRATIONS
from notifications.settings import NotificationsSettings
from tarifa.db import migrate


def _revisions() -> list[str]:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    walk = ScriptDirectory.from_config(config).walk_revisions("base", "heads")
    return [script.revision for script in reversed(list(walk))]


async def _tables(url: str) -> set[str]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    finally:
        await conn.close()
    return {row["tablename"] for row in rows} - {"alembic_version"}


async def test_each_revision_goes_up_down_and_up_again(
    make_database: Callable[[str], Awaitable[str]], jwt_secret: str,
) -> None:
    url = await make_database("notifications_stairway")
    dsn = NotificationsSettings(database_url=url, jwt_secret=jwt_secret).dsn
    revisions = _revisions()
    assert revisions
    for previous, revision in zip(["base", *revisions], revisions, strict=False):
        await asyncio.to_thread(migrate, MIGRATIONS, dsn, revision)
        await asyncio.to_thread(migrate, MIGRATIONS, dsn, previous, down=True)
        await asyncio.to_thread(migrate, MIGRATIONS, dsn, revision)
    assert {"contacts", "deliveries", "templates", "outbox", "inbox"} <= await _tables(url)
    await asyncio.to_thread(migrate, MIGRATIONS, dsn, "base", down=True)
    assert await _tables(url) == set()
