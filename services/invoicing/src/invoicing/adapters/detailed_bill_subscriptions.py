"""SQL repository of the subscriptions to the monthly detailed bill by email."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from invoicing.adapters.tables import detailed_bill_subscriptions as table
from invoicing.domain.detailed_bill_subscription import Subscription

__all__ = ["SqlDetailedBillSubscriptions"]


def _subscription(row: Any) -> Subscription:
    return Subscription(**dict(row))


class SqlDetailedBillSubscriptions:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, account_id: str) -> Subscription | None:
        row = (await self._session.execute(select(table).where(
            table.c.account_id == account_id))).mappings().first()
        return _subscription(row) if row else None

    async def put(self, subscription: Subscription) -> None:
        values = asdict(subscription)
        await self._session.execute(insert(table).values(values).on_conflict_do_update(
            index_elements=[table.c.account_id], set_=values))

    async def active(self) -> list[Subscription]:
        rows = (await self._session.execute(select(table).where(table.c.active.is_(True))
                                            .order_by(table.c.account_id))).mappings().all()
        return [_subscription(row) for row in rows]
