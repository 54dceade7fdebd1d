"""The events payments consumes: its replica of accounts and lines."""

from __future__ import annotations

from collections.abc import Callable

from tarifa.messaging.envelope import CloudEvent
from tarifa.runtime import Runtime

from payments.service.ports import UnitOfWork
from payments.service.replica import record_account, record_line

__all__ = ["register_consumers"]

ACCOUNT_OPENED = "payments.account-opened"
LINE_ACTIVATED = "payments.line-activated"


def register_consumers(runtime: Runtime, new_uow: Callable[[], UnitOfWork]) -> None:
    async def on_account_opened(event: CloudEvent) -> None:
        await record_account(new_uow(), ACCOUNT_OPENED, event)

    async def on_line_activated(event: CloudEvent) -> None:
        await record_line(new_uow(), LINE_ACTIVATED, event)

    runtime.subscribe(ACCOUNT_OPENED, "accounts.account.opened", on_account_opened)
    runtime.subscribe(LINE_ACTIVATED, "accounts.line.activated", on_line_activated)
