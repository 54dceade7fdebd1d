"""SQL store of the usage records parked until their line is known."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import asdict
from datetime import datetime

from sqlalchemy import delete, exists, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from rating.adapters.tables import among, lines, parked_usage
from rating.service.ports import ParkedRecord

__all__ = ["SqlParked"]

_ADD = (insert(parked_usage)
        .on_conflict_do_nothing(index_elements=[parked_usage.c.record_id])
        .returning(parked_usage.c.record_id))


class SqlParked:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def known(self, ids: Collection[str]) -> set[str]:
        found = await self._session.scalars(
            select(parked_usage.c.record_id).where(among(parked_usage.c.record_id, ids)))
        return set(found)

    async def add(self, parked: Sequence[ParkedRecord]) -> int:
        """One multi-row insert per thousand records; the ids actually parked are counted."""
        result = await self._session.execute(_ADD, [asdict(p) for p in parked])
        return len(result.all())

    async def due(self, parked_before: datetime) -> list[str]:
        known = exists().where(lines.c.msisdn == parked_usage.c.msisdn)
        found = await self._session.scalars(
            select(parked_usage.c.msisdn).distinct()
            .where(or_(parked_usage.c.parked_at <= parked_before, known))
            .order_by(parked_usage.c.msisdn))
        return list(found)

    async def take(self, msisdn: str) -> list[ParkedRecord]:
        rows = await self._session.execute(
            select(parked_usage).where(parked_usage.c.msisdn == msisdn)
            .order_by(parked_usage.c.record_id).with_for_update(skip_locked=True))
        return [ParkedRecord(**row) for row in rows.mappings()]

    async def remove(self, ids: Collection[str]) -> None:
        if ids:
            await self._session.execute(
                delete(parked_usage).where(among(parked_usage.c.record_id, ids)))
