"""Postpaid blocking (A5) from invoicing's invoice events, and its check on the clock.

An invoice announced overdue blocks its account once its grace period has passed; the account
is unblocked when its overdue invoices are paid or its balance no longer shows a debt. The
grace period is applied when the invoice is announced overdue, from the due date that
``invoicing.invoice.issued`` announced (or, failing that, the day before the overdue notice).
"""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from tarifa.messaging.catalogue import InvoiceIssued, InvoiceOverdue, InvoicePaid
from tarifa.messaging.envelope import CloudEvent

from accounts.domain.account import Account
from accounts.domain.audit import AuditEntry
from accounts.domain.invoices import OverdueInvoice, blocking_instant
from accounts.domain.lifecycle import INVOICE_PAID
from accounts.domain.policy import AccountsPolicy
from accounts.service.ports import UnitOfWork
from accounts.service.status import enforce_money_rule

__all__ = ["record_invoice_issued", "record_invoice_overdue", "record_invoice_paid"]


async def record_invoice_issued(uow: UnitOfWork, consumer: str, event: CloudEvent) -> None:
    """Remember the due date of an invoice, for the grace period if it becomes overdue."""
    data = event.parse(InvoiceIssued)
    async with uow:
        if await uow.first_time(consumer, event.id) and data.due_date is not None:
            await uow.invoices.record_issued(data.invoice_id, data.account_id, data.due_date)
        await uow.commit()


async def _due_date(uow: UnitOfWork, account: Account, invoice_id: str,
                    event: CloudEvent) -> date:
    known = await uow.invoices.due_date(invoice_id)
    if known is not None:
        return known
    # Invoicing announces an invoice overdue once its due date has passed.
    return event.time.astimezone(ZoneInfo(account.timezone)).date() - timedelta(days=1)


async def _mark_overdue(uow: UnitOfWork, account: Account, data: InvoiceOverdue,
                        event: CloudEvent, policy: AccountsPolicy) -> None:
    due = await _due_date(uow, account, data.invoice_id, event)
    invoice = OverdueInvoice(data.invoice_id, account.id, due,
                             blocking_instant(due, account.timezone, policy.postpaid_grace_days))
    await uow.invoices.mark_overdue(invoice)
    await uow.audit.record(AuditEntry(uow.clock.now(), f"event:{event.source}",
                                      "invoice.overdue", "account", account.id,
                                      {"event_id": event.id, "invoice_id": data.invoice_id,
                                       "due_date": due, "blocks_at": invoice.blocks_at}))


async def record_invoice_overdue(uow: UnitOfWork, consumer: str, event: CloudEvent,
                                 policy: AccountsPolicy) -> None:
    """Start the invoice's grace period; block at once when it has already passed."""
    data = event.parse(InvoiceOverdue)
    async with uow:
        if not await uow.first_time(consumer, event.id):
            return
        account = await uow.accounts.get(data.account_id)
        if account is not None:
            await _mark_overdue(uow, account, data, event, policy)
            await enforce_money_rule(uow, account.id, actor=f"event:{event.source}",
                                     data={"event_id": event.id})
        await uow.commit()


async def record_invoice_paid(uow: UnitOfWork, consumer: str, event: CloudEvent) -> None:
    """Close the invoice; the account is unblocked once nothing overdue stays unpaid."""
    data = event.parse(InvoicePaid)
    async with uow:
        if not await uow.first_time(consumer, event.id):
            return
        await uow.invoices.mark_paid(data.invoice_id, data.account_id, event.time)
        await enforce_money_rule(uow, data.account_id, actor=f"event:{event.source}",
                                 unblock_reason=INVOICE_PAID,
                                 data={"event_id": event.id, "invoice_id": data.invoice_id})
        await uow.commit()
