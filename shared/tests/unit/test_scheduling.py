"""The scheduler runs its job at once, again when woken, and survives a failing pass."""

from __future__ import annotations

import asyncio

from tarifa.scheduling import Scheduler


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
