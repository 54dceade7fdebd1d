"""SQL replica of the postpaid invoices invoicing announced."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.adapters.tables import accounts, invoices
from accounts.domain.account import AccountStatus
from accounts.domain.invoices import OverdueInvoice

__all__ = ["SqlInvoices"]


def _unpaid_past_grace(now: datetime) -> ColumnElement[bool]:
    """Overdue (it has a blocking instant), unpaid, and that instant has come."""
    return and_(invoices.c.paid_at.is_(None), invoices.c.blocks_at <= now)


class SqlInvoices:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record_issued(self, invoice_id: str, account_id: str, due_date: date) -> None:
        statement = insert(invoices).values(invoice_id=invoice_id, account_id=account_id,
                                            due_date=due_date)
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=[invoices.c.invoice_id], set_={"due_date": due_date}))

    async def due_date(self, invoice_id: str) -> date | None:
        found: date | None = await self._session.scalar(
            select(invoices.c.due_date).where(invoices.c.invoice_id == invoice_id))
        return found

    async def mark_overdue(self, invoice: OverdueInvoice) -> None:
        values = {"due_date": invoice.due_date, "blocks_at": invoice.blocks_at}
        statement = insert(invoices).values(invoice_id=invoice.invoice_id,
                                            account_id=invoice.account_id, **values)
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=[invoices.c.invoice_id], set_=values))

    async def mark_paid(self, invoice_id: str, account_id: str, at: datetime) -> None:
        statement = insert(invoices).values(invoice_id=invoice_id, account_id=account_id,
                                            paid_at=at)
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=[invoices.c.invoice_id], set_={"paid_at": at}))

    async def blocking(self, account_id: str, now: datetime) -> bool:
        found = await self._session.scalar(select(exists().where(
            invoices.c.account_id == account_id, _unpaid_past_grace(now))))
        return bool(found)

    async def blocking_among(self, account_ids: Sequence[str], now: datetime) -> set[str]:
        rows = await self._session.scalars(
            select(invoices.c.account_id).distinct()
            .where(invoices.c.account_id.in_(list(account_ids)), _unpaid_past_grace(now)))
        return set(rows)

    async def accounts_to_block(self, now: datetime) -> list[str]:
        rows = await self._session.execute(
            select(invoices.c.account_id).distinct()
            .join(accounts, accounts.c.id == invoices.c.account_id)
            .where(_unpaid_past_grace(now), accounts.c.status == str(AccountStatus.ACTIVE),
                   or_(accounts.c.promised_until.is_(None), accounts.c.promised_until <= now))
            .order_by(invoices.c.account_id))
        return list(rows.scalars())
