"""SQL repositories of stored documents and of Idempotency-Key responses."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from invoicing.adapters.tables import documents, idempotency_keys
from invoicing.service.ports import StoredResponse

__all__ = ["SqlDocuments", "SqlIdempotencyStore"]


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


class SqlIdempotencyStore:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def lock(self, scope: str, key: str) -> bool:
        held = await self._session.scalar(
            select(func.pg_try_advisory_xact_lock(func.hashtext(f"{scope}\n{key}"))))
        return bool(held)

    async def find(self, scope: str, key: str) -> tuple[str, StoredResponse] | None:
        row = (await self._session.execute(select(idempotency_keys).where(
            idempotency_keys.c.scope == scope, idempotency_keys.c.key == key))).first()
        if row is None:
            return None
        return row.request_hash, (int(row.status_code), row.response)

    async def save(self, scope: str, key: str, request_hash: str,
                   response: StoredResponse) -> None:
        await self._session.execute(idempotency_keys.insert().values(
            scope=scope, key=key, request_hash=request_hash, status_code=str(response[0]),
            response=response[1]))
