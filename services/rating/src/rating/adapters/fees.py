"""SQL repository of recurring fees: the lines due for a look, their charges, their progress."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from rating.adapters.repositories import line_of, plan_changes
from rating.adapters.tables import (
    among,
    connection_of,
    current,
    fee_charges,
    lines,
    of_current_line,
)
from rating.domain.lines import Line
from rating.domain.packages import KIND_PREFIX
from rating.domain.schedule import FeeCharge

__all__ = ["SqlFees"]


def _row(charge: FeeCharge, now: datetime) -> dict[str, object]:
    row = {
        "msisdn": charge.msisdn, "kind": charge.kind, "period_date": charge.period_date,
        "account_id": charge.account_id, "plan_code": charge.plan.code,
        "plan_version": charge.plan.version, "amount": charge.amount, "net": charge.split.net,
        "vat": charge.split.vat, "gross": charge.split.gross, "currency": charge.plan.currency,
        "charged_at": now,
    }
    return {f"f_{name}": value for name, value in row.items()} | {"f_line": charge.msisdn}


def _add_charge() -> Any:
    """Insert one charge under the connection of the line holding its number now; a charge
    of that line stored already (same kind and period date) is skipped."""
    names = [c.name for c in fee_charges.c if c.name != "connected_at"]
    values: dict[str, Any] = {name: bindparam(f"f_{name}") for name in names}
    table = fee_charges
    return (insert(table).values(values | {"connected_at": connection_of(bindparam("f_line"))})
            .on_conflict_do_nothing()
            .returning(table.c.msisdn, table.c.kind, table.c.period_date))


_ADD_CHARGE = _add_charge()


class SqlFees:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def due_lines(self, day: date) -> list[str]:
        found = await self._session.scalars(
            select(lines.c.msisdn).where(current(), or_(lines.c.fees_through.is_(None),
                                                        lines.c.fees_through < day))
            .order_by(lines.c.msisdn))
        return list(found)

    async def lock_many(self, msisdns: Collection[str]) -> dict[str, tuple[Line, date | None]]:
        rows = (await self._session.execute(
            select(lines).where(among(lines.c.msisdn, msisdns), current()).order_by(lines.c.msisdn)
            .with_for_update())).all()
        changes = await plan_changes(self._session, [r.msisdn for r in rows])
        return {r.msisdn: (line_of(r, changes), r.fees_through) for r in rows}

    async def charged_since_many(self, firsts: Mapping[str, date], kinds: str | None = None,
                                 ) -> dict[str, dict[date, Decimal]]:
        if not firsts:
            return {}
        # a package's charges are its own: the plan's months and each package's are apart
        of_kind = (fee_charges.c.kind.startswith(kinds, autoescape=True) if kinds
                   else ~fee_charges.c.kind.startswith(KIND_PREFIX))
        month = func.date_trunc("month", fee_charges.c.period_date).cast(fee_charges.c.period_date.type)
        rows = (await self._session.execute(
            select(fee_charges.c.msisdn, month.label("month"),
                   func.sum(fee_charges.c.amount).label("amount"))
            .where(among(fee_charges.c.msisdn, firsts), of_kind, of_current_line(fee_charges),
                   fee_charges.c.period_date >= min(firsts.values()))
            .group_by(fee_charges.c.msisdn, month))).all()
        found: dict[str, dict[date, Decimal]] = {msisdn: {} for msisdn in firsts}
        for r in rows:
            if r.month >= firsts[r.msisdn]:
                found[r.msisdn][r.month] = r.amount
        return found

    async def looked_at_many(self, days: Mapping[str, date]) -> None:
        """One statement per distinct day (a pass has one or two)."""
        for day in set(days.values()):
            await self._session.execute(update(lines).where(
                among(lines.c.msisdn, [m for m, d in days.items() if d == day]), current())
                .values(fees_through=day))

    async def add(self, charges: Sequence[FeeCharge], now: datetime) -> set[tuple[str, str, date]]:
        if not charges:
            return set()
        rows = (await self._session.execute(_ADD_CHARGE, [_row(c, now) for c in charges])).all()
        return {(r.msisdn, r.kind, r.period_date) for r in rows}

    async def listed(self, line: Line, first: date | None,
                     last: date | None) -> list[Mapping[str, object]]:
        table = fee_charges
        columns = [c for c in table.c if c.name != "connected_at"]
        statement = select(*columns).where(table.c.msisdn == line.msisdn,
                                           table.c.connected_at == line.connected_at)
        if first:
            statement = statement.where(table.c.period_date >= first)
        if last:
            statement = statement.where(table.c.period_date <= last)
        rows = await self._session.execute(statement.order_by(table.c.period_date, table.c.kind))
        return [dict(r) for r in rows.mappings()]
