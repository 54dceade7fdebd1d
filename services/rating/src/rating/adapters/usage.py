"""SQL repository of rated usage records: bulk insert, duplicates, pages per line."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, tuple_
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
    .returning(usage_records.c.id)
)
"""Column-wise arrays: one statement and one round trip for a whole batch."""
_PAGE_COLUMNS = [c for c in usage_records.c if c.name not in ("batch_id", "account_id")]


def _row(rated: RatedRecord, batch_id: str, now: datetime) -> dict[str, Any]:
    record, charged = rated.record, rated.charge
    return {
        "id": record.id, "msisdn": record.msisdn, "account_id": rated.account_id,
        "type": record.type, "direction": record.direction, "zone": record.rated_zone,
        "started_at": record.started_at, "usage_date": rated.usage_date,
        "quantity": record.quantity, "other_party": record.other_party,
        "roaming_country": record.roaming_country, "plan_code": rated.plan.code,
        "plan_version": rated.plan.version, "unit_price": charged.price.unit_price,
        "unit": charged.price.unit, "billed_quantity": charged.billed,
        "allowance": rated.allowance, "allowance_used": charged.allowance_used,
        "net": charged.net, "vat": charged.vat, "gross": charged.gross,
        "currency": rated.plan.currency, "batch_id": batch_id, "rated_at": now,
        "late": rated.late,
    }


class SqlUsage:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def known(self, ids: Collection[str]) -> set[str]:
        found = await self._session.scalars(
            select(usage_records.c.id).where(among(usage_records.c.id, ids)))
        return set(found)

    async def add_all(self, rated: Sequence[RatedRecord], batch_id: str, now: datetime) -> set[str]:
        """One ``INSERT ... SELECT unnest(...) ON CONFLICT (id) DO NOTHING RETURNING id``."""
        rows = [_row(r, batch_id, now) for r in rated]
        inserted = await self._session.scalars(_BULK_INSERT, {
            column.name: [row[column.name] for row in rows] for column in usage_records.c})
        return set(inserted)

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
