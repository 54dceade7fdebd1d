"""The background task of the process that sends due deliveries.

It works through every due delivery, then sleeps until woken (a new delivery, a clock move) or
until the interval passes, when retries may have come due. An unexpected error is logged and
the delivery stays pending for the next pass.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from tarifa.logging import get_logger

from notifications.domain.delivery import Delivery

__all__ = ["Dispatcher"]

log = get_logger(__name__)


class Dispatcher:
    """Logs one line per attempt, never the recipient's address."""

    def __init__(self, deliver_next: Callable[[], Awaitable[Delivery | None]], *,
                 interval: float) -> None:
        self._deliver_next, self._interval = deliver_next, interval
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        self._wake.set()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="notifications-dispatcher")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        while True:
            await self._drain()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._interval)
            self._wake.clear()

    async def _drain(self) -> None:
        try:
            while (delivery := await self._deliver_next()) is not None:
                log.info("delivery_attempted", delivery_id=delivery.id, event_id=delivery.event_id,
                         status=str(delivery.status), attempts=delivery.attempts,
                         error=delivery.last_error)
        except Exception as exc:
            log.error("dispatch_failed", error=repr(exc), exc_info=True)
