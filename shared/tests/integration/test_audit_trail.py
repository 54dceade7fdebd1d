"""The SQL audit trail's ``record_all``: many rows in one statement, read back as ``record``
writes them, in the work's transaction only."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tarifa.audit import Actor, AuditEntry, AuditQuery
from tarifa.audit.sql import SqlAuditTrail
from tarifa.audit.tables import metadata as audit_metadata
from tarifa.correlation import correlated
from tarifa.db import create_engine, sessionmaker_for

Sessions = async_sessionmaker[AsyncSession]
AT = datetime(2026, 5, 14, 12, 0, tzinfo=UTC)
JOB = Actor.system("tests.job")


class Stopped:
    """A clock that stays at ``AT``."""

    def now(self) -> datetime:
        return AT


@pytest_asyncio.fixture
async def audit_sessions(make_database: Callable[[str], Awaitable[str]]
                         ) -> AsyncIterator[Sessions]:
    url = await make_database("audit")
    engine = create_engine(url.replace("postgresql://", "postgresql+asyncpg://", 1), pool_size=2)
    async with engine.begin() as conn:
        await conn.run_sync(audit_metadata.create_all)
    yield sessionmaker_for(engine)
    await engine.dispose()


def _entries(count: int) -> list[AuditEntry]:
    return [AuditEntry(JOB if i % 2 else Actor("ops-1", "operator"), "thing.changed", "thing",
                       f"t{i}", before=None if i % 2 else {"n": i - 1},
                       after={"n": i, "amount": Decimal("1.50"), "on": date(2026, 5, i % 28 + 1)})
            for i in range(count)]


async def test_many_rows_are_written_at_once_and_read_back_as_recorded(
    audit_sessions: Sessions
) -> None:
    clock = Stopped()
    async with audit_sessions() as session:
        trail = SqlAuditTrail(session, clock)
        with correlated("audit-all-1"):
            await trail.record_all(_entries(5000))
            await trail.record_all([])
        await session.commit()
        page = await trail.page(AuditQuery(target_type="thing", limit=5000))
        [odd] = (await trail.page(AuditQuery(target_id="t7"))).records
        [even] = (await trail.page(AuditQuery(target_id="t8"))).records
    assert page.total == len(page.records) == 5000
    assert {(r.at, r.correlation_id, r.action) for r in page.records} == {
        (AT, "audit-all-1", "thing.changed")}
    assert (odd.actor, odd.before, odd.after) == (
        JOB, None, {"n": 7, "amount": "1.50", "on": "2026-05-08"})
    assert (even.actor, even.before) == (Actor("ops-1", "operator"), {"n": 7})


async def test_rows_of_a_work_rolled_back_are_not_written(audit_sessions: Sessions) -> None:
    clock = Stopped()
    async with audit_sessions() as session:
        await SqlAuditTrail(session, clock).record_all(_entries(3))
        await session.rollback()
    async with audit_sessions() as session:
        assert (await SqlAuditTrail(session, clock).page(AuditQuery())).total == 0
