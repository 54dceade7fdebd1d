"""The rating policy of a deployment (from its settings)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["RatingPolicy"]


@dataclass(frozen=True, slots=True)
class RatingPolicy:
    late_usage: timedelta
    """How late a usage record may arrive, counted from its start."""
    parked_usage: timedelta = timedelta(hours=72)
    """How long a record of a line rating does not know yet waits for the line."""

    def parked_too_long(self, parked_at: datetime, now: datetime) -> bool:
        return parked_at <= now - self.parked_usage
