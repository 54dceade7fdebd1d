"""Two replicas taking two balance changes of one account at once notice one crossing below zero.

The first change of an account finds no balance row to lock; without the account's lock the
second replica would read "never seen" too while the first has not committed, and both would
send the negative-balance notice (seen in the scale-out test, tests/scaleout).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from notifications.adapters.repositories import SqlBalances
from notifications.bootstrap import MIGRATIONS
from notifications.domain.balance import KnownBalance, crossed_below_zero
from notifications.settings import NotificationsSettings
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tarifa.db import create_engine, prepare_database, sessionmaker_for

FIRST = datetime(2026, 5, 31, 20, tzinfo=UTC)


async def _second_change(sessions: async_sessionmaker[AsyncSession], started: asyncio.Event,
                         account_id: str) -> bool:
    """What the second replica decides for a change of the same balance a moment later."""
    async with sessions() as session, session.begin():
        started.set()
        balances = SqlBalances(session)
        previous = await balances.get(account_id)
        at = FIRST + timedelta(seconds=1)
        await balances.record(KnownBalance(account_id, Decimal("-60.00"), at))
        return crossed_below_zero(previous, Decimal("-60.00"), at)


async def test_two_changes_taken_at_once_cross_below_zero_once(
        settings: NotificationsSettings) -> None:
    await prepare_database(MIGRATIONS, settings.dsn)
    engine = create_engine(settings.dsn)
    sessions = sessionmaker_for(engine)
    try:
        async with sessions() as session, session.begin():
            balances = SqlBalances(session)
            previous = await balances.get("acc-race")
            await balances.record(KnownBalance("acc-race", Decimal("-60.00"), FIRST))
            first = crossed_below_zero(previous, Decimal("-60.00"), FIRST)
            started = asyncio.Event()
            second = asyncio.create_task(_second_change(sessions, started, "acc-race"))
            await started.wait()
            await asyncio.sleep(0.5)  # the second replica's read is under way before this commit
        assert (first, await second) == (True, False)
    finally:
        await engine.dispose()
