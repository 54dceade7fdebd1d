"""Payments into the ledger: a credit entry, allocated to the open invoices."""

from __future__ import annotations

import uuid

from tarifa.audit import Actor
from tarifa.messaging.catalogue import PaymentSucceeded
from tarifa.messaging.envelope import CloudEvent

from invoicing.domain.account import BillingAccount, local_date
from invoicing.domain.ledger import EntryKind, LedgerEntry, LedgerError, ledger_amount
from invoicing.service.allocation import settle
from invoicing.service.balance import announce_balance
from invoicing.service.ports import UnitOfWork

__all__ = ["record_payment"]


def _check(data: PaymentSucceeded, account: BillingAccount | None) -> None:
    if account is not None and account.currency != data.currency:
        raise LedgerError(f"account {data.account_id} is kept in {account.currency}, "
                          f"not {data.currency}")
    if ledger_amount(data.amount, data.currency) <= 0:
        raise LedgerError(f"payment {data.payment_id} has no positive amount")


def _entry(data: PaymentSucceeded, account: BillingAccount | None, event: CloudEvent,
           uow: UnitOfWork) -> LedgerEntry:
    return LedgerEntry(
        id=str(uuid.uuid4()), account_id=data.account_id, kind=EntryKind.PAYMENT,
        type="payment", currency=data.currency, occurred_on=local_date(account, event.time),
        amount=data.amount, source_event_id=event.id, created_at=event.time,
        description=data.purpose, channel=data.channel, reference=data.payment_id)


async def record_payment(uow: UnitOfWork, consumer: str, event: CloudEvent) -> None:
    data = event.parse(PaymentSucceeded)
    async with uow:
        if not await uow.first_time(consumer, event.id):
            return
        await uow.ledger.lock(data.account_id)
        account = await uow.accounts.get(data.account_id)
        _check(data, account)
        entry = _entry(data, account, event, uow)
        await uow.ledger.add([entry])
        await settle(uow, data.account_id, entry.id, entry.amount, preferred=data.invoice_id)
        await uow.trail.record(Actor.system(consumer), "payment.posted", "account",
                               data.account_id, after=entry)
        await announce_balance(uow, data.account_id, data.currency, "payment")
        await uow.commit()
