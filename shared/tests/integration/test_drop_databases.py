"""The test databases of a run are all dropped at its end, several at a time."""

from __future__ import annotations

import asyncpg
from tarifa.testing.servers import drop_databases, new_database


async def _names(server_url: str, prefix: str) -> set[str]:
    conn = await asyncpg.connect(f"{server_url}/postgres")
    try:
        rows = await conn.fetch("SELECT datname FROM pg_database WHERE datname LIKE $1",
                                f"{prefix}%")
    finally:
        await conn.close()
    return {row["datname"] for row in rows}


async def test_every_database_named_is_dropped_and_no_other(database_server_url: str) -> None:
    urls = [await new_database(database_server_url, "t_dropped") for _ in range(5)]
    kept = await new_database(database_server_url, "t_kept")
    try:
        await drop_databases(urls, at_once=2)
        assert not await _names(database_server_url, "t_dropped") & {
            url.rsplit("/", 1)[1] for url in urls}
        assert kept.rsplit("/", 1)[1] in await _names(database_server_url, "t_kept")
    finally:
        await drop_databases([*urls, kept])
