"""Refunds into the ledger: money of a payment given back, debited to the account.

A refund is stated with the payments of the next statement (its total paid falls by it), so
a refund of money that settled an invoice is billed on the next invoice; a refund of an
advance leaves less of that advance to settle invoices later.
"""

from __future__ import annotations

import uuid

from tarifa.audit import Actor
from tarifa.messaging.catalogue import RefundSucceeded
from tarifa.messaging.envelope import CloudEvent

from invoicing.domain.account import local_date
from invoicing.domain.ledger import LedgerEntry, LedgerError, ledger_amount, refund_entry
from invoicing.service.balance import announce_balance
from invoicing.service.ports import UnitOfWork

__all__ = ["PaymentNotKnownYet", "record_refund"]


class PaymentNotKnownYet(Exception):
    """A refund of a payment the ledger has not recorded yet: try again later."""


async def _payment(uow: UnitOfWork, data: RefundSucceeded) -> LedgerEntry:
    payment = await uow.ledger.payment_entry(data.account_id, data.payment_id)
    if payment is None:
        raise PaymentNotKnownYet(f"refund {data.refund_id}: payment {data.payment_id} of "
                                 f"{data.account_id} is not in the ledger yet")
    if payment.currency != data.currency:
        raise LedgerError(f"refund {data.refund_id} is in {data.currency}, the payment in "
                          f"{payment.currency}")
    return payment


async def record_refund(uow: UnitOfWork, consumer: str, event: CloudEvent) -> None:
    data = event.parse(RefundSucceeded)
    async with uow:
        if not await uow.first_time(consumer, event.id):
            return
        await uow.ledger.lock(data.account_id)
        payment = await _payment(uow, data)
        account = await uow.accounts.get(data.account_id)
        amount = ledger_amount(data.amount, data.currency)
        entry = refund_entry(payment, await uow.ledger.refunded(payment.id), amount,
                             entry_id=str(uuid.uuid4()), refund_id=data.refund_id,
                             event_id=event.id, at=event.time, on=local_date(account, event.time))
        await uow.ledger.add([entry])
        await uow.trail.record(Actor.system(consumer), "refund.posted", "account",
                               data.account_id, after=entry)
        await announce_balance(uow, data.account_id, data.currency, "refund")
        await uow.commit()
