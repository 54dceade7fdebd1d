"""The dispatcher's pass: several attempts under way at once, each delivery attempted once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from notifications.domain.delivery import Delivery
from notifications.entrypoints.dispatcher import dispatch_due

NOW = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)


def _delivery(n: int) -> Delivery:
    return Delivery.plan(id=f"d-{n}", event="invoicing.invoice.issued", event_id=f"e-{n}",
                         account_id=f"a-{n}", payload={}, now=NOW, recipient=f"c{n}@example.md")


class Due:
    """Hands out the due deliveries once each, every attempt taking a moment."""

    def __init__(self, count: int, failing: int | None = None) -> None:
        self.waiting = [_delivery(n) for n in range(count)]
        self.attempted: list[str] = []
        self.running = self.most_at_once = 0
        self._failing = failing

    async def next(self) -> list[Delivery]:
        if not self.waiting:
            return []
        delivery = self.waiting.pop(0)
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        await asyncio.sleep(0.001)
        self.running -= 1
        if delivery.id == f"d-{self._failing}":
            raise RuntimeError("database gone")
        self.attempted.append(delivery.id)
        return [delivery]


async def test_workers_attempt_every_due_delivery_once_several_at_once() -> None:
    due = Due(40)
    assert await dispatch_due(due.next, workers=4)() == 40
    assert sorted(due.attempted) == sorted(f"d-{n}" for n in range(40))
    assert due.most_at_once == 4


async def test_one_worker_attempts_one_at_a_time() -> None:
    due = Due(5)
    assert await dispatch_due(due.next)() == 5
    assert due.most_at_once == 1


async def test_an_error_is_raised_once_the_other_workers_have_finished() -> None:
    due = Due(20, failing=3)
    with pytest.raises(RuntimeError, match="database gone"):
        await dispatch_due(due.next, workers=4)()
    assert due.running == 0 and not due.waiting and len(due.attempted) == 19
