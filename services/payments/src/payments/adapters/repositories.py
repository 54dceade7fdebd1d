"""SQL repositories of the payments service: the accounts replica, payments, refunds."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from payments.adapters.tables import accounts, lines, payments, refunds
from payments.domain.payment import AccountRef, Payment, PaymentStatus
from payments.domain.refund import Refund

__all__ = ["SqlAccountsReplica", "SqlPayments", "SqlRefunds"]


class SqlAccountsReplica:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, account_id: str) -> AccountRef | None:
        row = (await self._session.execute(
            select(accounts).where(accounts.c.account_id == account_id))).first()
        return AccountRef(row.account_id, row.currency, row.status) if row else None

    async def by_msisdn(self, msisdn: str) -> AccountRef | None:
        account_id = await self._session.scalar(
            select(lines.c.account_id).where(lines.c.msisdn == msisdn))
        return await self.get(account_id) if account_id else None

    async def upsert(self, account: AccountRef) -> None:
        statement = insert(accounts).values(asdict(account))
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=[accounts.c.account_id],
            set_={"currency": statement.excluded.currency, "status": statement.excluded.status}))

    async def add_line(self, msisdn: str, account_id: str) -> None:
        statement = insert(lines).values(msisdn=msisdn, account_id=account_id)
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=[lines.c.msisdn], set_={"account_id": account_id}))


class SqlPayments:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, payment: Payment) -> None:
        await self._session.execute(payments.insert().values(asdict(payment)))

    async def get(self, payment_id: str, *, for_update: bool = False) -> Payment | None:
        query = select(payments).where(payments.c.id == payment_id)
        row = (await self._session.execute(
            query.with_for_update() if for_update else query)).mappings().first()
        return _payment(dict(row)) if row else None

    async def save(self, payment: Payment) -> None:
        await self._session.execute(
            payments.update().where(payments.c.id == payment.id).values(asdict(payment)))


def _payment(row: dict[str, Any]) -> Payment:
    row["status"] = PaymentStatus(row["status"])
    return Payment(**row)


class SqlRefunds:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, refund: Refund) -> None:
        await self._session.execute(refunds.insert().values(asdict(refund)))
