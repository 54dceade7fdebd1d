"""Deliveries handled together: those that arrive while a batch is handled wait for it, then
up to ``most`` of them are handled in one transaction. Each delivery is settled when its
transaction is: it is acked once its batch is durable, so a crash loses nothing and a
redelivery finds the event in the inbox. If the transaction of several fails, each of them is
handled alone, so an event refused is refused by itself and the others go on. Invoicing posts
``rating.usage.rated`` so, notifications plans ``invoicing.invoice.issued`` so.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

from tarifa.messaging.envelope import CloudEvent

__all__ = ["DeliveryBatches"]

Handle = Callable[[Sequence[CloudEvent]], Awaitable[None]]
_Waiting = tuple[CloudEvent, "asyncio.Future[None]"]


class DeliveryBatches:
    def __init__(self, post: Handle, *, most: int = 16, name: str = "delivery-batches") -> None:
        self._post, self._most, self._name = post, most, name
        self._waiting: list[_Waiting] = []
        self._draining: asyncio.Task[None] | None = None

    async def handle(self, event: CloudEvent) -> None:
        """Handle ``event`` with those waiting beside it; raise what handling it alone raised."""
        settled: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((event, settled))
        if self._draining is None or self._draining.done():
            self._draining = asyncio.create_task(self._drain(), name=self._name)
        await settled

    async def _drain(self) -> None:
        try:
            while self._waiting:
                taken, self._waiting = self._waiting[:self._most], self._waiting[self._most:]
                await self._settle([(e, f) for e, f in taken if not f.done()])
        except asyncio.CancelledError:
            for _, settled in self._waiting:
                settled.cancel()
            raise

    async def _settle(self, taken: list[_Waiting]) -> None:
        if not taken:
            return
        try:
            await self._post([event for event, _ in taken])
        except Exception as exc:
            if len(taken) > 1:
                for one in taken:
                    await self._settle([one])
            elif not taken[0][1].done():
                taken[0][1].set_exception(exc)
            return
        for _, settled in taken:
            if not settled.done():
                settled.set_result(None)
