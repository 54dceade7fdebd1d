"""Posting exact charges to the ledger: rounded once per period and service, with a carry.

Rating sends charges at their exact (unrounded) amounts. The ledger holds minor units, so each
charge is posted as what it moves the rounded running total of its **carry** (see
``tarifa.money.Carry``):

* the **line carry** of its invoice line (msisdn, type, and for a late charge its usage date),
  VAT terms and billing month keeps the exact net (or, where prices include VAT, the exact gross); what a
  line is charged in a month is therefore ``round(exact sum)``, however many batches or days it
  came in;
* the **VAT carry** of its VAT rate and billing month keeps the posted taxable amount; the VAT
  posted for a rate in a month is therefore ``round(rate × net)`` (or the VAT within the gross),
  exactly the VAT the invoice states for that rate.

The billing month of a charge is the month of its usage date, or, when that month was invoiced
already (a late charge), the month after the last invoiced period: the invoice it lands on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache, partial

from tarifa.money import Carry, round_amount, vat_on, vat_within

__all__ = ["CarryKey", "ExactCharge", "Posted", "Postings", "billing_month", "rate_of"]

CarryKey = tuple[date, str]
"""``(billing month, what is carried)``: ``line:…`` for an invoice line, ``vat:…`` for a rate."""


@dataclass(frozen=True, slots=True)
class ExactCharge:
    """A charge at its exact amounts, in the terms of its plan's VAT."""

    msisdn: str
    type: str
    usage_date: date
    net: Decimal
    gross: Decimal
    vat_rate: Decimal
    vat_included: bool


@dataclass(frozen=True, slots=True)
class Posted:
    """What a charge is posted as: minor units, ``net + vat == gross``."""

    net: Decimal
    vat: Decimal
    gross: Decimal
    late: bool


def billing_month(usage_date: date, invoiced_through: date | None) -> date:
    """The first day of the month whose invoice bills a charge of ``usage_date``."""
    if invoiced_through is not None and usage_date <= invoiced_through:
        return (invoiced_through + timedelta(days=1)).replace(day=1)
    return usage_date.replace(day=1)


def rate_of(net: Decimal, vat: Decimal) -> Decimal:
    """The VAT rate of an item that did not say it (older events): its VAT over its net."""
    return (vat / net).quantize(Decimal("0.0001")) if net else Decimal(0)


def _line_key(charge: ExactCharge, late: bool) -> str:
    day = charge.usage_date.isoformat() if late else ""
    return f"line:{charge.msisdn}:{charge.type}:{day}:{_terms(charge)}"


def _terms(charge: ExactCharge) -> str:
    return _terms_of(charge.vat_rate, charge.vat_included)


@lru_cache(maxsize=256)
def _terms_of(vat_rate: Decimal, vat_included: bool) -> str:
    """The VAT terms in a carry's key; a batch has a handful of distinct ones."""
    return f"{vat_rate.normalize()}:{int(vat_included)}"


def _vat_key(charge: ExactCharge) -> str:
    return f"vat:{_terms(charge)}"


@dataclass
class Postings:
    """The carries of one account, as loaded for the months a batch of charges touches."""

    currency: str
    invoiced_through: date | None
    carries: dict[CarryKey, Carry]
    touched: set[CarryKey]

    def _carry(self, key: CarryKey) -> Carry:
        self.touched.add(key)
        return self.carries.setdefault(key, Carry())

    def keys_for(self, charge: ExactCharge) -> list[CarryKey]:
        month, late = self._month(charge)
        return self._keys(charge, month, late)

    @staticmethod
    def _keys(charge: ExactCharge, month: date, late: bool) -> list[CarryKey]:
        return [(month, _line_key(charge, late)), (month, _vat_key(charge))]

    def _month(self, charge: ExactCharge) -> tuple[date, bool]:
        month = billing_month(charge.usage_date, self.invoiced_through)
        return month, month > charge.usage_date.replace(day=1)

    def post(self, charge: ExactCharge) -> Posted:
        """Round ``charge`` into the ledger's minor units, carrying what rounding left over."""
        month, late = self._month(charge)
        line_key, vat_key = self._keys(charge, month, late)
        rounded = partial(round_amount, currency=self.currency)
        if charge.vat_included:
            gross = self._carry(line_key).post(charge.gross, rounded)
            vat = self._carry(vat_key).post(gross, self._tax(vat_within, charge.vat_rate))
            return Posted(gross - vat, vat, gross, late)
        net = self._carry(line_key).post(charge.net, rounded)
        vat = self._carry(vat_key).post(net, self._tax(vat_on, charge.vat_rate))
        return Posted(net, vat, net + vat, late)

    def _tax(self, rule: Callable[[Decimal, Decimal, str], Decimal],
             rate: Decimal) -> Callable[[Decimal], Decimal]:
        return lambda base: rule(base, rate, self.currency)
