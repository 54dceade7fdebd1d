"""SQL store of the posting carries: per account, billing month and carried key."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from sqlalchemy import select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from tarifa.money import Carry

from invoicing.adapters.tables import carries
from invoicing.domain.posting import CarryKey

__all__ = ["SqlCarries"]


class SqlCarries:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def load(self, account_id: str, keys: Collection[CarryKey]) -> dict[CarryKey, Carry]:
        if not keys:
            return {}
        rows = await self._session.execute(select(carries).where(
            carries.c.account_id == account_id,
            tuple_(carries.c.period, carries.c.key).in_(list(keys))))
        return {(row.period, row.key): Carry(row.base, row.posted) for row in rows}

    async def save(self, account_id: str, changed: Mapping[CarryKey, Carry]) -> None:
        if not changed:
            return
        statement = insert(carries).values([
            {"account_id": account_id, "period": period, "key": key, "base": carry.base,
             "posted": carry.posted} for (period, key), carry in changed.items()])
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=[carries.c.account_id, carries.c.period, carries.c.key],
            set_={"base": statement.excluded.base, "posted": statement.excluded.posted}))
