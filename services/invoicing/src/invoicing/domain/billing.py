"""The rules of a billing period and of the figures of its statement (SPEC I1, I2, I4)."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from tarifa.money import round_amount

from invoicing.domain.ledger import LedgerEntry
from invoicing.domain.statement import StatementLine
from invoicing.domain.vat import LineAmounts, VatAmount, invoice_vat

__all__ = ["BillingError", "Period", "StatementFigures", "check_period_end", "due_date", "figures",
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


LineKey = tuple[str, str, date | None, str]
"""``(msisdn, type, usage date of a late line or None, the entry of a one-off charge or "")``."""


def _line_key(entry: LedgerEntry, start: date | None) -> LineKey:
    late = start is not None and entry.occurred_on < start
    # each one-off charge an operator posts is a line of its own: a thing bought, not a
    # service used (fees from events keep a line per msisdn and type)
    own = entry.id if entry.type == "one_off" and not entry.source_event_id else ""
    return entry.msisdn or "", entry.type, entry.occurred_on if late else None, own


def _describe(entries: Sequence[LedgerEntry], language: str) -> str:
    if entries[0].type in ("fee", "one_off"):
        return ", ".join(sorted({e.description for e in entries if e.description}))
    words = _DIRECTIONS.get(language, _DIRECTIONS["en"])
    directions = sorted({e.direction or "" for e in entries} - {""}, reverse=True)
    return ", ".join(words.get(direction, direction) for direction in directions)


def _line(key: LineKey, entries: Sequence[LedgerEntry], amounts: LineAmounts,
          language: str) -> StatementLine:
    first = entries[0]
    return StatementLine(
        msisdn=key[0], type=key[1], description=_describe(entries, language),
        quantity=sum((e.quantity for e in entries), _ZERO), unit=first.unit, net=amounts.net,
        vat=amounts.vat, gross=amounts.gross, late=key[2] is not None, usage_date=key[2])


def _order(key: LineKey) -> tuple[str, str, bool, date, str]:
    return key[0], key[1], key[2] is not None, key[2] or date.min, key[3]


def statement_lines(charges: Iterable[LedgerEntry], currency: str, language: str = "en",
                    start: date | None = None) -> tuple[tuple[StatementLine, ...],
                                                        tuple[VatAmount, ...]]:
    """The charges per line (msisdn), service type and, for late usage, its date; VAT per rate.

    A charge dated before the period's ``start`` is late usage: it gets a line of its own.
    """
    groups: dict[LineKey, list[LedgerEntry]] = {}
    for entry in charges:
        groups.setdefault(_line_key(entry, start), []).append(entry)
    keys = sorted(groups, key=_order)
    amounts, totals = invoice_vat([groups[key] for key in keys], currency)
    lines = tuple(_line(key, groups[key], amount, language)
                  for key, amount in zip(keys, amounts, strict=True))
    return lines, totals


@dataclass(frozen=True, slots=True)
class StatementFigures:
    """A statement's numbers; balances in the statement sign (positive = debt)."""

    opening_balance: Decimal
    lines: tuple[StatementLine, ...]
    total_charges: Decimal
    vat_total: Decimal
    total_paid: Decimal
    vat_breakdown: tuple[VatAmount, ...] = ()

    @property
    def closing_balance(self) -> Decimal:
        return self.opening_balance + self.total_charges - self.total_paid

    @property
    def amount_due(self) -> Decimal:
        return max(self.closing_balance, _ZERO)


@dataclass(frozen=True, slots=True)
class Period:
    """What a statement covers: its first day (earlier charges are late), currency, language."""

    start: date | None
    currency: str
    language: str = "en"


def figures(opening_balance: Decimal, charges: Sequence[LedgerEntry],
            payments: Sequence[LedgerEntry], period: Period) -> StatementFigures:
    """Sum the period's movements; the identity closing = opening + charges − paid is exact."""
    lines, totals = statement_lines(charges, period.currency, period.language, period.start)
    zero = round_amount(_ZERO, period.currency)
    return StatementFigures(
        opening_balance=round_amount(opening_balance, period.currency), lines=lines,
        total_charges=sum((line.gross for line in lines), zero),
        vat_total=sum((line.vat for line in lines), zero),
        total_paid=sum((p.amount for p in payments), zero), vat_breakdown=totals)


def payable(amount_due: Decimal, open_before: Decimal) -> Decimal:
    """What a new invoice adds to the amounts older open invoices still ask for."""
    return max(amount_due - open_before, _ZERO)
