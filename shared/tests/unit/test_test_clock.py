"""The test clock answers a move at once and runs its jobs in the background, in move order."""

from __future__ import annotations

import asyncio
from datetime import datetime

import httpx
from fastapi import FastAPI
from tarifa.clock import ControllableClock
from tarifa.web.clock import ClockJobs, clock_router


class GatedJobs:
    """Jobs that record each move and wait at a gate the test opens."""

    def __init__(self) -> None:
        self.started: list[datetime] = []
        self.finished: list[datetime] = []
        self.gate = asyncio.Event()
        self.running = asyncio.Event()

    async def __call__(self, now: datetime) -> None:
        self.started.append(now)
        self.running.set()
        await self.gate.wait()
        if now.year == 1999:
            raise RuntimeError("this move's jobs fail")
        self.finished.append(now)


def _client(jobs: ClockJobs) -> httpx.AsyncClient:
    app = FastAPI()
    app.include_router(clock_router(ControllableClock(), jobs))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_a_move_answers_before_its_jobs_have_run_and_they_run_after() -> None:
    work = GatedJobs()
    runner = ClockJobs(work)
    async with _client(runner) as client:
        moved = await client.put("/v1/test/clock", json={"now": "2026-05-01T00:00:00+00:00"})
        assert moved.status_code == 202
        assert moved.json()["now"].startswith("2026-05-01T00:00")
        assert moved.json()["pending"] == 1
        await client.put("/v1/test/clock", json={"now": "2026-06-01T00:00:00+00:00"})
        assert (await client.get("/v1/test/clock")).json()["pending"] == 2
        assert work.finished == []
        work.gate.set()
        settled = await client.get("/v1/test/clock", params={"wait": "true"})
    assert settled.json()["pending"] == 0
    assert [moment.month for moment in work.finished] == [5, 6]


async def test_wait_true_answers_200_once_the_jobs_of_the_move_have_run() -> None:
    work = GatedJobs()
    work.gate.set()
    async with _client(ClockJobs(work)) as client:
        moved = await client.put("/v1/test/clock", params={"wait": "true"},
                                 json={"now": "2026-05-01T00:00:00+00:00"})
    assert moved.status_code == 200
    assert moved.json()["pending"] == 0
    assert len(work.finished) == 1


async def test_a_move_whose_jobs_fail_is_counted_and_the_next_move_still_runs() -> None:
    work = GatedJobs()
    work.gate.set()
    async with _client(ClockJobs(work)) as client:
        await client.put("/v1/test/clock", json={"now": "1999-05-01T00:00:00+00:00"})
        moved = await client.put("/v1/test/clock?wait=true",
                                 json={"now": "2026-05-01T00:00:00+00:00"})
    assert moved.json()["failed"] == 1
    assert [moment.year for moment in work.finished] == [2026]


async def test_stopping_cancels_jobs_still_running() -> None:
    work = GatedJobs()
    runner = ClockJobs(work)
    async with _client(runner) as client:
        await client.put("/v1/test/clock", json={"now": "2026-05-01T00:00:00+00:00"})
        await work.running.wait()
        await runner.stop()
    assert runner.pending == 0
    assert work.finished == []


async def test_a_naive_instant_is_refused() -> None:
    async with _client(ClockJobs(GatedJobs())) as client:
        moved = await client.put("/v1/test/clock", json={"now": "2026-05-01T00:00:00"})
    assert moved.status_code == 422
