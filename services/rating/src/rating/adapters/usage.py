"""SQL repository of rated usage records: bulk insert, duplicates, pages per line."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, bindparam, func, select, tuple_
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.ext.asyncio import AsyncSession

from rating.adapters.tables import among, usage_records
from rating.domain.rating import RatedRecord
from rating.service.ports import UsagePage, UsageQuery

__all__ = ["SqlUsage"]

_BULK_INSERT = (
    insert(usage_records)
    .from_select(list(usage_records.c), select(*(
        func.unnest(bindparam(c.name, type_=ARRAY(c.type))) for c in usage_records.c)))
    .on_conflict_do_nothing(index_elements=[usage_records.c.id])
)
"""Column-wise arrays: one statement and one round trip for a whole batch."""
_NAMES = [c.name for c in usage_records.c]
_PAGE_COLUMNS = [c for c in usage_records.c if c.name not in ("batch_id", "account_id")]


def _row(rated: RatedRecord, batch_id: str, now: datetime) -> tuple[Any, ...]:
    """The values of one rated record, in the order of the table's columns."""
    record, charged = rated.record, rated.charge
    return (
        record.id, record.msisdn, rated.account_id, record.type, record.direction,
        record.rated_zone, record.started_at, rated.usage_date, record.quantity,
        record.other_party, record.roaming_country, rated.plan.code, rated.plan.version,
        charged.price.unit_price, charged.price.unit, charged.billed, rated.allowance,
        charged.allowance_used, charged.net, charged.vat, charged.gross, rated.plan.currency,
        batch_id, now, rated.late,
    )


class SqlUsage:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def known(self, ids: Collection[str]) -> set[str]:
        found = await self._session.scalars(
            select(usage_records.c.id).where(among(usage_records.c.id, ids)))
        return set(found)

    async def add_all(self, rated: Sequence[RatedRecord], batch_id: str, now: datetime) -> int:
        """One ``INSERT ... SELECT unnest(...) ON CONFLICT (id) DO NOTHING``; rows inserted."""
        columns = zip(*(_row(r, batch_id, now) for r in rated), strict=True)
        result = await self._session.execute(_BULK_INSERT, dict(zip(_NAMES, map(list, columns),
                                                                     strict=True)))
        return cast(CursorResult[Any], result).rowcount  # DML answers a CursorResult

    async def page(self, query: UsageQuery) -> UsagePage:
        table = usage_records
        statement = select(*_PAGE_COLUMNS).where(table.c.msisdn == query.msisdn)
        if query.first_day:
            statement = statement.where(table.c.usage_date >= query.first_day)
        if query.last_day:
            statement = statement.where(table.c.usage_date <= query.last_day)
        if query.direction:
            statement = statement.where(table.c.direction == query.direction)
        if query.after:
            statement = statement.where(tuple_(table.c.started_at, table.c.id) > query.after)
        rows = (await self._session.execute(
            statement.order_by(table.c.started_at, table.c.id).limit(query.limit + 1))).mappings().all()
        page = [dict(r) for r in rows[:query.limit]]
        after = (page[-1]["started_at"], page[-1]["id"]) if len(rows) > query.limit else None
        return UsagePage(page, after)
