"""SQL reading of an account's payment history (``payments.domain.history``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from payments.adapters.tables import payments, refunds
from payments.domain.history import HistoryEntry, Position, account_payer
from payments.domain.payment import Payment, PaymentStatus

__all__ = ["SqlPaymentHistory"]


class SqlPaymentHistory:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def page(self, account_id: str, after: Position | None,
                   limit: int) -> list[HistoryEntry]:
        """One query: the payments with their refund counts, newest first, after ``after``."""
        count = (select(func.count()).select_from(refunds)
                 .where(refunds.c.payment_id == payments.c.id).scalar_subquery())
        query = select(payments, count.label("refund_count")).where(or_(
            payments.c.account_id == account_id, payments.c.payer == account_payer(account_id)))
        if after is not None:
            query = query.where(tuple_(payments.c.created_at, payments.c.id) < tuple_(*after))
        query = query.order_by(payments.c.created_at.desc(), payments.c.id.desc()).limit(limit)
        rows = (await self._session.execute(query)).mappings()
        return [_entry(dict(row)) for row in rows]


def _entry(row: dict[str, Any]) -> HistoryEntry:
    refund_count = int(row.pop("refund_count"))
    row["status"] = PaymentStatus(row["status"])
    return HistoryEntry(Payment(**row), refund_count)
