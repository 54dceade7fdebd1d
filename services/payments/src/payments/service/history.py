"""Reading an account's payment history, a page at a time (seed 003, the cabinet)."""

from __future__ import annotations

from dataclasses import dataclass

from payments.domain.history import HistoryPage, Position, page_of
from payments.service.ports import UnitOfWork

__all__ = ["HistoryQuery", "UnknownAccount", "payment_history"]


class UnknownAccount(LookupError):
    """No account with that id."""


@dataclass(frozen=True, slots=True)
class HistoryQuery:
    account_id: str
    after: Position | None = None
    limit: int = 20


async def payment_history(uow: UnitOfWork, query: HistoryQuery) -> HistoryPage:
    """Every payment into the account or paid by it for another, newest first, any channel and
    status."""
    async with uow:
        if await uow.accounts.get(query.account_id) is None:
            raise UnknownAccount(f"account {query.account_id} not found")
        found = await uow.history.page(query.account_id, query.after, query.limit + 1)
    return page_of(found, query.limit)
