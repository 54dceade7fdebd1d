"""The scheduler runs its job at once, again when woken, survives a failing pass, and stops
even when a wake comes with the stop."""

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


async def test_a_stop_that_comes_with_a_wake_stops_the_task() -> None:
    ran = asyncio.Event()

    async def job() -> None:
        ran.set()

    scheduler = Scheduler("woken-at-stop", job, interval=60)
    await scheduler.start()
    await ran.wait()
    for _ in range(3):  # the task is now waiting for a wake or the interval
        await asyncio.sleep(0)
    [task] = [t for t in asyncio.all_tasks() if t.get_name() == "woken-at-stop"]
    scheduler.wake()
    await asyncio.wait_for(scheduler.stop(), 30)  # the bound only guards against a hang
    assert task.cancelled()

async def test_an_item_that_fails_is_counted_and_the_others_go_on() -> None:
    before = ITEM_FAILURES.labels("sample-items")._value.get()

    async def handle(item: int) -> int:
        if item == 2:
            raise ValueError("item 2 cannot be priced")
        return item * 10

    results = [await attempt("sample-items", str(item), handle(item)) for item in (1, 2, 3)]
    assert results == [10, None, 30]
    assert ITEM_FAILURES.labels("sample-items")._value.get() == before + 1
