"""The events notifications consumes: the contacts replica and the events subscribers hear of."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

from tarifa.messaging.batches import DeliveryBatches
from tarifa.messaging.consumer import EventHandler
from tarifa.messaging.envelope import CloudEvent
from tarifa.runtime import Runtime

from notifications.domain.balance import LOW_BALANCE, NEGATIVE_BALANCE
from notifications.domain.catalogue import NOTIFIED_EVENTS
from notifications.domain.otp import EVENT as OTP_EVENT
from notifications.domain.routing import INVOICE_ISSUED
from notifications.service.contacts import record_account_opened, record_account_updated
from notifications.service.notices import plan_batch, plan_notices
from notifications.service.ports import UnitOfWork

__all__ = ["NOTICE_QUEUES", "register_consumers"]

ACCOUNT_OPENED = "notifications.account-opened"
ACCOUNT_UPDATED = "notifications.account-updated"


def _queue(routing_key: str) -> str:
    """``invoicing.invoice.issued`` → ``notifications.invoice-issued``."""
    what = routing_key.split(".", 1)[1]
    return "notifications." + what.replace(".", "-").replace("_", "-")


NOTICE_QUEUES = {key: _queue(key) for key in NOTIFIED_EVENTS if key not in (OTP_EVENT, LOW_BALANCE)}
"""One queue per event told to subscribers; the low-balance notice comes from the balance's."""


def _notices(new_uow: Callable[[], UnitOfWork], queue: str, wake_dispatcher: Callable[[], None],
             low_balance: Mapping[str, Decimal]) -> EventHandler:
    async def on_event(event: CloudEvent) -> None:
        if await plan_notices(new_uow(), queue, event, low_balance):
            wake_dispatcher()

    return on_event


BATCHED = frozenset({_queue(INVOICE_ISSUED), _queue(NEGATIVE_BALANCE)})
"""Notice queues whose deliveries waiting together are planned in one transaction (a billing
run's invoices, the balances a usage batch moved), in their order; the others one at a time."""


def _batched(new_uow: Callable[[], UnitOfWork], queue: str, wake_dispatcher: Callable[[], None],
             low_balance: Mapping[str, Decimal]) -> EventHandler:
    async def plan(events: Sequence[CloudEvent]) -> None:
        if await plan_batch(new_uow(), queue, events, low_balance):
            wake_dispatcher()

    return DeliveryBatches(plan, most=32, name="notice-batches").handle


def register_consumers(runtime: Runtime, new_uow: Callable[[], UnitOfWork],
                       wake_dispatcher: Callable[[], None],
                       low_balance: Mapping[str, Decimal] | None = None) -> None:
    async def on_account_opened(event: CloudEvent) -> None:
        await record_account_opened(new_uow(), ACCOUNT_OPENED, event)

    async def on_account_updated(event: CloudEvent) -> None:
        await record_account_updated(new_uow(), ACCOUNT_UPDATED, event)

    runtime.subscribe(ACCOUNT_OPENED, "accounts.account.opened", on_account_opened)
    runtime.subscribe(ACCOUNT_UPDATED, "accounts.account.updated", on_account_updated)
    for routing_key, queue in NOTICE_QUEUES.items():
        handler = _batched if queue in BATCHED else _notices
        runtime.subscribe(queue, routing_key,
                          handler(new_uow, queue, wake_dispatcher, low_balance or {}))
