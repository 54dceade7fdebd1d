"""The scheduler runs its job at once, again when woken, and survives a failing pass."""

from __future__ import annotations

import asyncio

from tarifa.scheduling import ITEM_FAILURES, Scheduler, attempt


async def test_a_failing_pass_is_survived_and_a_wake_runs_the_job_again() -> None:
    passes: list[int] = []

    async def job() -> None:
        passes.append(len(passes))
        if len(passes) == 1:
            raise RuntimeError("first pass fails")

    scheduler = Scheduler("sample-job", job, interval=60)
    await scheduler.start()
    try:
        assert "sample-job" in {task.get_name() for task in asyncio.all_tasks()}
        while len(passes) < 2:
            scheduler.wake()
            await asyncio.sleep(0.01)
    finally:
        await scheduler.stop()
    assert "sample-job" not in {task.get_name() for task in asyncio.all_tasks()}


async def test_an_item_that_fails_is_counted_and_the_others_go_on() -> None:
    before = ITEM_FAILURES.labels("sample-items")._value.get()

    async def handle(item: int) -> int:
        if item == 2:
            raise ValueError("item 2 cannot be priced")
        return item * 10

    results = [await attempt("sample-items", str(item), handle(item)) for item in (1, 2, 3)]
    assert results == [10, None, 30]
    assert ITEM_FAILURES.labels("sample-items")._value.get() == before + 1
