"""The Idempotency-Key store over SQLAlchemy: a transaction-scoped advisory lock and one row per key.

Its statements are built once, at import, with each request's values bound as parameters, so a
keyed request finds their compiled forms in the cache at once.
"""

from __future__ import annotations

from sqlalchemy import String, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tarifa.idempotency import StoredResponse
from tarifa.idempotency.tables import idempotency_keys

__all__ = ["SqlIdempotencyStore"]

_LOCK = select(func.pg_try_advisory_xact_lock(func.hashtext(bindparam("held", type_=String))))
_FIND = select(idempotency_keys.c.request_hash, idempotency_keys.c.status_code,
               idempotency_keys.c.response).where(
    idempotency_keys.c.scope == bindparam("scope"), idempotency_keys.c.key == bindparam("key"))
_SAVE = idempotency_keys.insert()


class SqlIdempotencyStore:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def lock(self, scope: str, key: str) -> bool:
        return bool(await self._session.scalar(_LOCK, {"held": f"{scope}\n{key}"}))

    async def find(self, scope: str, key: str) -> tuple[str, StoredResponse] | None:
        row = (await self._session.execute(_FIND, {"scope": scope, "key": key})).first()
        if row is None:
            return None
        return row.request_hash, (int(row.status_code), row.response)

    async def save(self, scope: str, key: str, request_hash: str,
                   response: StoredResponse) -> None:
        await self._session.execute(_SAVE, {
            "scope": scope, "key": key, "request_hash": request_hash,
            "status_code": str(response[0]), "response": response[1]})
