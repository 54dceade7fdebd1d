"""Manual matching of registry rows (P5): an operator settles each row that matched no account.

A row is kept unmatched with its problem. When the problem is who the payment is for (no such
account or phone number, both an account and another account's phone number, the account billed
in another currency), the operator assigns it to an account and it is paid there once, dated by
the row's own ``paid_at``. A row that is itself unusable (no reference, a bad amount or time) can
only be rejected: returned to the payer through the channel that sent it, or closed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from payments.domain.payment import PaymentError
from payments.domain.registry import EntryStatus, RegistryEntry

__all__ = [
    "ASSIGNABLE",
    "REJECTED_AS",
    "NotAssignable",
    "QueuePosition",
    "Rejection",
    "RowProblem",
    "RowQuery",
    "RowSettled",
    "assigned",
    "rejected",
    "settled_alike",
]


class RowProblem(StrEnum):
    """Why a row was not paid on import."""

    NO_REFERENCE = "no_reference"
    INVALID_AMOUNT = "invalid_amount"
    INVALID_PAID_AT = "invalid_paid_at"
    UNKNOWN_ACCOUNT = "unknown_account"
    AMBIGUOUS = "ambiguous"
    CURRENCY_MISMATCH = "currency_mismatch"
    ACCOUNT_CLOSED = "account_closed"


ASSIGNABLE = frozenset({RowProblem.UNKNOWN_ACCOUNT, RowProblem.AMBIGUOUS,
                        RowProblem.CURRENCY_MISMATCH, RowProblem.ACCOUNT_CLOSED})
"""Problems an operator solves by naming the account; the others leave only a rejection."""


class Rejection(StrEnum):
    RETURN = "return"
    CLOSE = "close"


REJECTED_AS = {Rejection.RETURN: EntryStatus.RETURNED, Rejection.CLOSE: EntryStatus.CLOSED}


class RowSettled(PaymentError):
    """The row was assigned or rejected already."""


class NotAssignable(PaymentError):
    """The row itself is unusable; it can only be rejected."""


def _check_open(entry: RegistryEntry) -> None:
    if entry.status is not EntryStatus.UNMATCHED:
        raise RowSettled(f"row {entry.row} of registry {entry.registry_id} is {entry.status} already")


def assigned(entry: RegistryEntry, account_id: str, payment_id: str, by: str,
             at: datetime) -> RegistryEntry:
    """The row once paid into ``account_id`` by the payment ``payment_id``."""
    _check_open(entry)
    if entry.problem is not None and entry.problem not in ASSIGNABLE:
        raise NotAssignable(f"row {entry.row} cannot be paid ({entry.reason}); reject it instead")
    return replace(entry, status=EntryStatus.ASSIGNED, account_id=account_id,
                   payment_id=payment_id, resolved_by=by, resolved_at=at)


def rejected(entry: RegistryEntry, outcome: Rejection, reason: str, by: str,
             at: datetime) -> RegistryEntry:
    """The row once returned to its payer or closed, with the operator's reason."""
    _check_open(entry)
    return replace(entry, status=REJECTED_AS[outcome], reason=reason, resolved_by=by, resolved_at=at)


def settled_alike(entry: RegistryEntry, status: EntryStatus, account_id: str | None) -> bool:
    """Whether the row already stands as a repeat of the same decision would leave it."""
    return entry.status is status and (account_id is None or entry.account_id == account_id)


QueuePosition = tuple[datetime, str, int]
"""Where a page of rows across registries ended: its registry's import time and id, its row."""


@dataclass(frozen=True, slots=True)
class RowQuery:
    """Rows across registries, oldest import first: of a status and problem if given, and of
    the registries one sender sent when ``submitted_by`` is given (a partner sees its own)."""

    status: EntryStatus | None = EntryStatus.UNMATCHED
    problem: RowProblem | None = None
    submitted_by: str | None = None
    after: QueuePosition | None = None
    limit: int = 100
