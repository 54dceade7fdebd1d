"""SQL repositories of the rating service: plans, the accounts replica, allowance buckets."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from operator import itemgetter
from typing import Any

from sqlalchemy import Select, bindparam, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from rating.adapters.tables import (
    accounts,
    allowance_buckets,
    among,
    current,
    invoiced_periods,
    line_plan_changes,
    lines,
    plan_versions,
    suspensions,
)
from rating.domain.allowances import BucketKey
from rating.domain.lines import Account, Line, PlanChange, Suspension
from rating.domain.plan import Allowance, PlanVersion, Price

__all__ = ["SqlBuckets", "SqlPlans", "SqlReplica", "line_of", "plan_changes"]


def _price(entry: dict[str, Any]) -> Price:
    return Price(**(entry | {"unit_price": Decimal(entry["unit_price"])}))


def _plan(row: Any) -> PlanVersion:
    return PlanVersion(
        code=row.code, version=row.version, name=row.name, payment_mode=row.payment_mode,
        currency=row.currency, monthly_fee=row.monthly_fee, vat_rate=row.vat_rate,
        prices_include_vat=row.prices_include_vat, effective_from=row.effective_from,
        allowances=tuple(Allowance(**a) for a in row.allowances),
        prices=tuple(_price(p) for p in row.prices),
    )


def _of_line(changes: Sequence[PlanChange], connected_at: datetime,
             replaced_at: datetime | None) -> tuple[PlanChange, ...]:
    """The plan changes made while this line held its number."""
    return tuple(c for c in changes if connected_at <= c.effective_at
                 and (replaced_at is None or c.effective_at < replaced_at))


_MSISDN = lines.c.keys().index("msisdn")
_LINE_FIELDS = itemgetter(*(lines.c.keys().index(name) for name in (
    "msisdn", "account_id", "plan_code", "connected_at", "closed_at", "replaced_at")))
"""A row of ``lines`` read by position: a thousand lines a batch, and a column read by name
costs a row about a microsecond."""


def line_of(row: Any, changes: dict[str, list[PlanChange]]) -> Line:
    """The line of a row of ``lines`` (all its columns), with its plan changes."""
    msisdn, account_id, plan_code, connected_at, closed_at, replaced_at = _LINE_FIELDS(row)
    held = changes.get(msisdn)
    return Line(msisdn, account_id, plan_code, connected_at,
                _of_line(held, connected_at, replaced_at) if held else (), closed_at, replaced_at)


async def plan_changes(session: AsyncSession, msisdns: Collection[str]) -> dict[str, list[PlanChange]]:
    """The plan changes of these lines, oldest first."""
    table = line_plan_changes
    rows = (await session.execute(select(table).where(among(table.c.msisdn, msisdns))
                                  .order_by(table.c.msisdn, table.c.effective_at))).all()
    found: dict[str, list[PlanChange]] = {}
    for row in rows:
        found.setdefault(row.msisdn, []).append(PlanChange(row.effective_at, row.plan_code))
    return found


class SqlPlans:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def versions(self, code: str) -> list[PlanVersion]:
        return (await self.versions_of([code])).get(code, [])

    async def versions_of(self, codes: Collection[str]) -> dict[str, list[PlanVersion]]:
        rows = (await self._session.execute(
            select(plan_versions).where(among(plan_versions.c.code, codes))
            .order_by(plan_versions.c.code, plan_versions.c.version))).all()
        found: dict[str, list[PlanVersion]] = {}
        for row in rows:
            found.setdefault(row.code, []).append(_plan(row))
        return found

    async def lock(self, code: str) -> None:
        await self._session.execute(
            select(func.pg_advisory_xact_lock(func.hashtext(f"rating.plan\n{code}"))))

    async def add(self, plan: PlanVersion, published_at: datetime) -> None:
        row = asdict(plan) | {"published_at": published_at}
        row["prices"] = [p | {"unit_price": str(p["unit_price"])} for p in row["prices"]]
        await self._session.execute(plan_versions.insert().values(row))


class SqlReplica:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def upsert_account(self, account: Account) -> None:
        statement = insert(accounts).values(asdict(account))
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=[accounts.c.account_id],
            set_={c: statement.excluded[c] for c in ("currency", "payment_mode", "timezone")}))

    async def upsert_line(self, line: Line) -> None:
        """Store the line beside the earlier connections of its number: the latest connection
        is the number's current line, the others are replaced by the next one. The activation
        of an earlier line, come late, takes its place among them; one known already changes
        nothing but its account and plan."""
        await self._session.execute(lines.update().where(
            lines.c.msisdn == line.msisdn, lines.c.connected_at < line.connected_at,
            or_(lines.c.replaced_at.is_(None), lines.c.replaced_at > line.connected_at))
            .values(replaced_at=line.connected_at))
        later = (select(func.min(lines.c.connected_at))
                 .where(lines.c.msisdn == line.msisdn, lines.c.connected_at > line.connected_at)
                 .scalar_subquery())
        statement = insert(lines).values(
            msisdn=line.msisdn, account_id=line.account_id, plan_code=line.plan_code,
            connected_at=line.connected_at, replaced_at=later)
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=[lines.c.msisdn, lines.c.connected_at],
            set_={c: statement.excluded[c] for c in ("account_id", "plan_code")}))

    async def close_line(self, msisdn: str, account_id: str, closed_at: datetime) -> Line | None:
        """Close the latest line of this account connected before ``closed_at``; None if none."""
        latest = (select(func.max(lines.c.connected_at)).where(
            lines.c.msisdn == msisdn, lines.c.account_id == account_id,
            lines.c.connected_at <= closed_at).scalar_subquery())
        row = (await self._session.execute(lines.update().where(
            lines.c.msisdn == msisdn, lines.c.connected_at == latest)
            .values(closed_at=closed_at).returning(*lines.c))).first()
        return line_of(row, {}) if row else None

    async def line(self, msisdn: str) -> Line | None:
        return await self._one(select(lines).where(lines.c.msisdn == msisdn, current()))

    async def held_by(self, msisdn: str, account_id: str) -> Line | None:
        return await self._one(select(lines).where(
            lines.c.msisdn == msisdn, lines.c.account_id == account_id)
            .order_by(lines.c.connected_at.desc()).limit(1))

    async def _one(self, statement: Select[Any]) -> Line | None:
        row = (await self._session.execute(statement)).first()
        return line_of(row, await plan_changes(self._session, [row.msisdn])) if row else None

    async def account(self, account_id: str) -> Account | None:
        return (await self.accounts([account_id])).get(account_id)

    async def lock_lines(self, msisdns: Collection[str]) -> dict[str, Line]:
        held = await self._lock(select(lines).where(among(lines.c.msisdn, msisdns), current()))
        return {msisdn: found[-1] for msisdn, found in held.items()}

    async def lock_connections(self, msisdns: Collection[str],
                               since: datetime | None = None) -> dict[str, list[Line]]:
        statement = select(lines).where(among(lines.c.msisdn, msisdns))
        if since is not None:
            statement = statement.where(or_(lines.c.replaced_at.is_(None),
                                            lines.c.replaced_at > since))
        return await self._lock(statement)

    async def _lock(self, statement: Select[Any]) -> dict[str, list[Line]]:
        """The lines found, row-locked in number and connection order, oldest first."""
        rows = (await self._session.execute(
            statement.order_by(lines.c.msisdn, lines.c.connected_at).with_for_update())).all()
        changes = await plan_changes(self._session, {r[_MSISDN] for r in rows}) if rows else {}
        found: dict[str, list[Line]] = {}
        for row in rows:
            line = line_of(row, changes)
            found.setdefault(line.msisdn, []).append(line)
        return found

    async def accounts(self, account_ids: Collection[str]) -> dict[str, Account]:
        table = accounts
        rows = (await self._session.execute(
            select(table.c.account_id, table.c.currency, table.c.payment_mode, table.c.timezone)
            .where(among(table.c.account_id, account_ids)))).all()
        return {account_id: Account(account_id, currency, payment_mode, timezone)
                for account_id, currency, payment_mode, timezone in rows}

    async def add_plan_change(self, msisdn: str, change: PlanChange) -> None:
        statement = insert(line_plan_changes).values(
            msisdn=msisdn, effective_at=change.effective_at, plan_code=change.plan_code)
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=[line_plan_changes.c.msisdn, line_plan_changes.c.effective_at],
            set_={"plan_code": statement.excluded.plan_code}))

    async def upsert_suspension(self, suspension: Suspension) -> None:
        statement = insert(suspensions).values(
            account_id=suspension.account_id, starts_at=suspension.start, ends_at=suspension.end)
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=[suspensions.c.account_id, suspensions.c.starts_at],
            set_={"ends_at": func.least(suspensions.c.ends_at, statement.excluded.ends_at)}))

    async def suspensions_of(self, account_ids: Collection[str]) -> dict[str, list[Suspension]]:
        rows = (await self._session.execute(select(suspensions).where(
            among(suspensions.c.account_id, account_ids)).order_by(suspensions.c.starts_at))).all()
        found: dict[str, list[Suspension]] = {account_id: [] for account_id in account_ids}
        for r in rows:
            found[r.account_id].append(Suspension(r.account_id, r.starts_at, r.ends_at))
        return found

    async def record_invoiced(self, account_id: str, period_end: date) -> None:
        statement = insert(invoiced_periods).values(account_id=account_id, period_end=period_end)
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=[invoiced_periods.c.account_id],
            set_={"period_end": func.greatest(invoiced_periods.c.period_end,
                                              statement.excluded.period_end)}))

    async def invoiced_through(self, account_ids: Collection[str]) -> dict[str, date]:
        table = invoiced_periods
        rows = (await self._session.execute(select(table.c.account_id, table.c.period_end)
                                            .where(among(table.c.account_id, account_ids)))).all()
        return {account_id: period_end for account_id, period_end in rows}


class SqlBuckets:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def used(self, connections: Mapping[str, datetime], since: date) -> dict[BucketKey, int]:
        """The buckets of these lines (each number's under the given connection)."""
        table = allowance_buckets
        rows = (await self._session.execute(
            select(table.c.msisdn, table.c.period, table.c.allowance, table.c.used,
                   table.c.connected_at)
            .where(among(table.c.msisdn, connections), table.c.period >= since))).all()
        return {(msisdn, period, allowance): used
                for msisdn, period, allowance, used, connected_at in rows
                if connections[msisdn] == connected_at}

    async def save(self, used: Mapping[BucketKey, int], connections: Mapping[str, datetime],
                   ) -> None:
        if not used:
            return
        await self._session.execute(
            _SAVE_BUCKET, [{"b_msisdn": m, "b_line": connections[m], "b_period": p,
                            "b_allowance": a, "b_used": n}
                           for (m, p, a), n in used.items()])


def _save_bucket() -> Any:
    """Upsert one bucket, under the connection of its line."""
    table = allowance_buckets
    statement = insert(table).values(
        msisdn=bindparam("b_msisdn"), connected_at=bindparam("b_line"),
        period=bindparam("b_period"), allowance=bindparam("b_allowance"),
        used=bindparam("b_used"))
    return statement.on_conflict_do_update(
        index_elements=[table.c.msisdn, table.c.connected_at, table.c.period, table.c.allowance],
        set_={"used": statement.excluded.used})


_SAVE_BUCKET = _save_bucket()
