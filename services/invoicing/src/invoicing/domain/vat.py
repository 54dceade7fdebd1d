"""VAT on the invoice: per rate, on that rate's taxable amount, rounded once (SPEC X1).

The charges of an invoice are grouped by VAT rate (and by whether their prices include VAT).
A group's VAT is ``round(rate × net)`` for net prices and the VAT within the gross for prices
that include it; charges that name no rate keep the VAT they were posted with. Each group's VAT
is shared over the invoice lines in proportion to their taxable amounts (``apportion``), so the
lines' net, VAT and gross add up to the invoice's totals exactly.

The postings carried VAT per rate and billing month already (``invoicing.domain.posting``), so
for an invoice of one month the VAT stated is the VAT posted; where an invoice spans several
months' postings, ``rounding_difference`` is what the ledger must still be charged (or credited)
so that its postings equal the invoice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from tarifa.money import apportion, round_amount, vat_on, vat_within

from invoicing.domain.ledger import LedgerEntry

__all__ = ["LineAmounts", "VatAmount", "invoice_vat", "rounding_difference"]

GroupKey = tuple[Decimal | None, bool]
_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class VatAmount:
    """The taxable net, VAT and gross of one VAT rate on an invoice."""

    rate: Decimal | None
    included: bool
    net: Decimal
    vat: Decimal
    gross: Decimal


@dataclass(frozen=True, slots=True)
class LineAmounts:
    net: Decimal
    vat: Decimal
    gross: Decimal


def _key(entry: LedgerEntry) -> GroupKey:
    return (entry.vat_rate, entry.vat_included) if entry.vat_rate is not None else (None, False)


def _group_total(key: GroupKey, entries: Sequence[LedgerEntry], currency: str) -> VatAmount:
    rate, included = key
    net = sum((e.net for e in entries), _ZERO)
    gross = sum((e.gross for e in entries), _ZERO)
    if rate is None:
        return VatAmount(None, False, net, sum((e.vat for e in entries), _ZERO), gross)
    if included:
        vat = vat_within(gross, rate, currency)
        return VatAmount(rate, True, gross - vat, vat, gross)
    vat = vat_on(net, rate, currency)
    return VatAmount(rate, False, net, vat, net + vat)


def _taxable(key: GroupKey, entries: Sequence[LedgerEntry]) -> Decimal:
    return sum((e.gross if key[1] else e.net for e in entries if _key(e) == key), _ZERO)


def _shares(key: GroupKey, total: VatAmount, lines: Sequence[Sequence[LedgerEntry]],
            currency: str) -> list[Decimal]:
    if key[0] is None:
        return [sum((e.vat for e in line if _key(e) == key), _ZERO) for line in lines]
    return apportion(total.vat, [_taxable(key, line) for line in lines], currency)


def _line_part(key: GroupKey, line: Sequence[LedgerEntry], vat: Decimal) -> LineAmounts:
    if key[0] is None:
        mine = [e for e in line if _key(e) == key]
        return LineAmounts(sum((e.net for e in mine), _ZERO), vat,
                           sum((e.gross for e in mine), _ZERO))
    if key[1]:
        gross = _taxable(key, line)
        return LineAmounts(gross - vat, vat, gross)
    net = sum((e.net for e in line if _key(e) == key), _ZERO)
    return LineAmounts(net, vat, net + vat)


def _add(a: LineAmounts, b: LineAmounts) -> LineAmounts:
    return LineAmounts(a.net + b.net, a.vat + b.vat, a.gross + b.gross)


def invoice_vat(lines: Sequence[Sequence[LedgerEntry]],
                currency: str) -> tuple[list[LineAmounts], tuple[VatAmount, ...]]:
    """Each line's net, VAT and gross, and the invoice's VAT per rate; they add up exactly."""
    zero = round_amount(_ZERO, currency)
    amounts = [LineAmounts(zero, zero, zero) for _ in lines]
    groups: dict[GroupKey, list[LedgerEntry]] = {}
    for entry in (e for line in lines for e in line):
        groups.setdefault(_key(entry), []).append(entry)
    totals = []
    for key in sorted(groups, key=lambda k: (k[0] is None, k[0] or _ZERO, k[1])):
        total = _group_total(key, groups[key], currency)
        totals.append(total)
        for index, share in enumerate(_shares(key, total, lines, currency)):
            amounts[index] = _add(amounts[index], _line_part(key, lines[index], share))
    return amounts, tuple(totals)


def rounding_difference(charges: Sequence[LedgerEntry], totals: Sequence[VatAmount]) -> Decimal:
    """What the invoice's VAT exceeds the VAT posted by (zero for an invoice of one month)."""
    posted = sum((e.gross for e in charges), _ZERO)
    return sum((t.gross for t in totals), _ZERO) - posted
