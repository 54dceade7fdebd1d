"""Deliveries of ``rating.usage.rated`` posted together: those that arrive while a posting runs
wait for it, then up to ``most`` of them go into the ledger in one transaction
(``record_usages``). Each delivery is settled when its transaction is: it is acked once its
batch is durable, so a crash loses nothing and a redelivery finds the event in the inbox.

If the transaction of several fails, each of them is posted alone, so a batch the ledger
refuses (``LedgerError``) is refused by itself and the others are posted.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

from tarifa.messaging.envelope import CloudEvent

__all__ = ["UsageBatches"]

Post = Callable[[Sequence[CloudEvent]], Awaitable[None]]
_Waiting = tuple[CloudEvent, "asyncio.Future[None]"]


class UsageBatches:
    def __init__(self, post: Post, *, most: int = 16) -> None:
        self._post, self._most = post, most
        self._waiting: list[_Waiting] = []
        self._draining: asyncio.Task[None] | None = None

    async def handle(self, event: CloudEvent) -> None:
        """Post ``event`` with those waiting beside it; raise what posting it alone raised."""
        settled: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((event, settled))
        if self._draining is None or self._draining.done():
            self._draining = asyncio.create_task(self._drain(), name="usage-batches")
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
