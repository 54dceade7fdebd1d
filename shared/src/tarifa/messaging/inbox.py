"""The inbox: a consumer records each event id in the same transaction as its effects."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from tarifa.messaging.tables import inbox

__all__ = ["claim", "claim_all"]


async def claim(session: AsyncSession, consumer: str, event_id: str) -> bool:
    """Record that ``consumer`` handles ``event_id``; False if it was handled before."""
    return event_id in await claim_all(session, consumer, [event_id])


async def claim_all(session: AsyncSession, consumer: str, event_ids: Sequence[str]) -> set[str]:
    """``claim`` for many events in one statement; those never handled by ``consumer`` before."""
    ids = list(dict.fromkeys(event_ids))
    if not ids:
        return set()
    statement = (
        insert(inbox)
        .values([{"consumer": consumer, "event_id": event_id} for event_id in ids])
        .on_conflict_do_nothing()
        .returning(inbox.c.event_id)
    )
    return set((await session.execute(statement)).scalars())
