"""The inbox: a consumer records each event id in the same transaction as its effects."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import String, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

__all__ = ["claim", "claim_all"]


async def claim(session: AsyncSession, consumer: str, event_id: str) -> bool:
    """Record that ``consumer`` handles ``event_id``; False if it was handled before."""
    return event_id in await claim_all(session, consumer, [event_id])


_CLAIM = text(
    "INSERT INTO inbox (consumer, event_id) SELECT :consumer, unnest(CAST(:ids AS text[]))"
    " ON CONFLICT DO NOTHING RETURNING event_id"
).bindparams(bindparam("consumer", type_=String), bindparam("ids", type_=ARRAY(String)))
"""One statement however many events: compiled once, the ids one array parameter."""


async def claim_all(session: AsyncSession, consumer: str, event_ids: Sequence[str]) -> set[str]:
    """``claim`` for many events in one statement; those never handled by ``consumer`` before."""
    ids = list(dict.fromkeys(event_ids))
    if not ids:
        return set()
    rows = await session.execute(_CLAIM, {"consumer": consumer, "ids": ids})
    return set(rows.scalars())
