"""SQL sums of the ledger per month for an account's statistics (``invoicing.domain.statistics``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Date, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from invoicing.adapters.tables import ledger
from invoicing.domain.statistics import LedgerSum

__all__ = ["SqlLedgerStatistics"]


class SqlLedgerStatistics:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def monthly(self, account_id: str, since: date, before: date) -> list[LedgerSum]:
        """One grouped query over the account's movements dated in [since, before)."""
        month = cast(func.date_trunc("month", ledger.c.occurred_on), Date).label("month")
        query = (select(month, ledger.c.kind, ledger.c.type, ledger.c.unit,
                        func.sum(ledger.c.amount).label("amount"),
                        func.sum(ledger.c.quantity).label("quantity"))
                 .where(ledger.c.account_id == account_id, ledger.c.occurred_on >= since,
                        ledger.c.occurred_on < before)
                 .group_by(month, ledger.c.kind, ledger.c.type, ledger.c.unit))
        return [LedgerSum(row.month, row.kind, row.type, row.unit, Decimal(row.amount),
                          Decimal(row.quantity)) for row in await self._session.execute(query)]
