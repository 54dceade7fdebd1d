"""The Idempotency-Key store over SQLAlchemy: a transaction-scoped advisory lock and one row per key."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tarifa.idempotency import StoredResponse
from tarifa.idempotency.tables import idempotency_keys

__all__ = ["SqlIdempotencyStore"]


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
