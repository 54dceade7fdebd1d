"""When invoicing closes a month by itself: a day of the month and an hour, in a time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from invoicing.domain.run import BillingRun

__all__ = ["ListedRun", "RunSchedule"]


@dataclass(frozen=True, slots=True)
class RunSchedule:
    """The policy's billing day (1–28, so every month has it) and hour (0–23) in ``timezone``."""

    day: int
    hour: int
    timezone: str = "UTC"

    def period_to_close(self, now: datetime) -> date | None:
        """The month to close at ``now``: the previous one, once this month's billing day and
        hour have come; before that, none (last month's closing was due a month ago)."""
        local = now.astimezone(ZoneInfo(self.timezone))
        closes_at = local.replace(day=self.day, hour=self.hour, minute=0, second=0,
                                  microsecond=0)
        if local < closes_at:
            return None
        return local.date().replace(day=1) - timedelta(days=1)


@dataclass(frozen=True, slots=True)
class ListedRun:
    """A run in the list of runs, and whether the schedule started it (or an operator)."""

    run: BillingRun
    scheduled: bool
