"""A billing run's progress: counts per stage, the accounts that failed, an estimated end."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from tarifa.logging import get_logger

from invoicing.domain.run import BillingRun, RunFailure, RunProgress, estimated_end
from invoicing.service.ports import ProgressBoard, UnitOfWork

__all__ = ["RunReport", "report", "show", "watch"]

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class RunReport:
    run: BillingRun
    progress: RunProgress
    estimated_end: datetime | None
    failures: list[RunFailure]


async def report(uow: UnitOfWork, run_id: str, failures: int = 100) -> RunReport | None:
    """The run with its progress and its first ``failures`` failed accounts."""
    async with uow:
        run = await uow.runs.get(run_id)
        if run is None:
            return None
        progress = await uow.runs.progress(run_id)
        failed = await uow.runs.failures(run_id, failures) if failures else []
        return RunReport(run, progress, estimated_end(run, progress, uow.clock.now()), failed)


async def show(new_uow: Callable[[], UnitOfWork], board: ProgressBoard, run_id: str) -> None:
    """Put the run's progress on the board; progress is informative, the run goes on without."""
    try:
        found = await report(new_uow(), run_id, failures=0)
    except Exception as exc:
        log.warning("run_progress_unavailable", run_id=run_id, error=repr(exc))
        return
    if found is not None:
        board.show(found.run, found.progress, found.estimated_end)


async def watch(new_uow: Callable[[], UnitOfWork], board: ProgressBoard, run_id: str,
                every: float = 10.0) -> None:
    """Show the run's progress every ``every`` seconds until cancelled."""
    while True:
        await show(new_uow, board, run_id)
        await asyncio.sleep(every)
