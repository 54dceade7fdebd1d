"""Idempotency-Key semantics of the money-moving POSTs.

Same key and same body: the first response again. Same key, different body: refused (422).
A request still in flight with that key: 409. The key, the work and the stored response share
one transaction, so a crash leaves either all of them or none.

The SQL store and its table are in :mod:`tarifa.idempotency.sql` and
:mod:`tarifa.idempotency.tables`; a service's ``idempotency_keys`` table is copied from there
into its metadata, as the outbox and inbox are.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

__all__ = ["IdempotencyStore", "IdempotentUnitOfWork", "KeyInFlight", "KeyReused",
           "StoredResponse", "once", "request_hash"]

StoredResponse = tuple[int, dict[str, Any]]
"""The status code and JSON body of a request made with an Idempotency-Key."""


class KeyInFlight(Exception):
    """Another request with this key is being processed."""


class KeyReused(Exception):
    """The key was used before with a different request body."""


class IdempotencyStore(Protocol):
    async def lock(self, scope: str, key: str) -> bool:
        """Hold the key for this transaction; False when another request holds it."""

    async def find(self, scope: str, key: str) -> tuple[str, StoredResponse] | None: ...
    async def save(self, scope: str, key: str, request_hash: str,
                   response: StoredResponse) -> None: ...


class IdempotentUnitOfWork(Protocol):
    """What ``once`` needs of a service's unit of work."""

    @property
    def idempotency(self) -> IdempotencyStore: ...

    async def commit(self) -> None: ...


def request_hash(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def _replay(found: tuple[str, StoredResponse], digest: str, key: str) -> StoredResponse:
    if found[0] != digest:
        raise KeyReused(f"Idempotency-Key {key} was used with a different request")
    return found[1]


async def once(uow: IdempotentUnitOfWork, scope: str, key: str | None, body: dict[str, Any],
               work: Callable[[], Awaitable[StoredResponse]]) -> StoredResponse:
    """Run ``work`` once per key within ``uow`` (entered by the caller); commit it with the response."""
    if key is None:
        response = await work()
        await uow.commit()
        return response
    if not await uow.idempotency.lock(scope, key):
        raise KeyInFlight(f"a request with Idempotency-Key {key} is in flight")
    digest = request_hash(body)
    found = await uow.idempotency.find(scope, key)
    if found is not None:
        return _replay(found, digest, key)
    response = await work()
    await uow.idempotency.save(scope, key, digest, response)
    await uow.commit()
    return response
