"""SQL repositories of registry files and of stored cards with their autopay mandates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from payments.adapters.tables import autopay_mandates, payment_methods, payment_registries, registry_entries
from payments.domain.autopay import AutopayMandate, MethodStatus, PaymentMethod
from payments.domain.matching import RowQuery
from payments.domain.registry import EntryStatus, RegistryEntry, RegistryReport

__all__ = ["SqlPaymentMethods", "SqlRegistries"]


class SqlRegistries:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim(self, entry: RegistryEntry) -> bool:
        values = asdict(entry)
        del values["amount_value"]
        statement = insert(registry_entries).values(values).on_conflict_do_nothing()
        result = await self._session.execute(statement.returning(registry_entries.c.row))
        return result.first() is not None

    async def add_registry(self, report: RegistryReport) -> None:
        values = asdict(report)
        del values["unmatched"]
        await self._session.execute(payment_registries.insert().values(values))

    async def get_registry(self, registry_id: str) -> RegistryReport | None:
        row = (await self._session.execute(select(payment_registries).where(
            payment_registries.c.id == registry_id))).mappings().first()
        if row is None:
            return None
        return RegistryReport(**dict(row), unmatched=await self._unmatched(registry_id))

    async def submitter(self, registry_id: str) -> str | None:
        return await self._session.scalar(select(payment_registries.c.submitted_by).where(
            payment_registries.c.id == registry_id))

    async def entry(self, registry_id: str, row: int) -> RegistryEntry | None:
        """The row, locked until the transaction ends (one decision at a time)."""
        found = (await self._session.execute(select(registry_entries).where(
            registry_entries.c.registry_id == registry_id, registry_entries.c.row == row)
            .with_for_update())).mappings().first()
        return _entry(dict(found)) if found else None

    async def save_entry(self, entry: RegistryEntry) -> None:
        values = asdict(entry)
        del values["amount_value"]
        await self._session.execute(registry_entries.update().where(
            registry_entries.c.registry_id == entry.registry_id,
            registry_entries.c.row == entry.row).values(values))

    async def rows(self, registry_id: str, status: EntryStatus | None, after: int,
                   limit: int) -> list[RegistryEntry]:
        query = select(registry_entries).where(registry_entries.c.registry_id == registry_id,
                                               registry_entries.c.row > after)
        if status is not None:
            query = query.where(registry_entries.c.status == status)
        found = await self._session.execute(query.order_by(registry_entries.c.row).limit(limit))
        return [_entry(dict(row)) for row in found.mappings()]

    async def queue(self, query: RowQuery) -> list[tuple[datetime, RegistryEntry]]:
        sent = payment_registries.c.created_at
        found = select(sent, registry_entries).join(
            payment_registries, payment_registries.c.id == registry_entries.c.registry_id)
        for column, value in ((registry_entries.c.status, query.status),
                              (registry_entries.c.problem, query.problem),
                              (payment_registries.c.submitted_by, query.submitted_by)):
            found = found if value is None else found.where(column == value)
        order = (sent, registry_entries.c.registry_id, registry_entries.c.row)
        if query.after is not None:
            found = found.where(tuple_(*order) > tuple_(*query.after))
        rows = await self._session.execute(found.order_by(*order).limit(query.limit))
        return [(row.pop("created_at"), _entry(row)) for row in map(dict, rows.mappings())]

    async def _unmatched(self, registry_id: str) -> list[RegistryEntry]:
        rows = (await self._session.execute(select(registry_entries).where(
            registry_entries.c.registry_id == registry_id,
            registry_entries.c.status == EntryStatus.UNMATCHED).order_by(
            registry_entries.c.row))).mappings()
        return [_entry(dict(row)) for row in rows]


def _entry(row: dict[str, Any]) -> RegistryEntry:
    row["status"] = EntryStatus(row["status"])
    return RegistryEntry(**row)


class SqlPaymentMethods:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, method: PaymentMethod) -> None:
        await self._session.execute(payment_methods.insert().values(asdict(method)))

    async def get(self, method_id: str, *, for_update: bool = False) -> PaymentMethod | None:
        query = select(payment_methods).where(payment_methods.c.id == method_id)
        row = (await self._session.execute(
            query.with_for_update() if for_update else query)).mappings().first()
        if row is None:
            return None
        return PaymentMethod(**{**dict(row), "status": MethodStatus(row["status"])})

    async def save(self, method: PaymentMethod) -> None:
        await self._session.execute(payment_methods.update().where(
            payment_methods.c.id == method.id).values(asdict(method)))

    async def put_mandate(self, mandate: AutopayMandate) -> None:
        values = asdict(mandate)
        statement = insert(autopay_mandates).values(values)
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=[autopay_mandates.c.account_id],
            set_={k: v for k, v in values.items() if k != "account_id"}))

    async def mandate(self, account_id: str) -> AutopayMandate | None:
        return (await self.mandates_of([account_id])).get(account_id)

    async def mandates_of(self, account_ids: Sequence[str]) -> dict[str, AutopayMandate]:
        rows = (await self._session.execute(select(autopay_mandates).where(
            autopay_mandates.c.account_id.in_(list(account_ids))))).mappings()
        return {row["account_id"]: AutopayMandate(**dict(row)) for row in rows}

    async def drop_mandate(self, account_id: str) -> None:
        await self._session.execute(autopay_mandates.delete().where(
            autopay_mandates.c.account_id == account_id))
