"""An account's payment history: what was paid into it and what it paid into other accounts.

Entries come newest first (by creation time, then id); a page ends at a position the next page
starts after, so pages stay stable while new payments arrive.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from payments.domain.payment import Payment

__all__ = ["HistoryEntry", "HistoryPage", "Position", "account_payer", "page_of"]

Position = tuple[datetime, str]
"""Where a page ended: the creation time and id of its last payment."""


def account_payer(account_id: str) -> str:
    """How a payment names an account that paid it (a subscriber paying, for itself or another)."""
    return f"account:{account_id}"


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    payment: Payment
    refunds: int
    """How many refunds gave money of it back (``payment.refunded`` is their sum)."""

    def for_another(self, account_id: str) -> bool:
        """Whether ``account_id`` paid this into another account rather than received it."""
        return self.payment.account_id != account_id


@dataclass(frozen=True, slots=True)
class HistoryPage:
    entries: list[HistoryEntry]
    next_after: Position | None


def page_of(found: Sequence[HistoryEntry], limit: int) -> HistoryPage:
    """A page of ``limit`` entries from ``found`` (read with one more, to know if more follow)."""
    entries = list(found[:limit])
    if len(found) <= limit or not entries:
        return HistoryPage(entries, None)
    last = entries[-1].payment
    return HistoryPage(entries, (last.created_at, last.id))
