"""Allowance buckets: how much of each allowance a line used in a calendar month.

The period of a record is the calendar month of its usage date (the account's local date).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

__all__ = ["BucketKey", "Buckets", "period_of"]

BucketKey = tuple[str, date, str]
"""``(msisdn, first day of the month, allowance key "type/direction/zone")``."""


def period_of(day: date) -> date:
    return day.replace(day=1)


@dataclass
class Buckets:
    """The used quantities of a batch's lines, updated while the batch is rated."""

    used: dict[BucketKey, int] = field(default_factory=dict)
    changed: set[BucketKey] = field(default_factory=set)
    exhausted: set[BucketKey] = field(default_factory=set)

    def left(self, key: BucketKey, granted: int) -> int:
        return max(granted - self.used.get(key, 0), 0)

    def take(self, key: BucketKey, granted: int, quantity: int) -> None:
        if quantity <= 0:
            return
        before = self.used.get(key, 0)
        self.used[key] = before + quantity
        self.changed.add(key)
        if before < granted <= before + quantity:
            self.exhausted.add(key)
