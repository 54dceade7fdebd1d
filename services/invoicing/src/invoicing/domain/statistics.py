"""An account's figures per calendar month: spend by service type, usage, money received.

They are read from the ledger, summed per month, kind, type and unit (``LedgerSum``), and
arranged here: every month of the window appears, with zeros where nothing happened.

* **Charges** are what the account spent, positive: voice, SMS, MMS and data usage (re-rating
  differences included), ``fees`` (the plans' recurring fees) and ``other`` (one-off charges,
  detailed bill fees, VAT per rate adjustments and any type the ledger learns later).
* **Usage** is the quantity of each usage type in its unit (seconds, messages, bytes).
* **Payments** are what was received, **refunds** what of it was given back, **credits** the
  credit notes and bonuses granted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from invoicing.domain.detailed_bill import USAGE_TYPES
from invoicing.domain.ledger import EntryKind

__all__ = ["DEFAULT_MONTHS", "MAX_MONTHS", "SERVICE_TYPES", "LedgerSum", "MonthFigures",
           "StatisticsError", "UsageQuantity", "month_after", "monthly_figures", "months_back",
           "service_type"]

DEFAULT_MONTHS = 12
MAX_MONTHS = 24
SERVICE_TYPES = (*USAGE_TYPES, "fees", "other")
_FEE = "fee"
_DEFAULT_UNITS = {"voice": "second", "sms": "message", "mms": "message", "data": "byte"}
_ZERO = Decimal(0)


class StatisticsError(ValueError):
    """A window the statistics do not cover."""


@dataclass(frozen=True, slots=True)
class LedgerSum:
    """The ledger movements of one month, kind, type and unit, added up."""

    month: date
    kind: str
    type: str
    unit: str
    amount: Decimal
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class UsageQuantity:
    type: str
    unit: str
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class MonthFigures:
    """One month: ``month`` is its first day; every amount is positive money."""

    month: date
    charges: Mapping[str, Decimal]
    usage: tuple[UsageQuantity, ...]
    payments: Decimal = _ZERO
    refunds: Decimal = _ZERO
    credits: Decimal = _ZERO

    @property
    def total_charges(self) -> Decimal:
        return sum(self.charges.values(), _ZERO)


def month_after(month: date) -> date:
    """The first day of the month after ``month``'s."""
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def months_back(today: date, count: int) -> list[date]:
    """The first days of the ``count`` months ending with ``today``'s, oldest first."""
    if not 1 <= count <= MAX_MONTHS:
        raise StatisticsError(f"statistics cover 1 to {MAX_MONTHS} months, not {count}")
    index = today.year * 12 + today.month - 1
    return [date(i // 12, i % 12 + 1, 1) for i in range(index - count + 1, index + 1)]


def service_type(entry_type: str) -> str:
    """The service type a charge of the ledger counts under."""
    if entry_type in USAGE_TYPES:
        return entry_type
    return "fees" if entry_type == _FEE else "other"


def _charges(sums: Sequence[LedgerSum]) -> dict[str, Decimal]:
    charges = dict.fromkeys(SERVICE_TYPES, _ZERO)
    for row in sums:
        if row.kind == EntryKind.CHARGE:
            charges[service_type(row.type)] -= row.amount
    return charges


def _usage(sums: Sequence[LedgerSum]) -> tuple[UsageQuantity, ...]:
    quantities = {(kind, unit): _ZERO for kind, unit in _DEFAULT_UNITS.items()}
    for row in sums:
        if row.kind == EntryKind.CHARGE and row.type in USAGE_TYPES:
            key = (row.type, row.unit or _DEFAULT_UNITS[row.type])
            quantities[key] = quantities.get(key, _ZERO) + row.quantity
    return tuple(UsageQuantity(kind, unit, quantity)
                 for (kind, unit), quantity in quantities.items())


def _moved(sums: Sequence[LedgerSum], kind: EntryKind) -> Decimal:
    """The ledger sum of one kind, positive: refunds are negative movements."""
    total = sum((row.amount for row in sums if row.kind == kind), _ZERO)
    return _ZERO - total if kind is EntryKind.REFUND else total


def _month(month: date, sums: Sequence[LedgerSum]) -> MonthFigures:
    return MonthFigures(month=month, charges=_charges(sums), usage=_usage(sums),
                        payments=_moved(sums, EntryKind.PAYMENT),
                        refunds=_moved(sums, EntryKind.REFUND),
                        credits=_moved(sums, EntryKind.CREDIT))


def monthly_figures(months: Sequence[date], sums: Iterable[LedgerSum]) -> list[MonthFigures]:
    """The figures of each month of ``months`` (first days), zeros where it has no sums."""
    by_month: dict[date, list[LedgerSum]] = {month: [] for month in months}
    for row in sums:
        by_month.setdefault(row.month, []).append(row)
    return [_month(month, by_month[month]) for month in months]
