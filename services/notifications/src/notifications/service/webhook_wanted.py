"""The event types some active webhook endpoint wants, as this process last read them.

The webhook consumer hears every event of the suite and most are wanted by no endpoint; this
lets it pass those by without a database round trip. The types are read again once ``ttl``
seconds have passed, or at once after ``forget`` (an endpoint was changed through this
process). An endpoint registered or enabled through another replica is seen here within ``ttl``.
"""

from __future__ import annotations

from collections.abc import Callable

from notifications.service.webhook_ports import WebhooksUnitOfWork

__all__ = ["WantedTypes"]


class WantedTypes:
    def __init__(self, ttl: float, now: Callable[[], float]) -> None:
        self._ttl, self._now = ttl, now
        self._types: frozenset[str] | None = None
        self._read_at, self._generation = 0.0, 0

    def forget(self) -> None:
        """Read the types again before the next answer (a read under way is not kept)."""
        self._types, self._generation = None, self._generation + 1

    async def wanted(self, uow: WebhooksUnitOfWork, event_type: str) -> bool:
        """Whether an active endpoint (as last read) wants ``event_type``."""
        types = self._types
        if types is None or self._now() - self._read_at >= self._ttl:
            types = await self._read(uow)
        return event_type in types

    async def _read(self, uow: WebhooksUnitOfWork) -> frozenset[str]:
        generation, read_at = self._generation, self._now()
        async with uow:
            types = frozenset(await uow.endpoints.wanted_types())
        if generation == self._generation:
            self._types, self._read_at = types, read_at
        return types
