"""The rules of a billing period and of the figures of its statement (SPEC I1, I2, I4)."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from invoicing.domain.ledger import LedgerEntry
from invoicing.domain.statement import StatementLine

__all__ = ["BillingError", "StatementFigures", "check_period_end", "due_date", "figures",
           "invoice_number", "is_month_end", "payable", "period_start", "statement_lines"]

_ZERO = Decimal(0)
# How a line of usage is described on the bill, in the account's language.
_DIRECTIONS = {"en": {"out": "outgoing", "in": "incoming"},
               "ro": {"out": "efectuate", "in": "primite"},
               "ru": {"out": "исходящие", "in": "входящие"}}


class BillingError(Exception):
    """A billing request the rules refuse."""


def is_month_end(day: date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def check_period_end(period_end: date, today: date) -> None:
    """A period closes on a month's last day, and never in the future."""
    if not is_month_end(period_end):
        raise BillingError(f"{period_end} is not the last day of a month")
    if period_end > today:
        raise BillingError(f"{period_end} is in the future (today is {today})")


def period_start(previous_end: date | None, first_connected: date | None) -> date | None:
    """The day after the previous invoice's period, or the first connection date (I1)."""
    if previous_end is not None:
        return previous_end + timedelta(days=1)
    return first_connected


def due_date(period_end: date, due_day: int, *, postpaid: bool) -> date | None:
    """Postpaid: ``due_day`` of the month after the period (I4); prepaid: informational."""
    if not postpaid:
        return None
    year, month = (period_end.year + 1, 1) if period_end.month == 12 else (
        period_end.year, period_end.month + 1)
    return date(year, month, min(due_day, calendar.monthrange(year, month)[1]))


def invoice_number(series: str, year: int, sequence: int) -> str:
    return f"{series}-{year}-{sequence:06d}"


def _line_key(entry: LedgerEntry) -> tuple[str, str]:
    return entry.msisdn or "", entry.type


def _describe(entries: Sequence[LedgerEntry], language: str) -> str:
    if entries[0].type in ("fee", "one_off"):
        return ", ".join(sorted({e.description for e in entries if e.description}))
    words = _DIRECTIONS.get(language, _DIRECTIONS["en"])
    directions = sorted({e.direction or "" for e in entries} - {""}, reverse=True)
    return ", ".join(words.get(direction, direction) for direction in directions)


def _line(entries: Sequence[LedgerEntry], language: str) -> StatementLine:
    first = entries[0]
    return StatementLine(
        msisdn=first.msisdn or "", type=first.type, description=_describe(entries, language),
        quantity=sum((e.quantity for e in entries), _ZERO), unit=first.unit,
        net=sum((e.net for e in entries), _ZERO), vat=sum((e.vat for e in entries), _ZERO),
        gross=sum((e.gross for e in entries), _ZERO))


def statement_lines(charges: Iterable[LedgerEntry],
                    language: str = "en") -> tuple[StatementLine, ...]:
    """The charges grouped per line (msisdn) and service type, in a stable order."""
    groups: dict[tuple[str, str], list[LedgerEntry]] = {}
    for entry in charges:
        groups.setdefault(_line_key(entry), []).append(entry)
    return tuple(_line(groups[key], language) for key in sorted(groups))


@dataclass(frozen=True, slots=True)
class StatementFigures:
    """A statement's numbers; balances in the statement sign (positive = debt)."""

    opening_balance: Decimal
    lines: tuple[StatementLine, ...]
    total_charges: Decimal
    vat_total: Decimal
    total_paid: Decimal

    @property
    def closing_balance(self) -> Decimal:
        return self.opening_balance + self.total_charges - self.total_paid

    @property
    def amount_due(self) -> Decimal:
        return max(self.closing_balance, _ZERO)


def figures(opening_balance: Decimal, charges: Sequence[LedgerEntry],
            payments: Sequence[LedgerEntry], language: str = "en") -> StatementFigures:
    """Sum the period's movements; the identity closing = opening + charges − paid is exact."""
    lines = statement_lines(charges, language)
    return StatementFigures(
        opening_balance=opening_balance, lines=lines,
        total_charges=sum((line.gross for line in lines), _ZERO),
        vat_total=sum((line.vat for line in lines), _ZERO),
        total_paid=sum((p.amount for p in payments), _ZERO))


def payable(amount_due: Decimal, open_before: Decimal) -> Decimal:
    """What a new invoice adds to the amounts older open invoices still ask for."""
    return max(amount_due - open_before, _ZERO)
