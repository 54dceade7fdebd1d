"""The events payments consumes: its replica of accounts and lines, and what autopay pays."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tarifa.messaging.batches import DeliveryBatches
from tarifa.messaging.catalogue import (
    AccountClosed,
    AccountUpdated,
    BalanceChanged,
    InvoiceIssued,
    InvoicePaid,
)
from tarifa.messaging.envelope import CloudEvent
from tarifa.runtime import Runtime

from payments.domain.autopay_charge import AutopayPolicy
from payments.service.autopay import (
    cancel_for_paid_invoice,
    schedule_for_balances,
    schedule_for_invoice,
)
from payments.service.closure import record_closure
from payments.service.ports import UnitOfWork
from payments.service.replica import record_account, record_line, record_payment_mode

__all__ = ["register_autopay_consumers", "register_consumers"]

ACCOUNT_OPENED = "payments.account-opened"
LINE_ACTIVATED = "payments.line-activated"
ACCOUNT_UPDATED = "payments.account-updated"
ACCOUNT_CLOSED = "payments.account-closed"
INVOICE_ISSUED = "payments.invoice-issued"
BALANCE_CHANGED = "payments.balance-changed"
INVOICE_PAID = "payments.invoice-paid"


def register_consumers(runtime: Runtime, new_uow: Callable[[], UnitOfWork]) -> None:
    async def on_account_opened(event: CloudEvent) -> None:
        await record_account(new_uow(), ACCOUNT_OPENED, event)

    async def on_line_activated(event: CloudEvent) -> None:
        await record_line(new_uow(), LINE_ACTIVATED, event)

    async def on_account_updated(event: CloudEvent) -> None:
        await record_payment_mode(new_uow(), ACCOUNT_UPDATED, event)

    async def on_account_closed(event: CloudEvent) -> None:
        await record_closure(new_uow(), ACCOUNT_CLOSED, event)

    runtime.subscribe(ACCOUNT_OPENED, "accounts.account.opened", on_account_opened)
    runtime.subscribe(ACCOUNT_UPDATED, AccountUpdated.routing_key, on_account_updated)
    runtime.subscribe(LINE_ACTIVATED, "accounts.line.activated", on_line_activated)
    runtime.subscribe(ACCOUNT_CLOSED, AccountClosed.routing_key, on_account_closed)


def register_autopay_consumers(runtime: Runtime, new_uow: Callable[[], UnitOfWork],
                               policy: AutopayPolicy, wake: Callable[[], None]) -> None:
    """New invoices and balance falls put charges on the autopay schedule; ``wake`` runs it."""

    async def on_invoice_issued(event: CloudEvent) -> None:
        if await schedule_for_invoice(new_uow(), INVOICE_ISSUED, event, policy):
            wake()

    async def on_balances_changed(events: Sequence[CloudEvent]) -> None:
        if await schedule_for_balances(new_uow(), BALANCE_CHANGED, events):
            wake()

    async def on_invoice_paid(event: CloudEvent) -> None:
        await cancel_for_paid_invoice(new_uow(), INVOICE_PAID, event)

    runtime.subscribe(INVOICE_ISSUED, InvoiceIssued.routing_key, on_invoice_issued)
    # a usage batch moves the balances of many accounts at once: their events are taken together
    balances = DeliveryBatches(on_balances_changed, most=64, name="balance-batches")
    runtime.subscribe(BALANCE_CHANGED, BalanceChanged.routing_key, balances.handle)
    runtime.subscribe(INVOICE_PAID, InvoicePaid.routing_key, on_invoice_paid)
