"""The unit of work: one transaction, rolled back unless the use case commits it.

Events a use case emits are staged in the outbox in the same transaction at ``commit``; the
relay is woken once the transaction is durable. Audit rows (``trail``, see ``tarifa.audit``) are
written in that transaction too, so a change and its audit row commit or roll back together.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, Protocol, Self

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tarifa import correlation
from tarifa.audit import Actor, AuditTrail
from tarifa.audit.sql import SqlAuditTrail
from tarifa.clock import Clock
from tarifa.messaging.catalogue import EventData
from tarifa.messaging.envelope import CloudEvent, new_event
from tarifa.messaging.inbox import claim, claim_all
from tarifa.messaging.outbox import stage_events

__all__ = ["SqlUnitOfWork", "UnitOfWork"]


class SqlUnitOfWork:
    """Base of each service's unit of work; subclasses add their repositories in ``_open``."""

    session: AsyncSession
    trail: AuditTrail

    def __init__(self, sessions: async_sessionmaker[AsyncSession], *, service: str, clock: Clock,
                 on_commit: Callable[[], None] = lambda: None) -> None:
        self._sessions, self._service = sessions, service
        self.clock = clock
        self._on_commit = on_commit
        self._events: list[CloudEvent] = []
        self.actor = Actor.system(service)

    def acting(self, actor: Actor) -> Self:
        """This work done for ``actor`` (``actor`` names it for use cases that take no actor)."""
        self.actor = actor
        return self

    async def __aenter__(self) -> Self:
        self.session = self._sessions()
        self._events = []
        self.trail = SqlAuditTrail(self.session, self.clock)
        self._open(self.session)
        return self

    def _open(self, session: AsyncSession) -> None:
        """Build the repositories on ``session``."""

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.session.rollback()
        await self.session.close()

    def emit(self, data: EventData | BaseModel | dict[str, Any], *, subject: str | None = None,
             routing_key: str | None = None) -> CloudEvent:
        """Stage an event; it leaves through the outbox if and only if the work commits.

        ``data`` given as a dict (JSON values, built in bulk) needs its ``routing_key``."""
        key = routing_key or getattr(data, "routing_key")  # noqa: B009 - ClassVar of EventData
        event = new_event(self._service, key, data, now=self.clock.now(), subject=subject,
                          correlation_id=correlation.current())
        self._events.append(event)
        return event

    async def first_time(self, consumer: str, event_id: str) -> bool:
        """Inbox check for consumers: True when ``event_id`` was never handled by ``consumer``."""
        return await claim(self.session, consumer, event_id)

    async def first_times(self, consumer: str, event_ids: Sequence[str]) -> set[str]:
        """``first_time`` for a batch of events in one statement: those never handled."""
        return await claim_all(self.session, consumer, event_ids)

    async def commit(self) -> None:
        await stage_events(self.session, self._events)
        await self.session.commit()
        had_events, self._events = bool(self._events), []
        if had_events:
            self._on_commit()


class UnitOfWork(Protocol):
    """What every service's unit of work offers its use cases; services extend it."""

    clock: Clock
    trail: AuditTrail
    actor: Actor
    """Who the work is done for: the service itself (a job, a consumer) unless ``acting``."""

    def acting(self, actor: Actor) -> Self: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None: ...

    async def commit(self) -> None: ...

    async def first_time(self, consumer: str, event_id: str) -> bool: ...

    async def first_times(self, consumer: str, event_ids: Sequence[str]) -> set[str]: ...

    def emit(self, data: EventData | BaseModel | dict[str, Any], *, subject: str | None = None,
             routing_key: str | None = None) -> CloudEvent: ...
