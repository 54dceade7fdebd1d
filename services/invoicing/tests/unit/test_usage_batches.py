"""Deliveries of rated usage posted together, and alone when together they fail."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest
from invoicing.domain.ledger import LedgerError
from tarifa.messaging.batches import DeliveryBatches as UsageBatches
from tarifa.messaging.envelope import CloudEvent, new_event


def _event(name: str) -> CloudEvent:
    return new_event("rating", "rating.usage.rated", {"batch_id": name, "accounts": []},
                     now=datetime(2026, 5, 1, tzinfo=UTC), subject=name)


class _Ledger:
    """Records each call's events; refuses any call holding a ``bad`` one."""

    def __init__(self) -> None:
        self.calls: list[list[str | None]] = []

    async def post(self, events: Sequence[CloudEvent]) -> None:
        self.calls.append([e.subject for e in events])
        await asyncio.sleep(0)
        if "bad" in self.calls[-1]:
            raise LedgerError("refused")


async def test_deliveries_waiting_together_are_one_posting_of_at_most_most() -> None:
    ledger = _Ledger()
    batches = UsageBatches(ledger.post, most=2)
    await asyncio.gather(*(batches.handle(_event(n)) for n in ("a", "b", "c")))
    assert ledger.calls == [["a", "b"], ["c"]]


async def test_a_refused_batch_fails_alone_and_the_others_are_posted() -> None:
    ledger = _Ledger()
    batches = UsageBatches(ledger.post)
    results = await asyncio.gather(*(batches.handle(_event(n)) for n in ("a", "bad", "c")),
                                   return_exceptions=True)
    assert ledger.calls == [["a", "bad", "c"], ["a"], ["bad"], ["c"]]
    assert results[0] is None and results[2] is None
    assert isinstance(results[1], LedgerError)


async def test_a_delivery_after_a_posting_starts_a_posting_of_its_own() -> None:
    ledger = _Ledger()
    batches = UsageBatches(ledger.post)
    await batches.handle(_event("a"))
    with pytest.raises(LedgerError):
        await batches.handle(_event("bad"))
    assert ledger.calls == [["a"], ["bad"]]
