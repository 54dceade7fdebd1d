"""The job that sends due deliveries, run by the process's scheduler.

A pass works through every due delivery; the scheduler runs it again when woken (a new
delivery, a clock move) or when the interval passes, when retries may have come due. An
unexpected error is logged by the scheduler and the delivery stays pending for the next pass.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from tarifa.logging import get_logger

from notifications.domain.delivery import Delivery
from notifications.entrypoints.metrics import count_attempt

__all__ = ["dispatch_due"]

log = get_logger(__name__)


def dispatch_due(deliver_next: Callable[[], Awaitable[Delivery | None]]
                 ) -> Callable[[], Awaitable[int]]:
    """The job: attempt every due delivery; log one line per attempt, never the address."""

    async def drain() -> int:
        attempted = 0
        while (delivery := await deliver_next()) is not None:
            attempted += 1
            count_attempt(delivery)
            log.info("delivery_attempted", delivery_id=delivery.id, event_id=delivery.event_id,
                     status=str(delivery.status), attempts=delivery.attempts,
                     error=delivery.last_error)
        return attempted

    return drain
