"""The use case of an account's movements a page at a time (``GET /v1/accounts/{id}/ledger``)."""

from __future__ import annotations

from dataclasses import replace

from invoicing.domain.movements import MovementPage, MovementQuery, page_of
from invoicing.service.ports import UnitOfWork

__all__ = ["UnknownAccount", "movement_page"]


class UnknownAccount(LookupError):
    """Neither the accounts replica nor the ledger knows the account."""


async def movement_page(uow: UnitOfWork, query: MovementQuery) -> MovementPage:
    async with uow:
        if await uow.accounts.get(query.account_id) is None and not await uow.ledger.currency(
                query.account_id):
            raise UnknownAccount(f"account {query.account_id} not found")
        # one more than asked tells whether another page follows
        entries = await uow.ledger.movement_page(replace(query, limit=query.limit + 1))
    return page_of(entries, query.limit)
