"""A promise or a suspension that ends within a day: what its reminder tells."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

__all__ = ["AHEAD", "Ending"]

AHEAD = timedelta(days=1)
"""How long before its end a promised payment or a suspension is reminded of."""


@dataclass(frozen=True, slots=True)
class Ending:
    account_id: str
    start: datetime
    end: datetime
    timezone: str

    def days(self) -> tuple[date, date]:
        """The first and last day, in the account's time zone."""
        zone = ZoneInfo(self.timezone)
        return self.start.astimezone(zone).date(), self.end.astimezone(zone).date()
