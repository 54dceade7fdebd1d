"""Invoicing hears of closed accounts (``accounts.account.closed``) on a queue of its own and
issues their final invoices; their documents follow in the background."""

from __future__ import annotations

from collections.abc import Callable

from tarifa.messaging.envelope import CloudEvent
from tarifa.runtime import Runtime

from invoicing.service.billing import BillingPolicy
from invoicing.service.final_invoice import issue_final_invoice
from invoicing.service.ports import UnitOfWork
from invoicing.service.runs import BillingRunner

__all__ = ["ACCOUNT_CLOSED", "register_closing"]

ACCOUNT_CLOSED = "invoicing.account-closed"


def register_closing(runtime: Runtime, new_uow: Callable[[], UnitOfWork], policy: BillingPolicy,
                     runner: BillingRunner) -> None:
    async def on_event(event: CloudEvent) -> None:
        if await issue_final_invoice(new_uow(), policy, ACCOUNT_CLOSED, event) is not None:
            runner.documents_soon()

    runtime.subscribe(ACCOUNT_CLOSED, "accounts.account.closed", on_event)
