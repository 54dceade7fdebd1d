"""Refunds of succeeded payments, full or partial (P8)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

__all__ = ["Refund"]


@dataclass(frozen=True, slots=True)
class Refund:
    id: str
    payment_id: str
    account_id: str
    amount: Decimal
    currency: str
    reason: str
    status: str
    created_at: datetime
    gateway_ref: str | None = None
