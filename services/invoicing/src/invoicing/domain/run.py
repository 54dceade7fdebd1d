"""A billing run: closing one period for all (or some) accounts, in the background."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

__all__ = ["BillingRun", "RunFailure", "RunProgress", "RunStatus", "estimated_end"]


class RunStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class BillingRun:
    id: str
    period_end: date
    account_ids: tuple[str, ...] | None
    status: RunStatus
    created_at: datetime
    accounts: int = 0
    issued: int = 0
    skipped: int = 0
    finished_at: datetime | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class RunProgress:
    """How many invoices of a run reached each stage, and how many accounts failed.

    ``issued``: statements numbered; ``documents``: their document made and stored;
    ``delivered``: announced (``invoicing.invoice.issued`` published, the e-bill goes out).
    """

    issued: int = 0
    documents: int = 0
    delivered: int = 0
    failed: int = 0


@dataclass(frozen=True, slots=True)
class RunFailure:
    account_id: str
    reason: str
    failed_at: datetime


def estimated_end(run: BillingRun, progress: RunProgress, now: datetime) -> datetime | None:
    """When the run should be done, at the pace it went so far (statements, then documents).

    Unknown before any progress; the end itself once the run is finished.
    """
    if run.status is not RunStatus.RUNNING:
        return run.finished_at
    elapsed = (now - run.created_at).total_seconds()
    done = progress.issued + progress.documents
    expected = max(run.accounts - progress.failed, progress.issued)
    left = 2 * expected - done
    if done <= 0 or elapsed <= 0 or run.accounts == 0:
        return None
    return now + timedelta(seconds=elapsed * max(left, 0) / done)
