"""SQL reading of an account's rated records, page by page, for its detailed bill.

The records are found through the account's lines (every number the account held, its earlier
lines too) so that the index by line and time serves the query; ``account_id`` on each record
(the account of the line that held the number when the record started) keeps a reused
number's other owners out.
"""

from __future__ import annotations

from sqlalchemy import Select, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from rating.adapters.tables import lines, usage_records
from rating.adapters.uow import RatingUnitOfWork
from rating.service.ports import AccountUsagePage, AccountUsageQuery

__all__ = ["RecordsUnitOfWork", "SqlAccountRecords"]

_COLUMNS = [c for c in usage_records.c if c.name not in ("batch_id", "account_id")]


def _statement(query: AccountUsageQuery) -> Select[tuple[object, ...]]:
    table = usage_records
    held = select(lines.c.msisdn).distinct().where(lines.c.account_id == query.account_id)
    statement = select(*_COLUMNS).where(
        table.c.msisdn.in_(held.scalar_subquery()), table.c.account_id == query.account_id,
        table.c.usage_date >= query.first_day, table.c.usage_date <= query.last_day)
    if query.direction:
        statement = statement.where(table.c.direction == query.direction)
    if query.after:
        statement = statement.where(
            tuple_(table.c.msisdn, table.c.started_at, table.c.id) > query.after)
    order = (table.c.msisdn, table.c.started_at, table.c.id)
    return statement.order_by(*order).limit(query.limit + 1)


class SqlAccountRecords:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def page(self, query: AccountUsageQuery) -> AccountUsagePage:
        rows = (await self._session.execute(_statement(query))).mappings().all()
        page = [dict(r) for r in rows[:query.limit]]
        last = page[-1] if page else None
        more = last is not None and len(rows) > query.limit
        after = (str(last["msisdn"]), last["started_at"], str(last["id"])) if more and last else None
        return AccountUsagePage(page, after)


class RecordsUnitOfWork(RatingUnitOfWork):
    """Rating's unit of work with the account records beside its repositories."""

    def _open(self, session: AsyncSession) -> None:
        super()._open(session)
        self.records = SqlAccountRecords(session)
