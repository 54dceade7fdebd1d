"""Deliveries of a notice queue planned together, and alone when together they fail."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest
from tarifa.messaging.batches import DeliveryBatches as NoticeBatches
from tarifa.messaging.envelope import CloudEvent, new_event


def _event(name: str) -> CloudEvent:
    return new_event("invoicing", "invoicing.invoice.issued", {"invoice_id": name},
                     now=datetime(2026, 5, 1, tzinfo=UTC), subject=name)


class _Planner:
    """Records each call's events; fails any call holding a ``bad`` one."""

    def __init__(self) -> None:
        self.calls: list[list[str | None]] = []

    async def plan(self, events: Sequence[CloudEvent]) -> None:
        self.calls.append([e.subject for e in events])
        await asyncio.sleep(0)
        if "bad" in self.calls[-1]:
            raise ValueError("cannot be planned")


async def test_deliveries_waiting_together_are_one_plan_of_at_most_most() -> None:
    planner = _Planner()
    batches = NoticeBatches(planner.plan, most=2)
    await asyncio.gather(*(batches.handle(_event(n)) for n in ("a", "b", "c")))
    assert planner.calls == [["a", "b"], ["c"]]


async def test_a_failed_batch_fails_alone_and_the_others_are_planned() -> None:
    planner = _Planner()
    batches = NoticeBatches(planner.plan)
    results = await asyncio.gather(*(batches.handle(_event(n)) for n in ("a", "bad", "c")),
                                   return_exceptions=True)
    assert planner.calls == [["a", "bad", "c"], ["a"], ["bad"], ["c"]]
    assert results[0] is None and results[2] is None
    assert isinstance(results[1], ValueError)


async def test_a_delivery_after_a_plan_starts_a_plan_of_its_own() -> None:
    planner = _Planner()
    batches = NoticeBatches(planner.plan)
    await batches.handle(_event("a"))
    with pytest.raises(ValueError, match="cannot be planned"):
        await batches.handle(_event("bad"))
    assert planner.calls == [["a"], ["bad"]]
