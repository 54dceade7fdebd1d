"""The events accounts consumes: rating's plans, invoicing's balances and invoices."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tarifa.messaging.batches import DeliveryBatches
from tarifa.messaging.envelope import CloudEvent
from tarifa.runtime import Runtime

from accounts.domain.policy import AccountsPolicy
from accounts.service.invoices import (
    record_invoice_issued,
    record_invoice_overdue,
    record_invoice_paid,
)
from accounts.service.ports import UnitOfWork
from accounts.service.replicas import record_balances, record_plan

__all__ = ["register_consumers"]

PLAN_PUBLISHED = "accounts.plan-published"
BALANCE_CHANGED = "accounts.balance-changed"
INVOICE_ISSUED = "accounts.invoice-issued"
INVOICE_OVERDUE = "accounts.invoice-overdue"
INVOICE_PAID = "accounts.invoice-paid"


def _invoices(runtime: Runtime, new_uow: Callable[[], UnitOfWork],
              policy: AccountsPolicy) -> None:
    async def on_invoice_issued(event: CloudEvent) -> None:
        await record_invoice_issued(new_uow(), INVOICE_ISSUED, event)

    async def on_invoice_overdue(event: CloudEvent) -> None:
        await record_invoice_overdue(new_uow(), INVOICE_OVERDUE, event, policy)

    async def on_invoice_paid(event: CloudEvent) -> None:
        await record_invoice_paid(new_uow(), INVOICE_PAID, event)

    runtime.subscribe(INVOICE_ISSUED, "invoicing.invoice.issued", on_invoice_issued)
    runtime.subscribe(INVOICE_OVERDUE, "invoicing.invoice.overdue", on_invoice_overdue)
    runtime.subscribe(INVOICE_PAID, "invoicing.invoice.paid", on_invoice_paid)


def register_consumers(runtime: Runtime, new_uow: Callable[[], UnitOfWork],
                       policy: AccountsPolicy) -> None:
    async def on_plan_published(event: CloudEvent) -> None:
        await record_plan(new_uow(), PLAN_PUBLISHED, event)

    async def on_balances_changed(events: Sequence[CloudEvent]) -> None:
        await record_balances(new_uow(), BALANCE_CHANGED, events)

    runtime.subscribe(PLAN_PUBLISHED, "rating.plan.published", on_plan_published)
    # a usage batch moves the balances of many accounts at once: their events are taken together
    balances = DeliveryBatches(on_balances_changed, most=64, name="balance-batches")
    runtime.subscribe(BALANCE_CHANGED, "invoicing.balance.changed", balances.handle)
    _invoices(runtime, new_uow, policy)
