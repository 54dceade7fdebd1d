"""Idempotency-Key semantics of the money-moving POSTs (credit notes, detailed bills).

Same key and same body: the first response again. Same key, different body: refused (422).
A request still in flight with that key: 409. The key, the work and the stored response share
one transaction, so a crash leaves either all of them or none.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Any

from invoicing.service.ports import StoredResponse, UnitOfWork

__all__ = ["KeyInFlight", "KeyReused", "once"]


class KeyInFlight(Exception):
    """Another request with this key is being processed."""


class KeyReused(Exception):
    """The key was used before with a different request body."""


def request_hash(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


async def once(uow: UnitOfWork, scope: str, key: str | None, body: dict[str, Any],
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
        if found[0] != digest:
            raise KeyReused(f"Idempotency-Key {key} was used with a different request")
        return found[1]
    response = await work()
    await uow.idempotency.save(scope, key, digest, response)
    await uow.commit()
    return response
