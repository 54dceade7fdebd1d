"""Bonus points redeemed in accounts become an account credit in the ledger (SPEC A9).

The credit is allocated like a payment, to the oldest open invoices first; the rest is an
advance. A redemption worth nothing moves nothing.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from tarifa.audit import Actor
from tarifa.messaging.catalogue import BonusRedeemed
from tarifa.messaging.envelope import CloudEvent

from invoicing.domain.account import BillingAccount, local_date
from invoicing.domain.ledger import EntryKind, LedgerEntry, LedgerError, ledger_amount
from invoicing.service.allocation import settle
from invoicing.service.balance import announce_balance
from invoicing.service.ports import UnitOfWork

__all__ = ["record_bonus_credit"]

BONUS = "bonus"


def _credit(data: BonusRedeemed, account: BillingAccount | None, event: CloudEvent) -> LedgerEntry:
    if not data.currency:
        raise LedgerError(f"bonus credit of {data.account_id} names no currency")
    if account is not None and data.currency != account.currency:
        raise LedgerError(f"bonus credit of {data.account_id} is in {data.currency}, "
                          f"the account in {account.currency}")
    amount = ledger_amount(data.credit or Decimal(0), data.currency)
    return LedgerEntry(
        id=str(uuid.uuid4()), account_id=data.account_id, kind=EntryKind.CREDIT, type=BONUS,
        currency=data.currency, occurred_on=local_date(account, event.time), amount=amount,
        source_event_id=event.id, created_at=event.time,
        description=f"{data.points} bonus points: {data.reason}"[:200], channel=BONUS,
        reference=event.id, gross=amount)


async def record_bonus_credit(uow: UnitOfWork, consumer: str, event: CloudEvent) -> None:
    data = event.parse(BonusRedeemed)
    async with uow:
        if not await uow.first_time(consumer, event.id):
            return
        if data.credit:
            await uow.ledger.lock(data.account_id)
            entry = _credit(data, await uow.accounts.get(data.account_id), event)
            await uow.ledger.add([entry])
            await settle(uow, data.account_id, entry.id, entry.amount)
            await uow.trail.record(Actor.system(consumer), "bonus.credited", "account",
                                   data.account_id, after=entry)
            await announce_balance(uow, data.account_id, entry.currency, BONUS)
        await uow.commit()
