"""Keeping the payments replica of accounts and lines from the accounts events."""

from __future__ import annotations

from tarifa.messaging.catalogue import AccountOpened, LineActivated
from tarifa.messaging.envelope import CloudEvent

from payments.domain.payment import AccountRef
from payments.service.ports import UnitOfWork

__all__ = ["record_account", "record_line"]


async def record_account(uow: UnitOfWork, consumer: str, event: CloudEvent) -> None:
    data = event.parse(AccountOpened)
    async with uow:
        if await uow.first_time(consumer, event.id):
            await uow.accounts.upsert(AccountRef(data.account_id, data.currency))
            await uow.commit()


async def record_line(uow: UnitOfWork, consumer: str, event: CloudEvent) -> None:
    data = event.parse(LineActivated)
    async with uow:
        if await uow.first_time(consumer, event.id):
            await uow.accounts.add_line(data.msisdn, data.account_id)
            await uow.commit()
