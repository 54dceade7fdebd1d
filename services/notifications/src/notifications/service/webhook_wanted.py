"""The event types some active webhook endpoint wants, as this process last read them.

The webhook consumer hears every event of the suite and most are wanted by no endpoint; this
lets it pass those by without a database round trip. The types are read again once ``ttl``
seconds have passed, or at once after ``forget`` (an endpoint was changed through this
process). An endpoint registered or enabled through another replica is seen here within ``ttl``.
Events that find the types out of date while a read is under way wait for that read instead of
each reading them again (a billing run's events arrive hundreds at a time).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from notifications.service.webhook_ports import WebhooksUnitOfWork

__all__ = ["WantedTypes"]


class WantedTypes:
    def __init__(self, ttl: float, now: Callable[[], float]) -> None:
        self._ttl, self._now = ttl, now
        self._types: frozenset[str] | None = None
        self._read_at, self._generation = 0.0, 0
        self._reading: tuple[int, asyncio.Future[frozenset[str]]] | None = None

    def forget(self) -> None:
        """Read the types again before the next answer (a read under way is not kept)."""
        self._types, self._generation = None, self._generation + 1

    async def wanted(self, uow: WebhooksUnitOfWork, event_type: str) -> bool:
        """Whether an active endpoint (as last read) wants ``event_type``."""
        types = self._types
        if types is None or self._now() - self._read_at >= self._ttl:
            types = await self._shared_read(uow)
        return event_type in types

    async def _shared_read(self, uow: WebhooksUnitOfWork) -> frozenset[str]:
        """The read under way since the last ``forget``, or a new one."""
        if self._reading is None or self._reading[0] != self._generation:
            read = asyncio.ensure_future(self._read(uow))
            self._reading = (self._generation, read)
            read.add_done_callback(lambda _: self._done(read))
        return await asyncio.shield(self._reading[1])

    def _done(self, read: asyncio.Future[frozenset[str]]) -> None:
        if self._reading is not None and self._reading[1] is read:
            self._reading = None

    async def _read(self, uow: WebhooksUnitOfWork) -> frozenset[str]:
        generation, read_at = self._generation, self._now()
        async with uow:
            types = frozenset(await uow.endpoints.wanted_types())
        if generation == self._generation:
            self._types, self._read_at = types, read_at
        return types
