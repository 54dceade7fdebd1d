"""Idempotency-Key semantics, against an in-memory store."""

from __future__ import annotations

import pytest
from tarifa.idempotency import KeyInFlight, KeyReused, StoredResponse, once


class MemoryStore:
    def __init__(self, *, held: bool = False) -> None:
        self.rows: dict[tuple[str, str], tuple[str, StoredResponse]] = {}
        self.held = held

    async def lock(self, scope: str, key: str) -> bool:
        return not self.held

    async def find(self, scope: str, key: str) -> tuple[str, StoredResponse] | None:
        return self.rows.get((scope, key))

    async def save(self, scope: str, key: str, request_hash: str,
                   response: StoredResponse) -> None:
        self.rows[(scope, key)] = (request_hash, response)


class MemoryUnitOfWork:
    def __init__(self, store: MemoryStore) -> None:
        self.idempotency, self.commits = store, 0

    async def commit(self) -> None:
        self.commits += 1


class Work:
    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self) -> StoredResponse:
        self.calls += 1
        return 201, {"n": self.calls}


async def test_the_same_key_and_body_give_the_first_response_again() -> None:
    uow, work = MemoryUnitOfWork(MemoryStore()), Work()
    first = await once(uow, "scope", "k", {"a": 1}, work)
    again = await once(uow, "scope", "k", {"a": 1}, work)
    assert first == again == (201, {"n": 1})
    assert (work.calls, uow.commits) == (1, 1)


async def test_the_same_key_with_another_body_is_refused() -> None:
    uow = MemoryUnitOfWork(MemoryStore())
    await once(uow, "scope", "k", {"a": 1}, Work())
    with pytest.raises(KeyReused):
        await once(uow, "scope", "k", {"a": 2}, Work())


async def test_a_key_held_by_another_request_is_in_flight() -> None:
    with pytest.raises(KeyInFlight):
        await once(MemoryUnitOfWork(MemoryStore(held=True)), "scope", "k", {}, Work())


async def test_without_a_key_the_work_runs_and_commits_every_time() -> None:
    uow, work = MemoryUnitOfWork(MemoryStore()), Work()
    await once(uow, "scope", None, {}, work)
    await once(uow, "scope", None, {}, work)
    assert (work.calls, uow.commits, uow.idempotency.rows) == (2, 2, {})
