"""SQL repository of rated usage records: binary COPY of a batch, duplicates, pages per line."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

import asyncpg
from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from rating.adapters.tables import among, usage_records
from rating.domain.lines import Line
from rating.domain.rating import RatedRecord
from rating.service.ports import UsagePage, UsageQuery

__all__ = ["SqlUsage"]

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
        """One binary ``COPY`` of the whole batch; rows inserted. All or none: when another batch
        stored one of these ids meanwhile, none is and 0 is answered (the transaction is then
        unusable and must be rolled back)."""
        driver = (await (await self._session.connection()).get_raw_connection()).driver_connection
        assert driver is not None, "the session's connection is open"
        try:
            await driver.copy_records_to_table(
                usage_records.name, records=[_row(r, batch_id, now) for r in rated],
                columns=_NAMES)
        except asyncpg.UniqueViolationError:
            return 0
        return len(rated)

    async def page(self, query: UsageQuery, line: Line) -> UsagePage:
        table = usage_records
        statement = select(*_PAGE_COLUMNS).where(
            table.c.msisdn == query.msisdn, table.c.account_id == line.account_id,
            table.c.started_at >= line.connected_at)
        if line.replaced_at:
            statement = statement.where(table.c.started_at < line.replaced_at)
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
