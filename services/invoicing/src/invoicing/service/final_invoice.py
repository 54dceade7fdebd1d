"""The final invoice of a closed account (``accounts.account.closed``), issued at once.

It states what is unbilled up to the account's local closing day, numbered in the invoices'
series; its document and ``invoicing.invoice.issued`` follow as for any invoice. The replica
keeps the closing day: after it the account is billed only for the rest of its closing month,
so a charge or credit that reaches the ledger after the final invoice (a closed line's fee
settled by rating) is stated once, and then never an empty invoice again.
"""

from __future__ import annotations

from dataclasses import replace

from tarifa.audit import Actor
from tarifa.messaging.catalogue import AccountClosed
from tarifa.messaging.envelope import CloudEvent

from invoicing.domain.invoice import Invoice
from invoicing.service.billing import BillingPolicy, issue_invoice
from invoicing.service.ports import UnitOfWork
from invoicing.service.replica import AccountNotKnownYet

__all__ = ["issue_final_invoice"]


async def issue_final_invoice(uow: UnitOfWork, policy: BillingPolicy, consumer: str,
                              event: CloudEvent) -> Invoice | None:
    """Issue the account's final invoice once per event; None when there is nothing to bill."""
    data = event.parse(AccountClosed)
    async with uow.acting(Actor.system(consumer)):
        if not await uow.first_time(consumer, event.id):
            return None
        await uow.ledger.lock(data.account_id)
        account = await uow.accounts.get(data.account_id, lock=True)
        if account is None:
            raise AccountNotKnownYet(f"account {data.account_id} is not known yet")
        closed = replace(account, closed_on=data.closed_on)
        await uow.accounts.upsert(closed)
        invoice = await issue_invoice(uow, policy, closed, data.closed_on, None)
        await uow.trail.record(uow.actor, "account.closed", "account", data.account_id,
                               after={"closed_on": data.closed_on,
                                      "final_invoice": invoice.number if invoice else None})
        await uow.commit()
    return invoice
