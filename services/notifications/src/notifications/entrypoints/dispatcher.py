"""The job that sends due deliveries, run by the process's scheduler.

A pass works through every due delivery with ``workers`` batches of attempts under way at once
(each batch its own transaction, the rows locked ``SKIP LOCKED``, so none is sent twice); the
scheduler runs it again when woken (a new delivery, a clock move) or when the interval passes,
when retries may have come due. An unexpected error is logged by the scheduler once every worker
has stopped (the others finish their attempts first) and the delivery stays pending for the next
pass.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

from tarifa.logging import get_logger

from notifications.domain.delivery import Delivery
from notifications.entrypoints.metrics import count_attempt

__all__ = ["dispatch_due"]

log = get_logger(__name__)


def _logged(delivery: Delivery) -> None:
    count_attempt(delivery)
    log.info("delivery_attempted", delivery_id=delivery.id, event_id=delivery.event_id,
             status=str(delivery.status), attempts=delivery.attempts, error=delivery.last_error)


def dispatch_due(deliver_due: Callable[[], Awaitable[Sequence[Delivery]]], workers: int = 1
                 ) -> Callable[[], Awaitable[int]]:
    """The job: attempt every due delivery, ``workers`` batches at once; log one line per
    attempt, never the address."""

    async def work() -> int:
        attempted = 0
        while batch := await deliver_due():
            attempted += len(batch)
            for delivery in batch:
                _logged(delivery)
        return attempted

    async def drain() -> int:
        done = await asyncio.gather(*(work() for _ in range(workers)), return_exceptions=True)
        for outcome in done:
            if isinstance(outcome, BaseException):
                raise outcome
        return sum(outcome for outcome in done if isinstance(outcome, int))

    return drain
