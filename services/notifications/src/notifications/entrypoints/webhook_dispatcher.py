"""The job that sends due webhooks, run by its own scheduler beside the message dispatcher."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from tarifa.logging import get_logger

from notifications.domain.webhook_delivery import WebhookDelivery
from notifications.entrypoints.metrics import count_webhook_attempt

__all__ = ["send_due_webhooks"]

log = get_logger(__name__)


def send_due_webhooks(deliver_next: Callable[[], Awaitable[WebhookDelivery | None]]
                      ) -> Callable[[], Awaitable[int]]:
    """The job: attempt every due webhook; one log line per attempt, never a secret or a body."""

    async def drain() -> int:
        attempted = 0
        while (delivery := await deliver_next()) is not None:
            attempted += 1
            count_webhook_attempt(delivery)
            log.info("webhook_attempted", delivery_id=delivery.id, endpoint_id=delivery.endpoint_id,
                     event_id=delivery.event_id, status=str(delivery.status),
                     attempts=delivery.attempts)
        return attempted

    return drain
