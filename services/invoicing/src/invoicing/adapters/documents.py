"""The SQL repository of stored documents."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from invoicing.adapters.tables import documents

__all__ = ["SqlDocuments"]


class SqlDocuments:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, owner_id: str, kind: str, content: bytes, now: datetime) -> bool:
        stored = await self._session.execute(insert(documents).values(
            owner_id=owner_id, kind=kind, content=content,
            sha256=hashlib.sha256(content).hexdigest(), created_at=now,
        ).on_conflict_do_nothing().returning(documents.c.owner_id))
        return stored.first() is not None

    async def get(self, owner_id: str, kind: str) -> bytes | None:
        content: bytes | None = await self._session.scalar(select(documents.c.content).where(
            documents.c.owner_id == owner_id, documents.c.kind == kind))
        return content
