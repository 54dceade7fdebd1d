"""A pooled connection the server has ended is replaced before it is handed out: the work that
takes it next runs, and no round trip is spent checking the connections the server still holds."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from tarifa.db import create_engine


async def _backend_of(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def _terminate(url: str, backend: int) -> None:
    """End ``backend`` on the server, waiting until it is gone."""
    admin = await asyncpg.connect(url)
    try:
        assert await admin.fetchval("SELECT pg_terminate_backend($1, 10000)", backend)
    finally:
        await admin.close()
    await asyncio.sleep(0.2)  # the pooled connection's event loop reads the server's goodbye


async def test_a_connection_the_server_ended_is_replaced_on_checkout(
        make_database: Callable[[str], Awaitable[str]]) -> None:
    url = await make_database("shared_pool")
    engine = create_engine(url.replace("postgresql://", "postgresql+asyncpg://", 1), pool_size=1)
    try:
        first = await _backend_of(engine)
        await _terminate(url, first)
        second = await _backend_of(engine)
    finally:
        await engine.dispose()
    assert second != first


async def test_a_checkout_spends_no_round_trip_on_a_ping(
        make_database: Callable[[str], Awaitable[str]]) -> None:
    url = await make_database("shared_pool_quiet")
    engine = create_engine(url.replace("postgresql://", "postgresql+asyncpg://", 1), pool_size=1)
    pings: list[object] = []
    engine.sync_engine.dialect.do_ping = pings.append  # type: ignore[method-assign,assignment]
    try:
        backends = {await _backend_of(engine) for _ in range(3)}
    finally:
        await engine.dispose()
    assert (pings, len(backends)) == ([], 1)
