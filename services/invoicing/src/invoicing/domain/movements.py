"""A page of an account's ledger movements, oldest or newest first, after a position."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from invoicing.domain.ledger import LedgerEntry

__all__ = ["MovementOrder", "MovementPage", "MovementQuery", "Position", "page_of", "position_of"]

# A movement's place in the ledger's order: the day it happened, when it was posted, its id.
Position = tuple[date, datetime, str]


class MovementOrder(StrEnum):
    OLDEST = "oldest"
    NEWEST = "newest"


@dataclass(frozen=True, slots=True)
class MovementQuery:
    account_id: str
    since: date | None
    until: date | None
    order: MovementOrder
    after: Position | None
    limit: int


@dataclass(frozen=True, slots=True)
class MovementPage:
    entries: list[LedgerEntry]
    next_after: Position | None


def position_of(entry: LedgerEntry) -> Position:
    return entry.occurred_on, entry.created_at, entry.id


def page_of(entries: list[LedgerEntry], limit: int) -> MovementPage:
    """The page of up to ``limit`` entries out of ``limit + 1`` read: one more means more follow."""
    shown = entries[:limit]
    more = len(entries) > limit
    return MovementPage(shown, position_of(shown[-1]) if more else None)
