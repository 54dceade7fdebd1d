"""The payments Idempotency-Key store on its database: a key held by one transaction is refused
to another until it ends, and a saved response is found again by its scope and key only."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from payments.bootstrap import MIGRATIONS
from payments.settings import PaymentsSettings
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tarifa.db import create_engine, prepare_database, sessionmaker_for
from tarifa.idempotency.sql import SqlIdempotencyStore


@pytest_asyncio.fixture
async def sessions(settings: PaymentsSettings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    await prepare_database(MIGRATIONS, settings.dsn)
    engine = create_engine(settings.dsn, pool_size=2)
    yield sessionmaker_for(engine)
    await engine.dispose()


async def test_a_held_key_is_refused_to_another_transaction_until_it_ends(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as first, sessions() as second:
        assert await SqlIdempotencyStore(first).lock("offline:p", "k-1")
        assert not await SqlIdempotencyStore(second).lock("offline:p", "k-1")
        assert await SqlIdempotencyStore(second).lock("offline:p", "k-2")
        await first.rollback()
        assert await SqlIdempotencyStore(second).lock("offline:p", "k-1")


async def test_a_saved_response_is_found_by_its_scope_and_key(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        store = SqlIdempotencyStore(session)
        await store.save("offline:p", "k-1", "f" * 64, (201, {"id": "pay-1"}))
        await session.commit()
    async with sessions() as session:
        store = SqlIdempotencyStore(session)
        assert await store.find("offline:p", "k-1") == ("f" * 64, (201, {"id": "pay-1"}))
        assert await store.find("offline:q", "k-1") is None
