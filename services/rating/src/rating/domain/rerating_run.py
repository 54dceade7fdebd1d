"""A re-rating run as an operator asked for it and what it did."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

__all__ = ["COMPLETED", "CurrencyDifference", "ReratingRun"]

COMPLETED = "completed"


@dataclass(frozen=True, slots=True)
class CurrencyDifference:
    """What a run changed in one currency, over all its accounts (new − old, exact)."""

    currency: str
    net: Decimal
    gross: Decimal


@dataclass(frozen=True, slots=True)
class ReratingRun:
    id: str
    requested_at: datetime
    from_date: date
    to_date: date
    msisdns: tuple[str, ...] | None
    plan_code: str | None
    status: str
    records: int
    changed: int
    kept: int
    differences: tuple[CurrencyDifference, ...]
