"""The job that sends due deliveries, run by the process's scheduler.

A pass works through every due delivery with ``workers`` attempts under way at once (each its
own transaction, the rows locked ``SKIP LOCKED``, so none is sent twice); the scheduler runs it
again when woken (a new delivery, a clock move) or when the interval passes, when retries may
have come due. An unexpected error is logged by the scheduler once every worker has stopped
(the others finish their attempts first) and the delivery stays pending for the next pass.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from tarifa.logging import get_logger

from notifications.domain.delivery import Delivery
from notifications.entrypoints.metrics import count_attempt

__all__ = ["dispatch_due"]

log = get_logger(__name__)


def dispatch_due(deliver_next: Callable[[], Awaitable[Delivery | None]], workers: int = 1
                 ) -> Callable[[], Awaitable[int]]:
    """The job: attempt every due delivery; log one line per attempt, never the address."""

    async def work() -> int:
        attempted = 0
        while (delivery := await deliver_next()) is not None:
            attempted += 1
            count_attempt(delivery)
            log.info("delivery_attempted", delivery_id=delivery.id, event_id=delivery.event_id,
                     status=str(delivery.status), attempts=delivery.attempts,
                     error=delivery.last_error)
        return attempted

    async def drain() -> int:
        done = await asyncio.gather(*(work() for _ in range(workers)), return_exceptions=True)
        for outcome in done:
            if isinstance(outcome, BaseException):
                raise outcome
        return sum(outcome for outcome in done if isinstance(outcome, int))

    return drain
