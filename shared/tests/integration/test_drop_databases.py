"""The test databases: a test's own go at its end, those of wider fixtures at the run's end,
several at a time. The last two tests run in this order and share ``MADE``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg
import pytest_asyncio
from tarifa.testing.servers import drop_databases, new_database

MakeDatabase = Callable[[str], Awaitable[str]]
MADE: dict[str, str] = {}


async def _names(server_url: str, prefix: str) -> set[str]:
    conn = await asyncpg.connect(f"{server_url}/postgres")
    try:
        rows = await conn.fetch("SELECT datname FROM pg_database WHERE datname LIKE $1",
                                f"{prefix}%")
    finally:
        await conn.close()
    return {row["datname"] for row in rows}


async def _exists(url: str) -> bool:
    server, name = url.rsplit("/", 1)
    return name in await _names(server, name)


async def test_every_database_named_is_dropped_and_no_other(database_server_url: str) -> None:
    urls = [await new_database(database_server_url, "t_dropped") for _ in range(5)]
    kept = await new_database(database_server_url, "t_kept")
    try:
        await drop_databases(urls, at_once=2)
        assert not await _names(database_server_url, "t_dropped") & {
            url.rsplit("/", 1)[1] for url in urls}
        assert await _exists(kept)
    finally:
        await drop_databases([*urls, kept])


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def module_database(make_database: MakeDatabase) -> str:
    return await make_database("shared_module")


@pytest_asyncio.fixture
async def test_database(make_database: MakeDatabase) -> str:
    return await make_database("shared_function")


async def test_a_test_has_its_own_database_and_the_module_one(
        module_database: str, test_database: str) -> None:
    MADE["test"] = test_database
    assert await _exists(module_database)
    assert await _exists(test_database)


async def test_the_last_test_database_is_gone_and_the_module_one_stays(
        module_database: str) -> None:
    assert await _exists(module_database)
    assert not await _exists(MADE["test"])
