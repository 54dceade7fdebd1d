"""The webhook consumer: every event of the suite, fanned out to the endpoints that want it."""

from __future__ import annotations

from collections.abc import Callable

from tarifa.messaging.envelope import CloudEvent
from tarifa.runtime import Runtime

from notifications.service.webhook_dispatch import fan_out
from notifications.service.webhook_ports import WebhooksUnitOfWork
from notifications.service.webhook_wanted import WantedTypes

__all__ = ["WEBHOOK_QUEUE", "register_webhook_consumer"]

WEBHOOK_QUEUE = "notifications.webhooks"
EVERY_EVENT = "#"


def register_webhook_consumer(runtime: Runtime, new_uow: Callable[[], WebhooksUnitOfWork],
                              wake_dispatcher: Callable[[], None], wanted: WantedTypes) -> None:
    """Consume every event; one no active endpoint wants (as ``wanted`` knows) is acked as it is."""

    async def on_event(event: CloudEvent) -> None:
        if not await wanted.wanted(new_uow(), event.routing_key):
            return
        if await fan_out(new_uow(), WEBHOOK_QUEUE, event):
            wake_dispatcher()

    runtime.subscribe(WEBHOOK_QUEUE, EVERY_EVENT, on_event)
