"""The migration stairway every service tests on a fresh database.

Each revision goes up, down and up again (so every downgrade runs, and every upgrade runs twice),
then the whole chain goes down to base, which must leave no table, and up to head again, which
must give the same tables as before.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tarifa.db import migrate

__all__ = ["stairway"]


def _revisions(migrations: Path) -> list[tuple[str, str]]:
    """``(revision, down_revision or "base")`` from the first revision to head."""
    config = Config()
    config.set_main_option("script_location", str(migrations))
    scripts = list(ScriptDirectory.from_config(config).walk_revisions("base", "heads"))
    return [(s.revision, str(s.down_revision or "base")) for s in reversed(scripts)]


async def _tables(dsn: str) -> set[str]:
    engine = create_async_engine(dsn)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
            return {row[0] for row in rows} - {"alembic_version"}
    finally:
        await engine.dispose()


async def _migrate(migrations: Path, dsn: str, revision: str, *, down: bool = False) -> None:
    await asyncio.to_thread(migrate, migrations, dsn, revision, down=down)


async def stairway(migrations: Path, dsn: str) -> set[str]:
    """Walk the stairway of ``migrations`` on the empty database ``dsn``; the tables at head.

    The caller compares the tables with the ones its service expects.
    """
    revisions = _revisions(migrations)
    assert revisions, f"no migrations found in {migrations}"
    for revision, previous in revisions:
        await _migrate(migrations, dsn, revision)
        await _migrate(migrations, dsn, previous, down=True)
        await _migrate(migrations, dsn, revision)
    at_head = await _tables(dsn)
    await _migrate(migrations, dsn, "base", down=True)
    left = await _tables(dsn)
    assert left == set(), f"downgrading to base left {sorted(left)}"
    await _migrate(migrations, dsn, "head")
    again = await _tables(dsn)
    assert again == at_head, f"upgrading again gave {sorted(again)}, not {sorted(at_head)}"
    return at_head
