"""SQL side of re-rating: the stored records of a window, their new prices, the runs."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from rating.adapters.tables import (
    among,
    lines,
    rerating_runs,
    usage_records,
)
from rating.domain.rerating import Rerated, StoredRecord, Window
from rating.domain.rerating_run import CurrencyDifference, ReratingRun
from rating.domain.usage import UsageRecord

__all__ = ["SqlRerating"]

_U = usage_records.c
_NEW_PRICE = (
    update(usage_records).where(_U.id == bindparam("record_id")).values(
        plan_version=bindparam("plan_version"), unit_price=bindparam("unit_price"),
        unit=bindparam("unit"), billed_quantity=bindparam("billed_quantity"),
        allowance=bindparam("allowance"), allowance_used=bindparam("allowance_used"),
        net=bindparam("net"), vat=bindparam("vat"), gross=bindparam("gross"),
        rated_at=bindparam("rated_at"))
)


def _stored(row: Any) -> StoredRecord:
    record = UsageRecord(row.id, row.msisdn, row.type, row.direction, row.started_at,
                         row.quantity, row.other_party, row.zone, row.roaming_country)
    return StoredRecord(record, row.account_id, row.usage_date, row.late, row.plan_code,
                        row.plan_version, row.billed_quantity, row.allowance_used, row.net,
                        row.vat, row.gross)


def _new_price(changed: Rerated, rated_at: datetime) -> dict[str, Any]:
    new, charged = changed.new, changed.charge
    return {"record_id": changed.old.record.id, "plan_version": new.plan.version,
            "unit_price": charged.price.unit_price, "unit": charged.price.unit,
            "billed_quantity": charged.billed, "allowance": new.allowance,
            "allowance_used": charged.allowance_used, "net": charged.net, "vat": charged.vat,
            "gross": charged.gross, "rated_at": rated_at}


def _run_row(run: ReratingRun) -> dict[str, Any]:
    return {"id": run.id, "requested_at": run.requested_at, "from_date": run.from_date,
            "to_date": run.to_date, "msisdns": list(run.msisdns) if run.msisdns else None,
            "plan_code": run.plan_code, "status": run.status, "records": run.records,
            "changed": run.changed, "kept": run.kept,
            "differences": [{"currency": d.currency, "net": str(d.net), "gross": str(d.gross)}
                            for d in run.differences]}


def _run(row: Any) -> ReratingRun:
    differences = tuple(CurrencyDifference(d["currency"], Decimal(d["net"]), Decimal(d["gross"]))
                        for d in row.differences)
    return ReratingRun(row.id, row.requested_at, row.from_date, row.to_date,
                       tuple(row.msisdns) if row.msisdns is not None else None, row.plan_code,
                       row.status, row.records, row.changed, row.kept, differences)


class SqlRerating:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def all_lines(self) -> list[str]:
        return list(await self._session.scalars(
            select(lines.c.msisdn).distinct().order_by(lines.c.msisdn)))

    async def records(self, msisdns: Collection[str], window: Window) -> list[StoredRecord]:
        if not msisdns:
            return []
        earliest, latest = window.started_between()
        rows = (await self._session.execute(select(usage_records).where(
            among(_U.msisdn, msisdns), _U.started_at >= earliest, _U.started_at < latest,
            _U.usage_date.between(window.first, window.last),
        ).order_by(_U.msisdn, _U.started_at, _U.id))).all()
        return [_stored(row) for row in rows]

    async def update(self, changed: Sequence[Rerated], rated_at: datetime) -> None:
        if changed:
            await self._session.execute(_NEW_PRICE, [_new_price(c, rated_at) for c in changed])

    async def add_run(self, run: ReratingRun) -> None:
        await self._session.execute(rerating_runs.insert().values(_run_row(run)))

    async def run(self, run_id: str) -> ReratingRun | None:
        row = (await self._session.execute(
            select(rerating_runs).where(rerating_runs.c.id == run_id))).first()
        return _run(row) if row else None
