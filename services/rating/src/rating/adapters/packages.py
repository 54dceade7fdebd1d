"""SQL repository of add-on packages and of the lines' use of them."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import literal, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from rating.adapters.tables import among, connection_of, line_packages, of_current_line, packages
from rating.domain.packages import LinePackage, Package
from rating.domain.plan import Allowance

__all__ = ["SqlPackages"]


def _package(row: Any) -> Package:
    return Package(row.code, row.name, row.payment_mode, row.currency, row.monthly_fee,
                   row.vat_rate, row.prices_include_vat,
                   tuple(Allowance(**a) for a in row.allowances))


def _use(row: Any) -> LinePackage:
    return LinePackage(row.msisdn, row.code, row.started_at, row.ended_at)


class SqlPackages:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def save(self, package: Package, now: datetime) -> None:
        row = asdict(package) | {"published_at": now}
        statement = insert(packages).values(row)
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=[packages.c.code],
            set_={key: statement.excluded[key] for key in row if key != "code"}))

    async def get(self, code: str) -> Package | None:
        return (await self.of_codes([code])).get(code)

    async def of_codes(self, codes: Collection[str]) -> dict[str, Package]:
        rows = await self._session.execute(select(packages).where(among(packages.c.code, codes)))
        return {row.code: _package(row) for row in rows}

    async def listed(self) -> list[Package]:
        rows = await self._session.execute(select(packages).order_by(packages.c.code))
        return [_package(row) for row in rows]

    async def uses_of(self, msisdns: Collection[str]) -> dict[str, list[LinePackage]]:
        table = line_packages
        rows = await self._session.execute(
            select(table).where(among(table.c.msisdn, msisdns), of_current_line(table))
            .order_by(table.c.msisdn, table.c.started_at))
        found: dict[str, list[LinePackage]] = {msisdn: [] for msisdn in msisdns}
        for row in rows:
            found[row.msisdn].append(_use(row))
        return found

    async def uses_under(self, connections: Mapping[str, datetime],
                         ) -> dict[str, list[LinePackage]]:
        table = line_packages
        rows = await self._session.execute(
            select(table).where(among(table.c.msisdn, connections))
            .order_by(table.c.msisdn, table.c.started_at))
        found: dict[str, list[LinePackage]] = {msisdn: [] for msisdn in connections}
        for row in rows:
            if row.connected_at == connections[row.msisdn]:
                found[row.msisdn].append(_use(row))
        return found

    async def start(self, use: LinePackage) -> None:
        await self._session.execute(line_packages.insert().values(
            asdict(use) | {"connected_at": connection_of(literal(use.msisdn))}))

    async def end(self, use: LinePackage, at: datetime) -> None:
        table = line_packages
        await self._session.execute(table.update().where(
            table.c.msisdn == use.msisdn, table.c.code == use.code,
            table.c.started_at == use.started_at, of_current_line(table)).values(ended_at=at))
