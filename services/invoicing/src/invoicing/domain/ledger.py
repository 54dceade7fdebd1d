"""The ledger: every money movement of an account is one entry.

The ledger sign: a charge is negative, a payment or a credit note positive; the balance (the sum) is positive
when the account has an advance and negative when it owes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

__all__ = ["EntryKind", "LedgerEntry", "LedgerError", "balance_of"]


class LedgerError(Exception):
    """A movement the ledger refuses (e.g. in another currency than the account's)."""


class EntryKind(StrEnum):
    CHARGE = "charge"
    PAYMENT = "payment"
    CREDIT = "credit"
    """A credit note: money given back, allocated like a payment."""


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One movement. ``net``, ``vat`` and ``gross`` are positive; ``amount`` carries the sign."""

    id: str
    account_id: str
    kind: EntryKind
    type: str
    currency: str
    occurred_on: date
    amount: Decimal
    source_event_id: str
    created_at: datetime
    msisdn: str | None = None
    direction: str | None = None
    description: str = ""
    quantity: Decimal = Decimal(0)
    unit: str = ""
    net: Decimal = Decimal(0)
    vat: Decimal = Decimal(0)
    gross: Decimal = Decimal(0)
    channel: str = ""
    reference: str = ""
    invoice_id: str | None = None

    @property
    def is_charge(self) -> bool:
        return self.kind is EntryKind.CHARGE


def balance_of(entries: Iterable[LedgerEntry]) -> Decimal:
    return sum((entry.amount for entry in entries), Decimal(0))
