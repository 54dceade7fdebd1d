"""SQL of the billing schedule: the one row per period that makes a scheduled run start once."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from invoicing.adapters.tables import billing_runs, invoices, scheduled_runs
from invoicing.domain.run import BillingRun, RunStatus
from invoicing.domain.schedule import ListedRun

__all__ = ["SqlRunSchedule"]


def _listed(row: Any) -> ListedRun:
    values = dict(row)
    scheduled = values.pop("scheduled")
    ids = values["account_ids"]
    values["account_ids"] = tuple(ids) if ids is not None else None
    values["status"] = RunStatus(values["status"])
    return ListedRun(BillingRun(**values), scheduled)


class SqlRunSchedule:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def closed_by_hand(self, period_end: date) -> bool:
        """Whether a run of every account for the period was started already."""
        # "Every account" is stored as JSON null (or SQL NULL), a list of ids otherwise.
        every = func.coalesce(func.jsonb_typeof(billing_runs.c.account_ids), "null") == "null"
        found = await self._session.scalar(select(exists().where(
            billing_runs.c.period_end == period_end, every)))
        return bool(found)

    async def claim(self, period_end: date, run_id: str, now: datetime) -> bool:
        """Take the period for ``run_id``; False when another process (or pass) took it. A
        concurrent claim waits on the row and then finds it taken."""
        taken = await self._session.scalar(
            insert(scheduled_runs).values(period_end=period_end, run_id=run_id, started_at=now)
            .on_conflict_do_nothing(index_elements=[scheduled_runs.c.period_end])
            .returning(scheduled_runs.c.period_end))
        return taken is not None

    async def recent(self, limit: int) -> list[ListedRun]:
        issued = (select(func.count()).select_from(invoices)
                  .where(invoices.c.run_id == billing_runs.c.id).scalar_subquery())
        scheduled = exists().where(scheduled_runs.c.run_id == billing_runs.c.id)
        rows = await self._session.execute(
            select(*[c for c in billing_runs.c if c.name != "issued"], issued.label("issued"),
                   scheduled.label("scheduled"))
            .order_by(billing_runs.c.created_at.desc(), billing_runs.c.id).limit(limit))
        return [_listed(row) for row in rows.mappings()]
