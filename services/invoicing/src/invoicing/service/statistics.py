"""An account's statistics: its figures for each of the last months (seed 003, the cabinet)."""

from __future__ import annotations

from dataclasses import dataclass

from invoicing.domain.account import local_date
from invoicing.domain.statistics import MonthFigures, month_after, monthly_figures, months_back
from invoicing.service.detailed_bills import AccountNotFound
from invoicing.service.ports import UnitOfWork

__all__ = ["AccountStatistics", "account_statistics"]


@dataclass(frozen=True, slots=True)
class AccountStatistics:
    account_id: str
    currency: str
    months: list[MonthFigures]
    """Oldest first, ending with the month of today where the account lives."""


async def account_statistics(uow: UnitOfWork, account_id: str, months: int) -> AccountStatistics:
    """The figures of the last ``months`` calendar months; AccountNotFound for an unknown id."""
    async with uow:
        account = await uow.accounts.get(account_id)
        currency = account.currency if account else await uow.ledger.currency(account_id)
        if currency is None:
            raise AccountNotFound(f"account {account_id} not found")
        series = months_back(local_date(account, uow.clock.now()), months)
        sums = await uow.statistics.monthly(account_id, series[0], month_after(series[-1]))
    return AccountStatistics(account_id, currency, monthly_figures(series, sums))
