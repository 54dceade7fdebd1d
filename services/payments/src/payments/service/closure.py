"""Closed accounts in the payments replica (``accounts.account.closed``), once per event.

The account is kept as closed, so that it is paid no more than it owes (see
:mod:`payments.domain.closure`), and its autopay mandate ends (audited): no card is charged
for an account that no longer exists (announced as ``payments.autopay.ended``).
"""

from __future__ import annotations

from tarifa.messaging.catalogue import AccountClosed
from tarifa.messaging.envelope import CloudEvent

from payments.domain.closure import CLOSED
from payments.service.mandates import end_mandate
from payments.service.ports import UnitOfWork

__all__ = ["record_closure"]


async def record_closure(uow: UnitOfWork, consumer: str, event: CloudEvent) -> None:
    data = event.parse(AccountClosed)
    async with uow:
        account = await uow.accounts.get(data.account_id)
        if await uow.first_time(consumer, event.id) and account is not None \
                and account.status != CLOSED:
            await uow.accounts.set_status(data.account_id, CLOSED)
            await uow.trail.record(uow.actor, "account.closed", "account", data.account_id,
                                   before={"status": account.status},
                                   after={"status": CLOSED, "closed_at": data.closed_at})
            await _end_mandate(uow, data.account_id)
        await uow.commit()


async def _end_mandate(uow: UnitOfWork, account_id: str) -> None:
    mandate = await uow.methods.mandate(account_id)
    if mandate is not None:
        await end_mandate(uow, mandate, "account_closed", "the account closed")
