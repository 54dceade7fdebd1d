"""A billing run: closing one period for all (or some) accounts, in the background."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

__all__ = ["BillingRun", "RunStatus"]


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
