"""One rated record (a call, a message, a data session) as rating priced it, read for a detailed
bill; the amounts are rating's, unrounded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

__all__ = ["RECORD_UNITS", "UsageRecord"]

RECORD_UNITS = {"voice": "second", "sms": "message", "mms": "message", "data": "byte"}
"""The unit of a record's measured quantity, by type."""


@dataclass(frozen=True, slots=True)
class UsageRecord:
    id: str
    msisdn: str
    started_at: datetime
    type: str
    direction: str
    zone: str
    quantity: int
    other_party: str | None
    roaming_country: str | None
    net: Decimal
    vat: Decimal
    gross: Decimal

    @property
    def where(self) -> str:
        """The zone, or the country when the record was made abroad."""
        return self.roaming_country or self.zone
